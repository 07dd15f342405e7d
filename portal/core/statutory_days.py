"""The statutory days off of any year, computed from the law: a floor under the calendar.

The 全国年节及纪念日放假办法 (State Council) names the festivals on which every citizen is
off and for how many days. Each revision took effect on 1 January of a year and holds
until the next one:

- 1999 version (from 2000 here): 元旦 1, 春节 3 (初一-初三), 劳动节 3, 国庆 3.
- 2007 revision (from 2008): 元旦 1, 春节 3 (除夕-初二), 清明 1, 劳动节 1, 端午 1, 中秋 1, 国庆 3.
- 2013 revision (from 2014): as 2008, but 春节 3 from 初一.
- 2024 revision (from 2025): 元旦 1, 春节 4 (除夕-初三), 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3.

Lunar dates and the 清明 solar term come from lunar-python, never from a table of ours.

This is a floor, not the year's arrangement: it knows no 调休 (weekend days worked in
exchange), no bridging days, and not where the State Council places the day owed for
a festival that falls on a weekend (Art. 6 says "on a working day", not which). Those
come with the yearly notice (portal.core.holidays), which replaces the floor for its year.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar

#: The first year this module computes (the 1999 version took effect in September 1999).
FIRST_YEAR = 2000


def _lunar(year: int, month: int, day: int) -> date:
    """The Gregorian date of a day of the lunar year that begins in `year`."""
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    """The day of the 清明 solar term (about 4-6 April), Beijing time."""
    solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@dataclass(frozen=True)
class Festival:
    name: str
    #: year -> the first day off
    first: Callable[[int], date]
    days: int


NEW_YEAR = ("元旦 New Year's Day", lambda y: date(y, 1, 1))
SPRING_EVE = ("春节 Spring Festival", lambda y: _lunar(y, 1, 1) - timedelta(days=1))  # 除夕
SPRING_DAY = ("春节 Spring Festival", lambda y: _lunar(y, 1, 1))  # 初一
QINGMING = ("清明节 Tomb-sweeping Day", _qingming)
LABOUR = ("劳动节 Labour Day", lambda y: date(y, 5, 1))
DRAGON_BOAT = ("端午节 Dragon Boat Festival", lambda y: _lunar(y, 5, 5))
MID_AUTUMN = ("中秋节 Mid-autumn Festival", lambda y: _lunar(y, 8, 15))
NATIONAL = ("国庆节 National Day", lambda y: date(y, 10, 1))


def _rule(*festivals: tuple[tuple[str, Callable[[int], date]], int]) -> tuple[Festival, ...]:
    return tuple(Festival(name, first, days) for (name, first), days in festivals)


#: (first year in force, festivals), newest first.
VERSIONS: tuple[tuple[int, tuple[Festival, ...]], ...] = (
    (
        2025,
        _rule(
            (NEW_YEAR, 1),
            (SPRING_EVE, 4),
            (QINGMING, 1),
            (LABOUR, 2),
            (DRAGON_BOAT, 1),
            (MID_AUTUMN, 1),
            (NATIONAL, 3),
        ),
    ),
    (
        2014,
        _rule(
            (NEW_YEAR, 1),
            (SPRING_DAY, 3),
            (QINGMING, 1),
            (LABOUR, 1),
            (DRAGON_BOAT, 1),
            (MID_AUTUMN, 1),
            (NATIONAL, 3),
        ),
    ),
    (
        2008,
        _rule(
            (NEW_YEAR, 1),
            (SPRING_EVE, 3),
            (QINGMING, 1),
            (LABOUR, 1),
            (DRAGON_BOAT, 1),
            (MID_AUTUMN, 1),
            (NATIONAL, 3),
        ),
    ),
    (FIRST_YEAR, _rule((NEW_YEAR, 1), (SPRING_DAY, 3), (LABOUR, 3), (NATIONAL, 3))),
)


def festivals_of(year: int) -> tuple[Festival, ...]:
    """The festivals of the version in force in `year` (none before FIRST_YEAR)."""
    return next((festivals for since, festivals in VERSIONS if year >= since), ())


@lru_cache(maxsize=64)
def statutory_days_off(year: int) -> dict[date, str]:
    """The days off the law itself fixes in `year`, with their names.

    A festival of the lunar calendar belongs to the year of its lunar new year: 除夕 can
    fall in the Gregorian year before (never for the years computed here: 春节 is late
    January at the earliest, so 除夕 stays in the same year).
    """
    days: dict[date, str] = {}
    for festival in festivals_of(year):
        first = festival.first(year)
        for n in range(festival.days):
            days.setdefault(first + timedelta(days=n), festival.name)
    return days
