"""Count the declared figures for a period: each a queue selection, counted and linked alike.

A figure over the period is the sum of its months (`Measure`): each month of a kind is
counted in one aggregate query (`SUM(CASE WHEN <the figure's queue clauses> ...)` over
the month's rows, found through the (request_type, created_at) index), or read from the
monthly summary when the month has not changed since `refresh-reports` counted it
(portal.reports.summary). Figures of "now" (overdue, workload) are counted one by one
through the queue's own indexes.
"""

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, case, cast, func, select, text, true

from portal.core.clock import utcnow
from portal.core.contract import Breakdown, Figure, ReportSection
from portal.core.models import ServiceRequest
from portal.core.queue import (
    QueueParams,
    date_range,
    filter_clauses,
    narrowing_clauses,
    query_args,
    tab_clause,
)
from portal.core.registry import RequestKind, all_kinds, capabilities, registry
from portal.extensions import db
from portal.reports import summary
from portal.reports.period import Period, month_end


@dataclass
class Count:
    """One figure of the report: its label, value, the queue link, and optional share/total."""

    label: str
    #: A count, or a median (None when there was nothing to take it of).
    value: int | float | None
    url: str | None = None
    share: float | None = None
    total: Decimal | None = None
    total_label: str | None = None
    #: For a median: how many requests it was taken over (what its link lists).
    of: int | None = None


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
        return [
            *filter_clauses(self.kind, self.params, None, kind_table_joined=kind_table_joined),
            tab_clause(self.params.tab, None, self.kind, utcnow()),
        ]

    @property
    def url(self) -> str:
        return url_for("backoffice.queue_page", slug=self.kind.slug, **query_args(self.params))


def selection(
    kind: RequestKind,
    period: Period,
    *,
    tab="all",
    status="",
    extra=(),
    in_period=True,
    start: date | None = None,
    end: date | None = None,
) -> Selection:
    """The queue params of a figure: the period (or a month of it), township, state, filters."""
    params = QueueParams(tab=tab, status=status, township=period.township, extra=dict(extra))
    if in_period:
        params.date_from, params.date_to = start or period.start, end or period.end
    return Selection(kind, params)


@dataclass(frozen=True)
class Measure:
    """A number a figure adds up over one month of a kind's requests: how many a selection
    holds, the sum of a column over them, or how many lie at each whole number of days
    between two of their dates (a histogram, for a median). Each is additive over months,
    so a period's number is the sum of its months' (portal.reports.summary stores them)."""

    selection: Selection
    #: () -> a numeric column of the kind's own table: the sum over the selected requests.
    column: Any = None
    #: () -> (start, end) columns: the selected requests counted per whole day between them.
    days: Any = None

    @property
    def key(self) -> str:
        """What is counted, readable, and a hash of its definition (see `_definition`)."""
        params = self.selection.params
        assert not (params.q or params.assignee or params.rating), (
            "a stored figure is a filter of the kind's own"
        )
        chosen = "&".join(f"{name}={value}" for name, value in sorted(params.extra.items()))
        selected = f"{params.tab}|{params.status}|{chosen}"
        if self.column is not None:
            column = self.column()
            what = f"sum|{column.table.name}.{column.name}|{selected}"
        elif self.days is not None:
            start, end = self.days()
            what = f"days|{start.name}-{end.name}|{selected}"
        else:
            what = f"n|{selected}"
        return f"{what}#{_definition(self.selection.kind, params, what)}"

    def required_keys(self) -> list[str]:
        # A histogram is stored as its bins ("<key>|<days>") and its total ("<key>|*").
        return [f"{self.key}|*"] if self.days is not None else [self.key]


_DEFINITIONS: dict[tuple, str] = {}
#: Any fixed moment: the definition's date range is compiled with it (the dates are not part of it).
_SOME_DAY = datetime(2000, 1, 1)


