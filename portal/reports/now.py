"""Figures of now, counted live on every report page through the queues' own clauses and
indexes: what is overdue today, and the open requests per handler."""

from dataclasses import replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.core.queue import filter_clauses, tab_clause
from portal.core.registry import all_kinds
from portal.extensions import db
from portal.reports.built import built_once
from portal.reports.measures import Selection, selection
from portal.reports.period import Period
from portal.reports.results import Count, SectionResult, Table


def overdue_now(period: Period, cap: int | None = None) -> SectionResult:
    """Requests past their deadline today, per kind (the queues' overdue tabs): each counted
    live through the queue's own clauses and index, all in one statement. With a `cap` (the
    reports home: the queues' QUEUE_COUNT_CAP) counting stops there and the figure shows
    "1000+", as the queue's tab does: at 1M requests the exact count took 63 ms on SQLite.
    The report of a period (and its exports) counts exactly."""
    result = SectionResult("overdue", str(_l("Overdue now")))
    chosen = [selection(kind, period, tab="overdue", in_period=False) for kind in all_kinds()]
    if chosen:
        counts = db.session.execute(_overdue_statement(chosen, cap), {"now": utcnow()}).one()
        for selected, value in zip(chosen, counts, strict=True):
            capped = cap is not None and value > cap
            result.figures.append(
                Count(str(selected.kind.label), cap if capped else value, selected.url, capped=capped)
            )
    return result


def _overdue_statement(chosen: list[Selection], cap: int | None):
    """SELECT (count of kind 1's overdue tab), (kind 2's), ...: its clauses do not depend on
    the day but through the `now` parameter, so it is built once per app, township and cap."""
    table = ServiceRequest.__table__

    def counted(c, now):
        where = (*filter_clauses(c.kind, c.params, None), tab_clause("overdue", None, c.kind, now))
        if cap is None:
            return select(func.count()).select_from(table).where(*where).scalar_subquery()
        first = select(table.c.id).where(*where).limit(cap + 1).subquery()
        return select(func.count()).select_from(first).scalar_subquery()

    def build():
        now = bindparam("now")
        return select(*(counted(c, now) for c in chosen))

    key = ("overdue", tuple(c.kind.code for c in chosen), chosen[0].params.township, cap)
    return built_once(key, build)


def workload_now(period: Period) -> SectionResult:
    """Open requests per handler and kind: the queue's "all open" tab filtered by handler."""
    from portal.accounts.models import User

    result = SectionResult("workload", str(_l("Workload now: open requests per handler")))
    rows = []
    for kind in all_kinds():
        base = selection(kind, period, tab="open", in_period=False)
        handler = ServiceRequest.__table__.c.handler_id
        query = (
            select(handler, func.count())
            .select_from(ServiceRequest.__table__)
            .where(*base.clauses(), handler.is_not(None))
            .group_by(handler)
        )
        for handler_id, value in db.session.execute(query):
            user = db.session.get(User, handler_id)
            assigned = Selection(kind, replace(base.params, assignee=str(handler_id)))
            rows.append(
                Count(f"{user.display_name if user else handler_id} · {kind.label}", value, assigned.url)
            )
    rows.sort(key=lambda c: (-c.value, c.label))
    result.tables.append(Table("workload", result.title, rows))
    return result
