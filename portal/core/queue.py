"""The back-office queue of any request type: tabs, filters, search, keyset pages, counts.

Open tabs are ordered (priority, due_sort, id) and the closed tab by id descending, so
every page is an index range scan from a cursor: page 40,000 costs what page 1 costs.
Counts stop at QUEUE_COUNT_CAP so that a view never counts a million rows.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, true

from portal.core.clock import local_midnight, utcnow
from portal.core.identity import normalise_mobile
from portal.core.models import ServiceRequest
from portal.core.registry import RequestKind
from portal.extensions import db

#: The ratings' filter of every ratable kind's queue (level, rated between two days), set by
#: the app (portal.create_app) from portal.ratings: (level, from, to) -> clause or None.
#: The core owns the slot and imports nothing above it.
RATING_CLAUSE_KEY = "portal.queue.rating_clause"
TABS = ("unassigned", "mine", "open", "overdue", "closed", "all")
#: Tabs ordered by id, newest first (the others by priority and due time).
_BY_ID = ("closed", "all")
REFERENCE_PATTERN = re.compile(r"^[A-Z]{2}-\d{4}-\d{6}$")


@dataclass
class QueueParams:
    """What the officer asked for: a tab, filters and a search."""

    tab: str = "open"
    status: str = ""
    township: str = ""
    assignee: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    #: The rating filter of ratable kinds (`portal.ratings.queue_filter`): a level or a
    #: group of levels ("poor"), and the days it was rated.
    rating: str = ""
    rated_from: date | None = None
    rated_to: date | None = None
    #: Order of the open tabs: "due" (priority, then due time) or "received" (oldest first).
    sort: str = "due"


def filter_clauses(kind: RequestKind, params: QueueParams, scope, *, kind_table_joined: bool = False) -> list:
    """WHERE clauses common to every tab: type, the viewer's scope, filters and search."""
    clauses = [ServiceRequest.request_type == kind.code]
    if scope is not None:
        clauses.append(scope)
    if params.township.isdigit():
        clauses.append(ServiceRequest.township_id == int(params.township))
    if params.assignee == "none":
        clauses.append(ServiceRequest.handler_id.is_(None))
    elif params.assignee.isdigit():
        clauses.append(ServiceRequest.handler_id == int(params.assignee))
    if params.date_from or params.date_to:
        start = local_midnight(params.date_from) if params.date_from else None
        end = local_midnight(params.date_to + timedelta(days=1)) if params.date_to else None
        clauses.append(date_range(kind, start, end))
    clauses += narrowing_clauses(kind, params, kind_table_joined=kind_table_joined)
    if params.q:
        clauses.append(search_clause(params.q))
    return clauses


def narrowing_clauses(kind: RequestKind, params: QueueParams, *, kind_table_joined: bool = False) -> list:
    """The status and the kind's own filters: what a report figure adds to its period and
    township, so that the figure and its queue link count the same rows.

    A filter on the kind's own table is a subquery on its ids, unless the caller's query
    joins that table already (`kind_table_joined`, the reports' aggregate)."""
    clauses = []
    if params.status and kind.workflow.has_state(params.status):
        clauses.append(ServiceRequest.status == params.status)
    for extra in kind.extra_filters:
        value = params.extra.get(extra.name)
        if value and (clause := extra.clause(value)) is not None:
            if extra.on_kind_table and not kind_table_joined:
                table = kind.model.__table__
                clause = ServiceRequest.id.in_(select(table.c.id).where(clause))
            clauses.append(clause)
    if kind.ratable_states and (params.rating or params.rated_from or params.rated_to):
        rating_clause = current_app.extensions.get(RATING_CLAUSE_KEY)
        if (
            rating_clause
            and (rated := rating_clause(params.rating, params.rated_from, params.rated_to)) is not None
        ):
            clauses.append(rated)
    return clauses


def query_args(params: QueueParams) -> dict[str, str]:
    """The queue page's URL arguments for these params (what `backoffice` parses back)."""
    args = {
        "tab": params.tab,
        "status": params.status,
        "township": params.township,
        "assignee": params.assignee,
        "q": params.q,
        "from": params.date_from.isoformat() if params.date_from else "",
        "to": params.date_to.isoformat() if params.date_to else "",
        **params.extra,
        "rating": params.rating,
        "rated_from": params.rated_from.isoformat() if params.rated_from else "",
        "rated_to": params.rated_to.isoformat() if params.rated_to else "",
        "sort": "" if params.sort == "due" else params.sort,
    }
    return {name: value for name, value in args.items() if value}


