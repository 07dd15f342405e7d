"""The computed floor of statutory days off (全国年节及纪念日放假办法), for any year.

Dates here are known independently of the code: the lunar new year of 2027 is Saturday
6 February and of 2030 Sunday 3 February; 清明 falls on 5 April in both years. And every
year chinesecalendar knows is a check: the law's days are off in the official arrangement.
"""

from datetime import date

import chinese_calendar

from portal.core.holidays import is_known
from portal.core.statutory_days import FIRST_YEAR, statutory_days_off


def names(year: int) -> dict[date, str]:
    return {day: name.split()[0] for day, name in statutory_days_off(year).items()}


def test_2030_is_computed_from_the_lunar_calendar():
    """Catches a Spring Festival counted from 初一 after 2025 (3 Feb) or a 4-day rule lost."""
    days = names(2030)
    assert [d for d, n in days.items() if n == "春节"] == [date(2030, 2, d) for d in (2, 3, 4, 5)]
    assert days[date(2030, 1, 1)] == "元旦"
    assert days[date(2030, 4, 5)] == "清明节"
    assert [d for d, n in days.items() if n == "劳动节"] == [date(2030, 5, 1), date(2030, 5, 2)]
    assert [d for d, n in days.items() if n == "国庆节"] == [date(2030, 10, d) for d in (1, 2, 3)]
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3


def test_2027_spring_festival_starts_on_new_years_eve():
    days = names(2027)
    assert [d for d, n in days.items() if n == "春节"] == [date(2027, 2, d) for d in (5, 6, 7, 8)]
    assert days[date(2027, 4, 5)] == "清明节"
    assert "端午节" in days.values() and "中秋节" in days.values()


def test_the_rules_before_2025_are_the_2013_version():
    """Catches the 2025 rules applied to every year (4 days of 春节, 2 of 劳动节 in 2024)."""
    days = names(2024)
    # The lunar new year of 2024 was Saturday 10 February: off from 初一 to 初三.
    assert [d for d, n in days.items() if n == "春节"] == [date(2024, 2, d) for d in (10, 11, 12)]
    assert [d for d, n in days.items() if n == "劳动节"] == [date(2024, 5, 1)]
    assert len(days) == 11


def test_before_the_first_version_nothing_is_guessed():
    assert statutory_days_off(FIRST_YEAR - 1) == {}


def test_the_law_s_days_are_off_in_every_official_arrangement():
    """The floor never says "off" where the State Council's notice says "work": checked on
    every year from 2008 the installed chinesecalendar knows (a wrong lunar date or solar
    term, or the wrong version of the rules for a year, fails here)."""
    checked = [year for year in range(2008, 2100) if is_known(year)]
    assert checked[:1] == [2008] and 2026 in checked
    for year in checked:
        for day, name in statutory_days_off(year).items():
            assert chinese_calendar.is_holiday(day), (day, name)


def test_each_festival_is_the_one_the_official_calendar_names():
    """2025 and 2026: the computed 清明, 端午, 中秋 fall on the days chinesecalendar names so."""
    for year in (2025, 2026):
        for day, name in statutory_days_off(year).items():
            _, official = chinese_calendar.get_holiday_detail(day)
            assert official == name.split(" ", 1)[1], (day, name, official)
