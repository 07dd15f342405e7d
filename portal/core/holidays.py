"""The official holiday calendar, from the `chinesecalendar` package.

`chinese_calendar` follows the State Council's yearly notice on public holidays: the days
off and the weekend days worked in exchange (调休). A year it does not know yet is
refused, never guessed: statutory deadlines must not rest on an invented calendar.

Imported rows are marked "official"; a row entered or corrected on the admin page is
marked "staff", and an import never changes or removes it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version

import chinese_calendar
from sqlalchemy import select

from portal.core.deadline_moves import follow_calendar
from portal.core.models import Holiday
from portal.extensions import db

ADMIN_PAGE = "/staff/admin/holidays"


class HolidaySource(StrEnum):
    """Where a calendar row comes from (`Holiday.source`)."""

    OFFICIAL = "official"
    STAFF = "staff"


@dataclass(frozen=True)
class OfficialDay:
    name: str
    is_workday: bool


@dataclass(frozen=True)
class ImportResult:
    """What one import did to one year of the calendar."""

    year: int
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    #: Days staff entered or corrected: left as they are.
    kept_staff: int = 0
    #: Open deadlines counted again on the new arrangement that moved.
    moved: int = 0

    def summary(self) -> str:
        return (
            f"{self.year}: {self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {self.kept_staff} staff-edited day(s) kept, "
            f"{self.moved} open deadline(s) moved"
        )


class UnknownYear(Exception):
    """chinesecalendar has no official calendar for this year (the notice is not in it)."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"chinesecalendar {package_version()} has no official holiday calendar for {year}: "
            f"nothing was imported. Once the State Council has published the {year} notice, "
            f"update the package (pip install --upgrade chinesecalendar) and run "
            f"`flask --app portal import-holidays --year {year}` again, or enter the days "
            f"on the admin page ({ADMIN_PAGE})."
        )


def package_version() -> str:
    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - installed from source
        return "(unknown version)"


def is_known(year: int) -> bool:
    """Whether the installed chinesecalendar knows the official calendar of `year`."""
    try:
        chinese_calendar.get_holiday_detail(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _readable(english: str, is_workday: bool) -> str:
    """ "春节 Spring Festival", or "春节调休 Spring Festival (exchanged working day)"."""
    try:
        chinese = chinese_calendar.Holiday(english).chinese
    except ValueError:  # a holiday newer than the names this code knows
        chinese = ""
    if is_workday:
        name = f"{chinese}调休 {english} (exchanged working day)"
    else:
        name = f"{chinese} {english}"
    return name.strip()[:80]


def official_days(year: int) -> dict[date, OfficialDay]:
    """The year's official days off and exchanged working days (other days are ordinary).

    Raises UnknownYear when the installed chinesecalendar does not know the year.
    """
    if not is_known(year):
        raise UnknownYear(year)
    days: dict[date, OfficialDay] = {}
    day = date(year, 1, 1)
    while day.year == year:
        is_day_off, name = chinese_calendar.get_holiday_detail(day)
        # A named day off is a holiday (weekends inside it included); a named working
        # day is a weekend day worked in exchange; an unnamed day is an ordinary one.
        if name is not None:
            days[day] = OfficialDay(_readable(name, not is_day_off), not is_day_off)
        day += timedelta(days=1)
    return days


def import_year(year: int) -> ImportResult:
    """Bring one year of the official calendar into the holiday table (no commit).

    Adds the official days that are missing, updates official rows that the package now
    names differently, removes official rows the package no longer lists, and leaves
    every staff row alone; then counts again the open deadlines that run through the year
    (the arrangement replaces the computed floor). Raises UnknownYear, changing nothing,
    for an unknown year.
    """
    official = official_days(year)
    rows = {
        row.day: row
        for row in db.session.scalars(
            select(Holiday).where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31)))
        )
    }
    counts = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0, "kept_staff": 0}
    for day, wanted in sorted(official.items()):
        row = rows.get(day)
        if row is None:
            db.session.add(
                Holiday(
                    day=day, name=wanted.name, is_workday=wanted.is_workday, source=HolidaySource.OFFICIAL
                )
            )
            counts["added"] += 1
        elif row.source != HolidaySource.OFFICIAL:
            counts["kept_staff"] += 1
        elif (row.name, row.is_workday) != (wanted.name, wanted.is_workday):
            row.name, row.is_workday = wanted.name, wanted.is_workday
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    for day, row in rows.items():
        if row.source == HolidaySource.OFFICIAL and day not in official:
            db.session.delete(row)
            counts["removed"] += 1
    db.session.flush()
    changed = counts["added"] or counts["updated"] or counts["removed"]
    moved = follow_calendar([year]) if changed else 0
    return ImportResult(year=year, moved=moved, **counts)


def import_known_years(years: range) -> list[ImportResult]:
    """Import each of `years` the package knows; unknown years are skipped (no commit)."""
    return [import_year(year) for year in years if is_known(year)]


def has_official_year(year: int) -> bool:
    """Whether any official row of `year` is in the calendar (i.e. it was imported)."""
    return (
        db.session.scalar(
            select(Holiday.id)
            .where(
                Holiday.day.between(date(year, 1, 1), date(year, 12, 31)),
                Holiday.source == HolidaySource.OFFICIAL,
            )
            .limit(1)
        )
        is not None
    )