def date_range(kind: RequestKind, start, end):
    """Requests whose date (the kind's own, or received) lies in [start, end)."""
    if kind.date_range_clause is not None:
        return kind.date_range_clause(start, end)
    clauses = []
    if start is not None:
        clauses.append(ServiceRequest.created_at >= start)
    if end is not None:
        clauses.append(ServiceRequest.created_at < end)
    return and_(*clauses)


def search_clause(text: str):
    """Reference, mobile, or the start of the applicant's name."""
    term = text.strip()
    if REFERENCE_PATTERN.match(term.upper()):
        return ServiceRequest.reference == term.upper()
    if mobile := normalise_mobile(term):
        return ServiceRequest.applicant_mobile == mobile
    if db.engine.dialect.name == "postgresql":
        # LIKE 'term%' uses the text_pattern_ops index whatever the database's collation.
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return ServiceRequest.applicant_name.like(escaped + "%", escape="\\")
    # SQLite compares text in code-point order (BINARY): a range uses the plain index.
    return and_(ServiceRequest.applicant_name >= term, ServiceRequest.applicant_name < term + "\U0010ffff")


def tab_clause(tab: str, user, kind: RequestKind, now: datetime):
    if tab == "all":
        return true()
    if tab == "closed":
        return ServiceRequest.is_open.is_(False)
    clauses = [ServiceRequest.is_open.is_(True)]
    if tab == "unassigned":
        clauses.append(ServiceRequest.handler_id.is_(None))
    elif tab == "mine":
        mine = ServiceRequest.handler_id == user.id
        if (
            kind.participant_clause is not None
            and kind.participant_role
            and user.has_role(kind.participant_role)
        ):
            # Only for participants: the OR would keep others off the handler index.
            mine = or_(mine, kind.participant_clause(user))
        clauses.append(mine)
    elif tab == "overdue":
        clauses.append(ServiceRequest.due_sort < now)
    return and_(*clauses)


#: The orders an open tab may be sorted by (each with its keyset index).
SORTS = ("due", "received")


def ordering(tab: str, sort: str = "due"):
    if tab in _BY_ID:
        return [ServiceRequest.id.desc()]
    if sort == "received":
        return [ServiceRequest.created_at, ServiceRequest.id]
    return [ServiceRequest.priority, ServiceRequest.due_sort, ServiceRequest.id]


def encode_cursor(tab: str, row: ServiceRequest, sort: str = "due") -> str:
    if tab in _BY_ID:
        return str(row.id)
    if sort == "received":
        return f"r{row.created_at:%Y%m%d%H%M%S%f}.{row.id}"
    return f"{row.priority}.{row.due_sort:%Y%m%d%H%M%S}.{row.id}"


def _received_seeks(cursor: str) -> list:
    """After (created_at, id): the same moment with a later id, then a later moment."""
    moment, row_id = cursor.removeprefix("r").split(".")
    created = datetime.strptime(moment, "%Y%m%d%H%M%S%f")
    return [
        and_(ServiceRequest.created_at == created, ServiceRequest.id > int(row_id)),
        ServiceRequest.created_at > created,
    ]


def cursor_seeks(tab: str, cursor: str, sort: str = "due") -> list | None:
    """WHERE clauses, in queue order, that together give the rows after the cursor.

    Open tabs split "(priority, due_sort, id) > cursor" into three seeks: same priority
    and due time with a later id, same priority with a later due time, a later priority.
    Each is an index range on both databases; SQLite cannot seek a row-value comparison
    past its first columns and would read every row tied on the deadline before the
    cursor. Returns None when the cursor is malformed.
    """
    try:
        if tab in _BY_ID:
            return [ServiceRequest.id < int(cursor)]
        if sort == "received":
            return _received_seeks(cursor)
        priority_text, due, row_id = cursor.split(".")
        priority, due_at = int(priority_text), datetime.strptime(due, "%Y%m%d%H%M%S")
        return [
            and_(
                ServiceRequest.priority == priority,
                ServiceRequest.due_sort == due_at,
                ServiceRequest.id > int(row_id),
            ),
            and_(ServiceRequest.priority == priority, ServiceRequest.due_sort > due_at),
            ServiceRequest.priority > priority,
        ]
    except ValueError:
        return None


def iter_export(kind, user, params: QueueParams, *, scope):
    """All rows of the filtered tab, in queue order, up to EXPORT_MAX_ROWS."""
    clauses = filter_clauses(kind, params, scope)
    clauses.append(tab_clause(params.tab, user, kind, utcnow()))
    limit = current_app.config["EXPORT_MAX_ROWS"]
    query = select(ServiceRequest).where(*clauses).order_by(*ordering(params.tab, params.sort)).limit(limit)
    yield from db.session.scalars(query.execution_options(yield_per=500))
