"""The report's monthly summary: each figure's numbers per request kind and month.

Why: at 1,000,000 legal aid applications a year holds some 330,000 of them, and counting
thirty figures over them takes well over a second (docs/performance.md, "Annual report").
Every figure of a period counts requests whose date lies in the period, and each request
lies in exactly one month, so a period's figure is the sum of its months' figures. The
report adds up the stored months and counts live only the months not stored, or changed
since they were.

When a month may be trusted:
- every change that adds, changes or deletes a request bumps the `version` of its kind
  and month when its transaction commits, as part of it (both months when its date moved);
- `refresh-reports` (a scheduled job) reads a month's version, counts the month, and
  stores the numbers with the version it read;
- the report uses a month's numbers only while `computed_version == version`; a change
  committed while the job counted bumps the version past the one stored, so the month
  is counted live until the next run.

A change made by a bulk UPDATE bypasses the ORM and so the bump: the columns figures read
must be written through the ORM (the services do; bulk updates only mark reminders sent).
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

import click
from flask.cli import with_appcontext
from sqlalchemy import and_, bindparam, delete, func, select, update

from portal.core.clock import to_local, utcnow
from portal.core.models import ServiceRequest
from portal.database import dialect_insert, reading
from portal.extensions import db
from portal.reports.built import built_once
from portal.reports.changes import month_of  # noqa: F401  (month_of: where a month is filed)
from portal.reports.month_models import COUNTY, ReportMonth, ReportMonthValue


def stored_months(
    request_type: str, months: Iterable[date], township: str = ""
) -> dict[date, dict[str, Decimal]]:
    """The numbers of the months still as they were counted, for the county or one
    township (one statement: the versions and the values are read from one snapshot)."""
    return stored_months_of([request_type], months, township).get(request_type, {})


def stored_months_of(
    request_types: Iterable[str], months: Iterable[date], township: str = ""
) -> dict[str, dict[date, dict[str, Decimal]]]:
    """`stored_months` of several kinds at once: {kind: {month: numbers}}, one statement."""
    values, marks = ReportMonthValue.__table__, ReportMonth.__table__
    wanted = [COUNTY, int(township)] if township.isdigit() else [COUNTY]
    query = (
        select(values.c.request_type, values.c.month, values.c.township_id, values.c.key, values.c.value)
        .join(marks, and_(marks.c.request_type == values.c.request_type, marks.c.month == values.c.month))
        .where(
            marks.c.request_type.in_(list(request_types)),
            marks.c.month.in_(list(months)),
            values.c.township_id.in_(wanted),
            marks.c.version == marks.c.computed_version,
        )
    )
    county: dict[str, dict[date, dict[str, Decimal]]] = {}
    local: dict[tuple[str, date], dict[str, Decimal]] = {}
    for request_type, month, township_id, key, value in db.session.execute(query):
        if township_id == COUNTY:
            county.setdefault(request_type, {}).setdefault(month, {})[key] = value
        else:
            local.setdefault((request_type, month), {})[key] = value
    if not township.isdigit():
        return county
    # The county's keys say the month is complete; a township's number not stored is zero.
    return {
        request_type: {
            month: {key: local.get((request_type, month), {}).get(key, Decimal(0)) for key in keys}
            for month, keys in by_month.items()
        }
        for request_type, by_month in county.items()
    }


def kind_marks(first: date, last: date) -> dict[str, tuple]:
    """{kind: (months with a row, sum of their versions, sum of their counted versions, the
    last time one was counted)} over the months from first to last: one small statement
    (a few rows per kind and month; a range, not a list, for SQLAlchemy to render).

    A kind's numbers over the months stay what they are while this does: every write
    bumps a month's version (a new month comes with a row), so the sum of the versions
    grows with each; and a run of `refresh-reports` that stores a month sets its counted
    version and its time."""
    marks = ReportMonth.__table__
    query = built_once(
        "kind_marks",
        lambda: (
            select(
                marks.c.request_type,
                func.count(),
                func.sum(marks.c.version),
                func.sum(func.coalesce(marks.c.computed_version, -1)),
                func.max(marks.c.computed_at),
            )
            .where(marks.c.month >= bindparam("first"), marks.c.month <= bindparam("last"))
            .group_by(marks.c.request_type)
        ),
    )
    return {kind: tuple(mark) for kind, *mark in db.session.execute(query, {"first": first, "last": last})}


def store_month(
    request_type: str, month: date, counted_at_version: int, by_township: dict[int, dict[str, Decimal]]
) -> None:
    """Store a month's numbers per township (see `COUNTY`) with the version they were counted at."""
    values, marks = ReportMonthValue.__table__, ReportMonth.__table__
    db.session.execute(delete(values).where(values.c.request_type == request_type, values.c.month == month))
    rows = [
        {"request_type": request_type, "month": month, "township_id": township_id, "key": key, "value": value}
        for township_id, numbers in by_township.items()
        for key, value in numbers.items()
        if value or township_id == COUNTY
    ]
    if rows:
        db.session.execute(values.insert(), rows)
    db.session.execute(
        update(marks)
        .where(marks.c.request_type == request_type, marks.c.month == month)
        .values(computed_version=counted_at_version, computed_at=utcnow())
    )


