"""What a figure counts: a selection of one kind's queue (`Selection`), the number a figure
adds up month by month (`Measure`) and the counting itself (`MonthCounter`, `period_numbers`,
`count_now`). Each month of a kind is one aggregate query (`SUM(CASE WHEN <the figure's queue
clauses> ...)` over the month's rows, through the (request_type, created_at) index), or the
monthly summary when the month has not changed since `refresh-reports` counted it
(portal.reports.summary)."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, select, true

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.core.queue import (
    QueueParams,
    date_range,
    filter_clauses,
    narrowing_clauses,
    query_args,
    tab_clause,
)
from portal.core.registry import RequestKind
from portal.extensions import db
from portal.reports import summary
from portal.reports.links import queue_link
from portal.reports.period import Period, month_end


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
        return queue_link(self.kind.slug, query_args(self.params))


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

    @cached_property
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
    period: Period, measures_by_kind: dict[str, list[Measure]]
) -> dict[str, dict[date, dict[str, Decimal]]]:
    """Each kind's numbers per month, {kind code: {month: numbers}}: stored ones where the
    month is unchanged since it was counted (every kind's read in one statement), the rest
    counted now."""
    months = period.months()
    stored = summary.stored_months_of(list(measures_by_kind), months, period.township)
    found: dict[str, dict[date, dict[str, Decimal]]] = {}
    for code, measures in measures_by_kind.items():
        kind = measures[0].selection.kind
        keys = {key for m in measures for key in m.required_keys()}
        counter, numbers = None, {}
        for month in months:
            numbers[month] = stored.get(kind.code, {}).get(month, {})
            if not keys <= numbers[month].keys():
                counter = counter or MonthCounter(kind, period.township, measures)
                numbers[month] = county_of(counter.count(month))
        found[code] = numbers
    return found


#: A kind's numbers of a period: each month's, and each key's sum over the months.
KindNumbers = tuple[dict[date, dict[str, Decimal]], dict[str, Decimal]]


def numbers_with_totals(period: Period, measures_by_kind: dict[str, list[Measure]]) -> dict[str, KindNumbers]:
    """`period_numbers`, and each kind's sums over the period's months."""
    found = {}
    for code, months in period_numbers(period, measures_by_kind).items():
        totals: dict[str, Decimal] = {}
        for numbers in months.values():
            for key, value in numbers.items():
                totals[key] = totals.get(key, 0) + value
        found[code] = (months, totals)
    return found


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
