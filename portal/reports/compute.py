"""Count the declared figures for a period: each a queue selection, counted and linked alike.

A figure over the period is the sum of its months (`Measure`): each month of a kind is
counted in one aggregate query (`SUM(CASE WHEN <the figure's queue clauses> ...)` over
the month's rows, found through the (request_type, created_at) index), or read from the
monthly summary when the month has not changed since `refresh-reports` counted it
(portal.reports.summary). Figures of "now" (overdue, workload) are in portal.reports.now.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import text

from portal.core.contract import Breakdown, Figure, ReportSection
from portal.core.registry import capabilities, registry
from portal.extensions import db
from portal.reports.measures import (
    Measure,
    MonthCounter,
    Selection,
    count_now,
    county_of,
    median,
    numbers_with_totals,
    selection,
    total_of,
)
from portal.reports.period import Period, month_end
from portal.reports.results import Count, SectionResult, Table

__all__ = ["Count", "MonthCounter", "SectionResult", "Selection", "Table", "county_of", "declared_measures"]


def _share(value: int, of: int | None) -> float | None:
    return None if not of else value / of


@dataclass
class _Planned:
    """A declared figure of a period: its selection and what it adds up over months
    (None for a figure counted now, such as what is overdue today)."""

    figure: Figure
    chosen: Selection
    measure: Measure | None
    total: Measure | None


def _plan(section: ReportSection, period: Period, kinds: dict) -> list[_Planned]:
    """The section's figures of the kinds enabled here (`kinds`: the registry's)."""
    planned = []
    for figure in section.figures:
        if (kind := kinds.get(figure.kind)) is None:
            continue  # a figure of a kind that is not enabled here
        chosen = selection(
            kind,
            period,
            tab=figure.tab,
            status=figure.status,
            extra=figure.filters,
            in_period=figure.in_period,
        )
        by_month = _by_month(chosen)
        measure = _figure_measure(figure, chosen) if by_month else None
        total = Measure(chosen, column=figure.total) if by_month and figure.total is not None else None
        planned.append(_Planned(figure, chosen, measure, total))
    return planned


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
    """The period's numbers of the measures asked, per kind: each month's, and their sums."""

    def __init__(self, period: Period):
        self.period = period
        self.measures: dict[str, dict[str, Measure]] = {}
        self.months: dict[str, dict[date, dict[str, Decimal]]] = {}
        self.totals: dict[str, dict[str, Decimal]] = {}

    def ask(self, measure: Measure) -> Measure:
        self.measures.setdefault(measure.selection.kind.code, {})[measure.key] = measure
        return measure

    def count(self, numbers_of=numbers_with_totals) -> "_Numbers":
        """Read or count every kind's months at once (`numbers_of`: `numbers_with_totals`,
        or the dashboard's memo of it: portal.reports.year_memo)."""
        wanted = {code: list(measures.values()) for code, measures in self.measures.items()}
        for code, (months, totals) in numbers_of(self.period, wanted).items():
            self.months[code], self.totals[code] = months, totals
        return self

    def month(self, measure: Measure, month: date) -> Decimal:
        return self.months[measure.selection.kind.code][month].get(measure.key, Decimal(0))

    def total(self, measure: Measure) -> Decimal:
        return self.totals[measure.selection.kind.code].get(measure.key, Decimal(0))

    def histogram(self, measure: Measure) -> dict[int, Decimal]:
        merged: dict[int, Decimal] = {}
        prefix = f"{measure.key}|"
        for key, value in self.totals[measure.selection.kind.code].items():
            if key.startswith(prefix) and key[len(prefix) :].lstrip("-").isdigit():
                merged[int(key[len(prefix) :])] = value
        return merged


def _figure_measure(figure: Figure, chosen: Selection) -> Measure:
    return Measure(chosen, days=figure.median_days) if figure.median_days else Measure(chosen)