def current_version(request_type: str, month: date) -> int:
    """The month's version now, read only: 0 when nothing bumped it yet (no row)."""
    marks = ReportMonth.__table__
    version = db.session.scalar(
        select(marks.c.version).where(marks.c.request_type == request_type, marks.c.month == month)
    )
    return version or 0


def make_month_row(request_type: str, month: date) -> None:
    """The month's row (version 0), unless a change or an earlier run made it."""
    marks = ReportMonth.__table__
    statement = dialect_insert(db.session.get_bind().dialect.name)(marks).values(
        request_type=request_type, month=month, version=0
    )
    db.session.execute(statement.on_conflict_do_nothing(index_elements=[marks.c.request_type, marks.c.month]))


def months_to_count(request_type: str, first: date, last: date, keys: set[str]) -> list[date]:
    """Months from first to last whose stored numbers are missing, changed or incomplete."""
    from portal.reports.period import Period

    months = Period(first, last).months()
    stored = stored_months(request_type, months)
    return [m for m in months if not keys <= stored.get(m, {}).keys()]


#: Months counted after the current one (bookings are counted by their appointment day).
MONTHS_AHEAD = 3


def refresh(now: datetime | None = None, *, everything: bool = False) -> int:
    """Count and store every month of every kind with figures that is not stored as it is,
    from the month of the first request of any kind (so that a report of those years
    finds every kind's months, empty ones too) to a few months ahead.

    Each month is read, then written: its version is read first and the month counted in a
    transaction that only reads (no write lock held while counting, on SQLite none at
    all), then its numbers stored in a short transaction of their own. A change committed
    in between has bumped the version past the one stored, which leaves the month stale
    (see the module's docstring); a month without a row read as version 0 gets one at the
    store, and a change that made it first has version 1 already."""
    from portal.core.registry import registry
    from portal.reports.compute import declared_measures
    from portal.reports.measures import MonthCounter, county_of
    from portal.reports.period import Period, month_end

    first_seen = db.session.scalar(select(func.min(ServiceRequest.created_at)))
    if first_seen is None:
        return 0
    last = to_local(now or utcnow()).date().replace(day=1)
    for _ in range(MONTHS_AHEAD):
        last = month_end(last) + timedelta(days=1)
    counted = 0
    for code, measures in declared_measures().items():
        counter = MonthCounter(registry().kinds[code], "", measures)
        keys = {key for m in measures for key in m.required_keys()}
        months = (
            Period(month_of(first_seen), month_end(last)).months()
            if everything
            else months_to_count(code, month_of(first_seen), month_end(last), keys)
        )
        for month in months:
            with reading():
                version = current_version(code, month)
                by_township = counter.count(month)
            # Every key for the county, zeros included: they say the month is complete.
            county = {key: Decimal(0) for key in keys} | county_of(by_township)
            make_month_row(code, month)
            store_month(code, month, version, {COUNTY: county, **by_township})
            db.session.commit()
            counted += 1
    return counted


@click.command("refresh-reports")
@click.option("--all", "everything", is_flag=True, help="Count every month again, changed or not.")
@with_appcontext
def refresh_reports_command(everything):
    """Count the report's months that changed since they were last counted (run every few minutes)."""
    click.echo(f"counted {refresh(everything=everything)} month(s)")
