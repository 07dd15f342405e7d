"""Count the declared figures for a period: each a queue selection, counted and linked alike.

A section's figures over the period are counted in one aggregate query per request kind
(`SUM(CASE WHEN <the figure's queue clauses> ...)` over the kind's rows received in the
period, found through the (request_type, created_at) index); figures of "now" (overdue,
workload) are counted one by one through the queue's own indexes.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from flask import url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select, text, true

from portal.core.clock import utcnow
from portal.core.contract import Breakdown, Figure, ReportSection
from portal.core.models import ServiceRequest
from portal.core.queue import QueueParams, filter_clauses, query_args, tab_clause
from portal.core.registry import RequestKind, all_kinds, capabilities, registry
from portal.extensions import db
from portal.reports.period import Period, month_end


@dataclass
class Count:
    """One figure of the report: its label, value, the queue link, and optional share/total."""

    label: str
    value: int
    url: str | None = None
    share: float | None = None
    total: Decimal | None = None
    total_label: str | None = None


@dataclass
class Table:
    """Rows drawn as a chart beside their table: "bars" (shares) or "columns" (a trend)."""

    key: str
    title: str
    rows: list[Count]
    chart: str = "bars"
    #: Column headings of the value and the share (e.g. "Ratings", "Satisfaction rate").
    value_label: str = ""
    share_label: str = ""


@dataclass
class SectionResult:
    key: str
    title: str
    figures: list[Count] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """A selection of one kind's queue: what is counted and where its link goes."""

    kind: RequestKind
    params: QueueParams

    def clauses(self, *, kind_table_joined: bool = False) -> list:
        return [*filter_clauses(self.kind, self.params, None, kind_table_joined=kind_table_joined),
                tab_clause(self.params.tab, None, self.kind, utcnow())]

    @property
    def url(self) -> str:
        return url_for("backoffice.queue_page", slug=self.kind.slug, **query_args(self.params))


def selection(kind: RequestKind, period: Period, *, tab="all", status="", extra=(), in_period=True,
              start: date | None = None, end: date | None = None) -> Selection:
    """The queue params of a figure: the period (or a month of it), township, state, filters."""
    params = QueueParams(tab=tab, status=status, township=period.township, extra=dict(extra))
    if in_period:
        params.date_from, params.date_to = start or period.start, end or period.end
    return Selection(kind, params)


def count_in_period(kind: RequestKind, period: Period, selections: list[Selection]) -> list[int]:
    """Counts of several selections of one kind over the period, in one aggregate query."""
    if not selections:
        return []
    where = filter_clauses(kind, selection(kind, period).params, None)
    # One pass over the period's rows; filters on the kind's own table read it joined.
    joined = any(f.on_kind_table for f in kind.extra_filters)
    rows = ServiceRequest.__table__
    if joined:
        table = kind.model.__table__
        rows = rows.outerjoin(table, table.c.id == ServiceRequest.__table__.c.id)
    columns = [func.coalesce(func.sum(case((and_(*_beyond(s.clauses(kind_table_joined=joined), where)), 1),
                                           else_=0)), 0)
               for s in selections]
    row = db.session.execute(select(*columns).select_from(rows).where(*where)).one()
    return [int(value) for value in row]


def _beyond(clauses: list, where: list) -> list:
    """The clauses of a selection that the WHERE of the aggregate does not already apply
    (the same type, period and township are not tested again for every figure)."""
    return [c for c in clauses if not any(c.compare(w) for w in where)] or [true()]


def count_now(selection_: Selection) -> int:
    """One count through the queue's own clauses and indexes (figures of today, months)."""
    return db.session.scalar(select(func.count()).select_from(ServiceRequest.__table__).where(*selection_.clauses()))


def total_of(selection_: Selection, column) -> Decimal:
    """The sum of a column of the kind's own table over the selected requests."""
    ids = select(ServiceRequest.__table__.c.id).where(*selection_.clauses())
    value = db.session.scalar(select(func.sum(column)).where(column.table.c.id.in_(ids)))
    return Decimal(value or 0)


def _share(value: int, of: int | None) -> float | None:
    return None if not of else value / of


def _figure_selection(figure: Figure, period: Period) -> Selection | None:
    kind = registry().kinds.get(figure.kind)
    if kind is None:
        return None  # a figure of a kind that is not enabled here
    return selection(kind, period, tab=figure.tab, status=figure.status, extra=figure.filters,
                     in_period=figure.in_period)


def _breakdown_selections(breakdown: Breakdown, period: Period) -> list[tuple[str, Selection]]:
    kind = registry().kinds.get(breakdown.kind)
    queue_filter = next((f for f in kind.extra_filters if f.name == breakdown.filter), None) if kind else None
    if queue_filter is None:
        return []
    return [(str(label), selection(kind, period, tab=breakdown.tab, extra={breakdown.filter: value},
                                   in_period=breakdown.in_period))
            for value, label in queue_filter.choices()]