def section_measures(
    section: ReportSection, period: Period, *, with_tables: bool = True, planned: list[_Planned] | None = None
) -> list[Measure]:
    """Everything a section adds up over months (what `refresh-reports` stores)."""
    kinds = registry().kinds
    planned = _plan(section, period, kinds) if planned is None else planned
    measures = [m for p in planned for m in (p.measure, p.total) if m is not None]
    if with_tables:
        measures += [
            Measure(s)
            for b in section.breakdowns
            for _l, s in _breakdown_selections(b, period)
            if _by_month(s)
        ]
        if trend_kind := kinds.get(section.trend_kind or ""):
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
    return compute_sections([section], period, with_tables=with_tables)[0]


def compute_sections(
    sections: list[ReportSection], period: Period, *, with_tables: bool = True, numbers_of=numbers_with_totals
) -> list[SectionResult]:
    """Count declared sections together: every kind's months are read at once (one
    statement for the stored ones), through `numbers_of` (see `_Numbers.count`); then
    each section's own list (`ReportSection.counted`), counted now."""
    results = [part for part, _live in declared_parts(sections, period, with_tables, numbers_of)]
    return [with_own_list(r, s, period, with_tables) for r, s in zip(results, sections, strict=True)]


def declared_parts(
    sections: list[ReportSection], period: Period, with_tables: bool, numbers_of=numbers_with_totals
) -> list[tuple[SectionResult, bool]]:
    """Each section's figures and tables of its kinds' queues, without its own list, and
    whether any of them is counted now (not added up over the period's months)."""
    numbers = _Numbers(period)
    kinds = registry().kinds
    plans = [_plan(section, period, kinds) for section in sections]
    for section, planned in zip(sections, plans, strict=True):
        for measure in section_measures(section, period, with_tables=with_tables, planned=planned):
            numbers.ask(measure)
    numbers.count(numbers_of)
    return [
        (
            _section_result(section, planned, period, numbers, with_tables),
            any(p.measure is None or (p.figure.total is not None and p.total is None) for p in planned),
        )
        for section, planned in zip(sections, plans, strict=True)
    ]


def with_own_list(
    result: SectionResult, section: ReportSection, period: Period, with_tables: bool
) -> SectionResult:
    """The section's result followed by the figures (and tables) of its own list, if any."""
    if section.counted is None:
        return result
    figures_of_list, tables_of_list = section.counted(period, with_tables)
    return replace(
        result,
        figures=[*result.figures, *figures_of_list],
        tables=[*result.tables, *(tables_of_list if with_tables else [])],
    )


def _section_result(
    section: ReportSection, planned: list[_Planned], period: Period, numbers: _Numbers, with_tables: bool
) -> SectionResult:
    """A section's figures, breakdowns and trend from the counted numbers."""
    result = SectionResult(section.key, str(section.title))
    breakdowns = [(b, _breakdown_selections(b, period)) for b in section.breakdowns] if with_tables else []
    trend_kind = registry().kinds.get(section.trend_kind or "") if with_tables else None

    def value_of(chosen: Selection) -> int:
        return int(numbers.total(Measure(chosen))) if _by_month(chosen) else count_now(chosen)

    values, medians_of = {}, {}
    for p in planned:
        if p.figure.median_days:
            histogram = numbers.histogram(p.measure) if p.measure is not None else {}
            values[p.figure.key], medians_of[p.figure.key] = median(histogram), int(sum(histogram.values()))
        else:
            values[p.figure.key] = (
                int(numbers.total(p.measure)) if p.measure is not None else count_now(p.chosen)
            )
    for p in planned:
        figure, value = p.figure, values[p.figure.key]
        count = Count(
            str(figure.label),
            value,
            p.chosen.url,
            of=medians_of.get(figure.key),
            share=_share(value, values.get(figure.share_of)) if figure.share_of else None,
        )
        if figure.total is not None:
            count.total = (
                numbers.total(p.total) if p.total is not None else total_of(p.chosen, figure.total())
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
