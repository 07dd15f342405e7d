"""Statutory deadlines on the bureau's calendar (weekends, holidays, 调休 workdays)."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.core.clock import local_end_of_day, local_today
from portal.core.models import Holiday
from portal.extensions import db


class WorkCalendar:
    """Which local dates are working days, from the staff-maintained holiday table."""

    def __init__(self, days_off: set[date], extra_workdays: set[date]):
        self.days_off = days_off
        self.extra_workdays = extra_workdays

    @classmethod
    def load(cls, start: date, end: date) -> "WorkCalendar":
        rows = db.session.execute(
            select(Holiday.day, Holiday.is_workday).where(Holiday.day.between(start, end))
        ).all()
        return cls({d for d, work in rows if not work}, {d for d, work in rows if work})

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


def due_after(start: datetime, days: int, kind: str = "calendar") -> datetime:
    """The deadline `days` after `start` (UTC), at the end of a local working day.

    Calendar days: count every day, then move a deadline that falls on a day off to the
    next working day. Working days: count only working days.
    """
    first = local_today(start)
    calendar = WorkCalendar.load(first, first + timedelta(days=days * 3 + 40))
    if kind == "working":
        due = calendar.add_working_days(first, days)
    else:
        due = calendar.next_working_day(first + timedelta(days=days))
    return local_end_of_day(due)