def month_label(first: date) -> str:
    return format_date(first, "yyyy-MM")


def compute_section(section: ReportSection, period: Period, *, with_tables: bool = True) -> SectionResult:
    """Count a declared section: its figures, its breakdowns and its monthly trend."""
    result = SectionResult(section.key, str(section.title))
    figures = [(f, s) for f in section.figures if (s := _figure_selection(f, period)) is not None]
    breakdowns = [(b, _breakdown_selections(b, period)) for b in section.breakdowns] if with_tables else []
    trend_kind = registry().kinds.get(section.trend_kind or "") if with_tables else None
    trend = [(month_label(m), selection(trend_kind, period, start=m, end=month_end(m)))
             for m in period.months()] if trend_kind else []
    counted = _count_all([s for _f, s in figures] + [s for _b, rows in breakdowns for _l, s in rows]
                         + [s for _l, s in trend], period)
    values = {f.key: counted[id(s)] for f, s in figures}
    for figure, chosen in figures:
        count = Count(str(figure.label), values[figure.key], chosen.url,
                      share=_share(values[figure.key], values.get(figure.share_of)) if figure.share_of else None)
        if figure.total is not None:
            count.total, count.total_label = total_of(chosen, figure.total()), str(figure.total_label or "")
        result.figures.append(count)
    for breakdown, rows in breakdowns:
        counts = [Count(label, counted[id(s)], s.url) for label, s in rows]
        if len(counts) > 12:  # long lists (area × level): only what was found
            counts = [c for c in counts if c.value]
        everything = sum(c.value for c in counts)
        result.tables.append(Table(breakdown.key, str(breakdown.title),
                                   [replace(c, share=_share(c.value, everything)) for c in counts]))
    if trend:
        result.tables.append(Table("trend", str(_l("Received per month")),
                                   [Count(label, counted[id(s)], s.url) for label, s in trend], chart="columns"))
    if section.counted is not None:
        figures_of_list, tables_of_list = section.counted(period, with_tables)
        result.figures += figures_of_list
        result.tables += tables_of_list if with_tables else []
    return result


def _count_all(selections: list[Selection], period: Period) -> dict[int, int]:
    """Counts by selection identity: one query per kind for the period's figures, one each
    for "now" and for a part of the period (a month of the trend: a range of the report
    index, where a CASE per month over all the period's rows cost ~0.5 s at 1M rows)."""
    counted: dict[int, int] = {}
    by_kind: dict[str, list[Selection]] = {}
    for chosen in selections:
        if (chosen.params.date_from, chosen.params.date_to) != (period.start, period.end):
            counted[id(chosen)] = count_now(chosen)
        else:
            by_kind.setdefault(chosen.kind.code, []).append(chosen)
    for chosen_list in by_kind.values():
        for chosen, value in zip(chosen_list, count_in_period(chosen_list[0].kind, period, chosen_list), strict=True):
            counted[id(chosen)] = value
    return counted


def without_jit() -> None:
    """PostgreSQL: no JIT compilation in this transaction. The report's aggregates cost
    enough to pass `jit_above_cost`, yet each runs in well under a second, so compiling
    them (35-44 functions) added 150-400 ms per report at 1M applications (measured:
    docs/performance.md, "Annual report")."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def declared_sections() -> list[ReportSection]:
    """Every enabled capability's report sections, in the order of the CAPABILITIES setting."""
    return [s for c in capabilities() if c.report_figures for s in c.report_figures()]


def overdue_now(period: Period) -> SectionResult:
    """Requests past their deadline today, per kind (the queues' overdue tabs)."""
    result = SectionResult("overdue", str(_l("Overdue now")))
    for kind in all_kinds():
        chosen = selection(kind, period, tab="overdue", in_period=False)
        result.figures.append(Count(str(kind.label), count_now(chosen), chosen.url))
    return result


def workload_now(period: Period) -> SectionResult:
    """Open requests per handler and kind: the queue's "all open" tab filtered by handler."""
    from portal.accounts.models import User

    result = SectionResult("workload", str(_l("Workload now: open requests per handler")))
    rows = []
    for kind in all_kinds():
        base = selection(kind, period, tab="open", in_period=False)
        handler = ServiceRequest.__table__.c.handler_id
        query = (select(handler, func.count()).select_from(ServiceRequest.__table__)
                 .where(*base.clauses(), handler.is_not(None)).group_by(handler))
        for handler_id, value in db.session.execute(query):
            user = db.session.get(User, handler_id)
            assigned = Selection(kind, replace(base.params, assignee=str(handler_id)))
            rows.append(Count(f"{user.display_name if user else handler_id} · {kind.label}", value, assigned.url))
    rows.sort(key=lambda c: (-c.value, c.label))
    result.tables.append(Table("workload", result.title, rows))
    return result
