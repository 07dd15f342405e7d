"""Statutory deadlines on the bureau's calendar (weekends, holidays, 调休 workdays).

The calendar of a year is its arrangement in the holiday table once the State Council's
notice is imported (official rows). Before that, the law's own days off are computed
(portal.core.statutory_days) and days entered by staff stand over them: a floor that
knows no exchanged working weekends.

A deadline is stored with what it was counted from (a `Period`), so that a change of
the calendar can count it again (portal.core.deadline_moves).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select

from portal.core.clock import local_end_of_day, local_today
from portal.core.models import Holiday
from portal.core.statutory_days import statutory_days_off
from portal.extensions import db

#: How a period's days are counted: calendar days moved off a day off at the end,
#: working days only, or calendar days never extended (a person in custody).
CALENDAR, WORKING, UNEXTENDED = "calendar", "working", "unextended"


_YEARS_ROWS = select(Holiday.day, Holiday.is_workday, Holiday.source).where(
    Holiday.day.between(bindparam("first"), bindparam("last"))
)


class WorkCalendar:
    """Which local dates are working days: the holiday table, over the computed floor."""

    def __init__(self, days_off: set[date], extra_workdays: set[date]):
        self.days_off = days_off
        self.extra_workdays = extra_workdays

    @classmethod
    def load(cls, start: date, end: date) -> "WorkCalendar":
        # One statement over the whole years: which of them have their official arrangement
        # (a year's is a few dozen rows), and the rows between start and end.
        every = db.session.execute(
            _YEARS_ROWS, {"first": date(start.year, 1, 1), "last": date(end.year, 12, 31)}
        ).all()
        arranged = {d.year for d, _work, source in every if source == "official"}
        rows = [(d, work) for d, work, _source in every if start <= d <= end]
        days_off = {d for d, work in rows if not work}
        entered = {d for d, _ in rows}
        for year in range(start.year, end.year + 1):
            if year in arranged:
                continue  # the official arrangement replaces the floor
            days_off |= {d for d in statutory_days_off(year) if start <= d <= end and d not in entered}
        return cls(days_off, {d for d, work in rows if work})

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: date) -> date:
        """The day itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day


@dataclass(frozen=True)
class Period:
    """`days` from `start` (naive UTC), counted as `count` says."""

    start: datetime
    days: int
    count: str = CALENDAR

    def due(self) -> datetime:
        """The end of the period: the end of a local day (UTC).

        Calendar days: count every day, then move a deadline that falls on a day off to
        the next working day. Working days: count only working days. Unextended: count
        every day and stop there, day off or not (刑事诉讼法 Art. 105).
        """
        first = local_today(self.start)
        if self.count == UNEXTENDED:
            return local_end_of_day(first + timedelta(days=self.days))
        calendar = WorkCalendar.load(first, first + timedelta(days=self.days * 3 + 40))
        if self.count == WORKING:
            due = calendar.add_working_days(first, self.days)
        else:
            due = calendar.next_working_day(first + timedelta(days=self.days))
        return local_end_of_day(due)


def period(start: datetime, days: int, kind: str = CALENDAR, custody: bool = False) -> Period:
    """The period of `days` from `start`, counted the bureau's way (`kind`).

    For a person in custody the days are calendar days and a day off at the end does not
    extend them (刑事诉讼法 Art. 105), unless the bureau's setting
    CUSTODY_PERIODS_EXTEND_FOR_HOLIDAYS says its reading is otherwise.
    """
    if custody and not current_app.config.get("CUSTODY_PERIODS_EXTEND_FOR_HOLIDAYS", False):
        return Period(start, days, UNEXTENDED)
    return Period(start, days, kind)


def due_after(start: datetime, days: int, kind: str = CALENDAR, custody: bool = False) -> datetime:
    """The deadline `days` after `start` (UTC), at the end of a local day (see Period.due)."""
    return period(start, days, kind, custody).due()
