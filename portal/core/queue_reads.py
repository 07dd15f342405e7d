"""The queue's two reads per view: one page of rows and the tab counts.

Building these statements cost more CPU than running them (the six counts' UNION ALL
alone was a fifth of a queue page's Python time). The queue as an officer opens it (no
filter, no search, the whole queue in sight) is read with statements built once per
kind, tab and order, the viewer and the moment bound when it runs (`:viewer`, `:now`);
any filter, search or partial view builds its own as before.
"""

from types import SimpleNamespace

from flask import current_app
from sqlalchemy import DateTime, Integer, bindparam, func, literal, select, union_all

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest, Township, user_model
from portal.core.queue import (
    TABS,
    QueueParams,
    cursor_seeks,
    encode_cursor,
    filter_clauses,
    ordering,
    tab_clause,
)
from portal.extensions import db

#: The viewer and the moment of a statement built once, bound when it runs.
_VIEWER = SimpleNamespace(id=bindparam("viewer", type_=Integer), has_role=lambda *roles: False)
_NOW = bindparam("now", type_=DateTime)
_BUILT: dict = {}


def _built_once(key, build):
    statement = _BUILT.get(key)
    if statement is None:
        statement = _BUILT[key] = build()
    return statement


def _reusable(kind, user, params: QueueParams, scope, clauses) -> bool:
    """The view reads the whole queue unfiltered, and the viewer's "Mine" tab is their
    own cases only (a participant's also holds the cases they take part in)."""
    participant = (
        kind.participant_clause is not None and kind.participant_role and user.has_role(kind.participant_role)
    )
    return scope is None and len(clauses) == 1 and not participant


def _shown_columns():
    """The columns a queue row shows (templates/backoffice/queue.html), as plain rows.

    Not ORM objects: hydrating 21 requests with their joined township and handler (and
    the handler's roles) cost a third of the page's Python time.
    """
    User = user_model()  # noqa: N806 (a model class)
    request = ServiceRequest
    return (
        select(
            request.id,
            request.reference,
            request.request_type,
            request.status,
            request.priority,
            request.due_sort,
            request.due_at,
            request.is_open,
            request.created_at,
            request.closed_at,
            request.applicant_name,
            request.applicant_mobile,
            request.safe_contact,
            Township.name.label("township_name"),
            Township.name_en.label("township_name_en"),
            User.display_name.label("handler_name"),
        )
        .select_from(request)
        .outerjoin(Township, Township.id == request.township_id)
        .outerjoin(User, User.id == request.handler_id)
    )


def fetch_page(kind, user, params: QueueParams, *, scope, after: str = ""):
    """One page of the queue and the cursor of the next page (None at the end)."""
    size = current_app.config["QUEUE_PAGE_SIZE"]
    clauses = filter_clauses(kind, params, scope)
    bound = {"viewer": user.id, "now": utcnow()}
    if _reusable(kind, user, params, scope, clauses):
        query = _built_once(
            ("page", kind.code, params.tab, params.sort),
            lambda: _page_query(kind, clauses, params.tab, params.sort, _VIEWER, _NOW),
        )
    else:
        query = _page_query(kind, clauses, params.tab, params.sort, user, bound["now"])
    seeks = (cursor_seeks(params.tab, after, params.sort) if after else None) or [None]
    rows: list = []
    for seek in seeks:  # in order, until the page (and one more row) is full
        page_query = query if seek is None else query.where(seek)
        rows += db.session.execute(page_query.limit(size + 1 - len(rows)), bound).all()
        if len(rows) > size:
            break
    next_cursor = encode_cursor(params.tab, rows[size - 1], params.sort) if len(rows) > size else None
    return rows[:size], next_cursor


def tab_counts(kind, user, params: QueueParams, *, scope) -> dict[str, tuple[int, bool]]:
    """Per tab: (count, capped). Counting stops at the cap, so it stays cheap at any size;
    the five capped counts travel in one UNION ALL query."""
    cap = current_app.config["QUEUE_COUNT_CAP"]
    clauses = filter_clauses(kind, params, scope)
    bound = {"viewer": user.id, "now": utcnow()}
    if _reusable(kind, user, params, scope, clauses):
        statement = _built_once(
            ("counts", kind.code, cap), lambda: _counts_query(kind, clauses, cap, _VIEWER, _NOW)
        )
    else:
        statement = _counts_query(kind, clauses, cap, user, bound["now"])
    rows = dict(db.session.execute(statement, bound).all())
    return {tab: (min(rows.get(tab, 0), cap), rows.get(tab, 0) > cap) for tab in TABS}


def _page_query(kind, clauses, tab: str, sort: str, user, now):
    return _shown_columns().where(*clauses, tab_clause(tab, user, kind, now)).order_by(*ordering(tab, sort))


def _counts_query(kind, clauses, cap: int, user, now):
    return union_all(
        *(
            select(literal(tab).label("tab"), func.count().label("n")).select_from(
                select(ServiceRequest.id)
                .where(*clauses, tab_clause(tab, user, kind, now))
                .limit(cap + 1)
                .subquery()
            )
            for tab in TABS
        )
    )