def _definition(kind: RequestKind, params: QueueParams, what: str) -> str:
    """A short hash of the SQL a measure counts by (its filters' clauses and constants, the
    tab, the kind's date): a release that changes a figure's rule makes a new key, so the
    months stored under the old rule are counted again instead of being shown. Built once
    per process for each measure."""
    cache_key = (kind.code, what)
    if (found := _DEFINITIONS.get(cache_key)) is None:
        clause = and_(
            true(),
            *narrowing_clauses(kind, params, kind_table_joined=True),
            tab_clause(params.tab, None, kind, _SOME_DAY),
            date_range(kind, _SOME_DAY, _SOME_DAY),
        )
        compiled = clause.compile()
        constants = sorted((name, repr(value)) for name, value in compiled.params.items())
        text = f"{compiled}|{constants}|{kind.date_attribute}|{what}"
        found = _DEFINITIONS[cache_key] = hashlib.sha256(text.encode()).hexdigest()[:10]
    return found


def _whole_days(start, end):
    """Whole days from start to end, on either database (ages in days for a median)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", end - start) / 86400)
    return cast(func.julianday(end) - func.julianday(start), Integer)


class MonthCounter:
    """Counts measures of one kind month by month: the measures' conditions are built once
    (they do not depend on the month), and each month is one aggregate query (a CASE per
    measure over the month's rows) plus one grouped query per histogram."""

    def __init__(self, kind: RequestKind, township: str, measures: list[Measure]):
        self.kind, self.township, self.measures = kind, township, measures
        # Filters and sums on the kind's own table read it joined: one pass over the month.
        joined = any(f.on_kind_table for f in kind.extra_filters) or any(
            m.column is not None or m.days is not None for m in measures
        )
        self.rows = ServiceRequest.__table__
        if joined:
            table = kind.model.__table__
            self.rows = self.rows.outerjoin(table, table.c.id == ServiceRequest.__table__.c.id)
        now = utcnow()
        # A selection is the month's rows (type, township, dates: the WHERE) and these.
        self.conditions = [
            and_(
                true(),
                *narrowing_clauses(kind, m.selection.params, kind_table_joined=joined),
                tab_clause(m.selection.params.tab, None, kind, now),
            )
            for m in measures
        ]
        self.plain = [(m, c) for m, c in zip(measures, self.conditions, strict=True) if m.days is None]
        self.columns = [
            func.coalesce(func.sum(case((c, m.column() if m.column is not None else 1), else_=0)), 0)
            for m, c in self.plain
        ]

    def count(self, month: date) -> dict[int, dict[str, Decimal]]:
        """The month's numbers by township (0: requests without one): one grouped query,
        and one per histogram."""
        township = func.coalesce(ServiceRequest.__table__.c.township_id, 0)
        where = filter_clauses(
            self.kind,
            QueueParams(tab="all", township=self.township, date_from=month, date_to=month_end(month)),
            None,
        )
        numbers: dict[int, dict[str, Decimal]] = {}
        if self.plain:
            found = db.session.execute(
                select(township, *self.columns).select_from(self.rows).where(*where).group_by(township)
            )
            for township_id, *row in found:
                numbers[township_id] = {
                    m.key: Decimal(value) for (m, _c), value in zip(self.plain, row, strict=True)
                }
        for measure, condition in zip(self.measures, self.conditions, strict=True):
            if measure.days is None:
                continue
            days = _whole_days(*measure.days())
            found = db.session.execute(
                select(township, days, func.count())
                .select_from(self.rows)
                .where(*where, condition)
                .group_by(township, days)
            )
            for township_id, day, count in found:
                if day is not None:
                    numbers.setdefault(township_id, {})[f"{measure.key}|{int(day)}"] = Decimal(count)
            for bins in numbers.values():
                total = sum(v for k, v in bins.items() if k.startswith(f"{measure.key}|"))
                bins[f"{measure.key}|*"] = Decimal(total)
        return numbers


def county_of(by_township: dict[int, dict[str, Decimal]]) -> dict[str, Decimal]:
    """Numbers of the whole county: the sum of every township's (zeros where none)."""
    total: dict[str, Decimal] = {}
    for numbers in by_township.values():
        for key, value in numbers.items():
            total[key] = total.get(key, Decimal(0)) + value
    return total


def period_numbers(
    kind: RequestKind, period: Period, measures: list[Measure]
) -> dict[date, dict[str, Decimal]]:
    """Each month's numbers: stored ones where the month is unchanged since it was counted
    (the whole county only), the rest counted now."""
    months = period.months()
    stored = summary.stored_months(kind.code, months, period.township)
    keys = {key for m in measures for key in m.required_keys()}
    counter, numbers = None, {}
    for month in months:
        found = stored.get(month, {})
        if not keys <= found.keys():
            counter = counter or MonthCounter(kind, period.township, measures)
            found = county_of(counter.count(month))
        numbers[month] = found
    return numbers


def count_now(selection_: Selection) -> int:
    """One count through the queue's own clauses and indexes (figures of today)."""
    return db.session.scalar(
        select(func.count()).select_from(ServiceRequest.__table__).where(*selection_.clauses())
    )


def total_of(selection_: Selection, column) -> Decimal:
    """The sum of a column of the kind's own table over the selected requests."""
    ids = select(ServiceRequest.__table__.c.id).where(*selection_.clauses())
    value = db.session.scalar(select(func.sum(column)).where(column.table.c.id.in_(ids)))
    return Decimal(value or 0)


def median(histogram: dict[int, Decimal]) -> float | None:
    """The median of values given as {value: how many}; None when there are none."""
    total = sum(histogram.values())
    if not total:
        return None
    middle, seen, below = [], Decimal(0), None
    for value in sorted(histogram):
        seen += histogram[value]
        # The lower and the upper middle element (the same one when the total is odd).
        if below is None and seen >= (total + 1) // 2:
            below = value
        if seen >= total // 2 + 1:
            middle = [below, value]
            break
    half = (middle[0] + middle[1]) / 2
    return int(half) if half == int(half) else half


def _share(value: int, of: int | None) -> float | None:
    return None if not of else value / of


def _figure_selection(figure: Figure, period: Period) -> Selection | None:
    kind = registry().kinds.get(figure.kind)
    if kind is None:
        return None  # a figure of a kind that is not enabled here
    return selection(
        kind, period, tab=figure.tab, status=figure.status, extra=figure.filters, in_period=figure.in_period
    )


def _breakdown_selections(breakdown: Breakdown, period: Period) -> list[tuple[str, Selection]]:
    kind = registry().kinds.get(breakdown.kind)
    queue_filter = next((f for f in kind.extra_filters if f.name == breakdown.filter), None) if kind else None
    if queue_filter is None:
        return []
    return [
        (
            str(label),
            selection(
                kind,
                period,
                tab=breakdown.tab,
                extra={breakdown.filter: value},
                in_period=breakdown.in_period,
            ),
        )
        for value, label in queue_filter.choices()
    ]


def month_label(first: date) -> str:
    return format_date(first, "yyyy-MM")


def _by_month(selection_: Selection) -> bool:
    """Whether a selection's numbers add up over months: counted over the period, and on
    a tab that does not depend on today (what is overdue is counted now)."""
    return selection_.params.date_from is not None and selection_.params.tab != "overdue"


class _Numbers:
    """The period's numbers of the measures asked, per kind: summed over the months."""

    def __init__(self, period: Period):
        self.period = period
        self.measures: dict[str, dict[str, Measure]] = {}
        self.months: dict[str, dict[date, dict[str, Decimal]]] = {}

    def ask(self, measure: Measure) -> Measure:
        self.measures.setdefault(measure.selection.kind.code, {})[measure.key] = measure
        return measure

    def count(self) -> None:
        for code, measures in self.measures.items():
            kind = registry().kinds[code]
            self.months[code] = period_numbers(kind, self.period, list(measures.values()))

    def month(self, measure: Measure, month: date) -> Decimal:
        return self.months[measure.selection.kind.code][month].get(measure.key, Decimal(0))

    def total(self, measure: Measure) -> Decimal:
        return sum((self.month(measure, m) for m in self.period.months()), Decimal(0))

    def histogram(self, measure: Measure) -> dict[int, Decimal]:
        merged: dict[int, Decimal] = {}
        prefix = f"{measure.key}|"
        for numbers in self.months[measure.selection.kind.code].values():
            for key, value in numbers.items():
                if key.startswith(prefix) and key[len(prefix) :].lstrip("-").isdigit():
                    day = int(key[len(prefix) :])
                    merged[day] = merged.get(day, Decimal(0)) + value
        return merged


def _figure_measure(figure: Figure, chosen: Selection) -> Measure:
    return Measure(chosen, days=figure.median_days) if figure.median_days else Measure(chosen)


def section_measures(section: ReportSection, period: Period, *, with_tables: bool = True) -> list[Measure]:
    """Everything a section adds up over months (what `refresh-reports` stores)."""
    measures = []
    for figure in section.figures:
        chosen = _figure_selection(figure, period)
        if chosen is not None and _by_month(chosen):
            measures.append(_figure_measure(figure, chosen))
            if figure.total is not None:
                measures.append(Measure(chosen, column=figure.total))
    if with_tables:
        measures += [
            Measure(s)
            for b in section.breakdowns
            for _l, s in _breakdown_selections(b, period)
            if _by_month(s)
        ]
        if trend_kind := registry().kinds.get(section.trend_kind or ""):
            measures.append(Measure(selection(trend_kind, period)))
    return measures


def declared_measures() -> dict[str, list[Measure]]:
    """Every declared section's measures, by kind (any period: keys do not hold dates)."""
    this_year = Period.year_to_date()
    by_kind: dict[str, dict[str, Measure]] = {}
    for section in declared_sections():
        for measure in section_measures(section, this_year):
            by_kind.setdefault(measure.selection.kind.code, {})[measure.key] = measure
    return {code: list(measures.values()) for code, measures in by_kind.items()}


def compute_section(section: ReportSection, period: Period, *, with_tables: bool = True) -> SectionResult:
    """Count a declared section: its figures, its breakdowns and its monthly trend."""
    result = SectionResult(section.key, str(section.title))
    numbers = _Numbers(period)
    for measure in section_measures(section, period, with_tables=with_tables):
        numbers.ask(measure)
    numbers.count()
    figures = [(f, s) for f in section.figures if (s := _figure_selection(f, period)) is not None]
    breakdowns = [(b, _breakdown_selections(b, period)) for b in section.breakdowns] if with_tables else []
    trend_kind = registry().kinds.get(section.trend_kind or "") if with_tables else None

    def value_of(chosen: Selection) -> int:
        return int(numbers.total(Measure(chosen))) if _by_month(chosen) else count_now(chosen)

    values, medians_of = {}, {}
    for figure, chosen in figures:
        if figure.median_days:
            histogram = numbers.histogram(_figure_measure(figure, chosen))
            values[figure.key], medians_of[figure.key] = median(histogram), int(sum(histogram.values()))
        else:
            values[figure.key] = value_of(chosen)
    for figure, chosen in figures:
        value = values[figure.key]
        count = Count(
            str(figure.label),
            value,
            chosen.url,
            of=medians_of.get(figure.key),
            share=_share(value, values.get(figure.share_of)) if figure.share_of else None,
        )
        if figure.total is not None:
            count.total = (
                numbers.total(Measure(chosen, column=figure.total))
                if _by_month(chosen)
                else total_of(chosen, figure.total())
            )
            count.total_label = str(figure.total_label or "")
        result.figures.append(count)
    for breakdown, rows in breakdowns:
        counts = [Count(label, value_of(s), s.url) for label, s in rows]
        if len(counts) > 12:  # long lists (area × level): only what was found
            counts = [c for c in counts if c.value]
        everything = sum(c.value for c in counts)
        result.tables.append(
            Table(
                breakdown.key,
                str(breakdown.title),
                [replace(c, share=_share(c.value, everything)) for c in counts],
            )
        )
    if trend_kind is not None:
        trend, rows = Measure(selection(trend_kind, period)), []
        for month in period.months():
            in_month = selection(trend_kind, period, start=month, end=month_end(month))
            rows.append(Count(month_label(month), int(numbers.month(trend, month)), in_month.url))
        result.tables.append(Table("trend", str(_l("Received per month")), rows, chart="columns"))
    if section.counted is not None:
        figures_of_list, tables_of_list = section.counted(period, with_tables)
        result.figures += figures_of_list
        result.tables += tables_of_list if with_tables else []
    return result


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
