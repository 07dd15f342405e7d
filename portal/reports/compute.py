"""Count the declared figures for a period: each a queue selection, counted and linked alike.

A figure over the period is the sum of its months (`Measure`): each month of a kind is
counted in one aggregate query (`SUM(CASE WHEN <the figure's queue clauses> ...)` over
the month's rows, found through the (request_type, created_at) index), or read from the
monthly summary when the month has not changed since `refresh-reports` counted it
(portal.reports.summary). Figures of "now" (overdue, workload) are counted one by one
through the queue's own indexes.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from portal.core.contract import Breakdown, Figure, ReportSection
from portal.core.models import ServiceRequest
from portal.core.registry import all_kinds, capabilities, registry
from portal.extensions import db
from portal.reports.measures import (
    Measure,
    MonthCounter,
    Selection,
    count_now,
    county_of,
    median,
    period_numbers,
    selection,
    total_of,
)
from portal.reports.period import Period, month_end
from portal.reports.results import Count, SectionResult, Table

__all__ = ["Count", "MonthCounter", "SectionResult", "Selection", "Table", "county_of", "declared_measures"]


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
