"""The official holiday calendar from chinesecalendar: deadlines across the 2026 Spring
Festival, import-holidays and init-db, staff corrections that imports keep, the admin page
and the staff home's December warning."""

from datetime import date, datetime
from itertools import count

import pytest
from sqlalchemy import func, select

from portal.core import holidays
from portal.core.clock import local_today, to_local
from portal.core.deadlines import due_after
from portal.core.holidays import HolidaySource, UnknownYear, import_year, is_known
from portal.core.models import Holiday
from portal.extensions import db


def at_local_noon(day: date) -> datetime:
    """Noon Beijing time as naive UTC."""
    return datetime(day.year, day.month, day.day, 4, 0, 0)


def due_day(start: date, days: int, kind: str = "calendar") -> date:
    return to_local(due_after(at_local_noon(start), days, kind)).date()


def first_unknown_year() -> int:
    """The first year from now on that the installed chinesecalendar refuses."""
    return next(year for year in count(local_today().year) if not is_known(year))


def rows_of(year: int) -> dict[date, Holiday]:
    db.session.expire_all()
    return {
        h.day: h
        for h in db.session.scalars(
            select(Holiday).where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31)))
        )
    }


# The State Council's notice for 2026 (国办发明电〔2025〕7号): Spring Festival off from Sunday
# 15 to Monday 23 February; Saturdays 14 and 28 February are worked in exchange.
SPRING_FESTIVAL_2026 = [date(2026, 2, d) for d in range(15, 24)]
EXCHANGED_2026 = [date(2026, 2, 14), date(2026, 2, 28)]


@pytest.fixture
def calendar_2026(app):
    result = import_year(2026)
    db.session.commit()
    return result


def test_the_2026_import_has_the_spring_festival_and_its_exchanged_saturdays(calendar_2026):
    rows = rows_of(2026)
    for day in SPRING_FESTIVAL_2026:
        assert not rows[day].is_workday and rows[day].name == "春节 Spring Festival", day
    for day in EXCHANGED_2026:
        assert rows[day].is_workday and rows[day].name.startswith("春节调休"), day
    assert all(row.source == HolidaySource.OFFICIAL for row in rows.values())
    assert date(2026, 2, 13) not in rows and date(2026, 2, 24) not in rows  # ordinary weekdays
    assert date(2026, 3, 7) not in rows  # an ordinary Saturday: a weekend day needs no row
    assert calendar_2026.added == len(rows) and calendar_2026.kept_staff == 0


def test_a_seven_day_decision_across_the_spring_festival(calendar_2026):
    # Tue 10 Feb + 7 calendar days = Tue 17 Feb, a holiday; 18 to 23 Feb are holidays too
    # (the 21st and 22nd a weekend inside the holiday): the first working day is Tue 24 Feb.
    assert due_day(date(2026, 2, 10), 7) == date(2026, 2, 24)
    # Sat 7 Feb + 7 = Sat 14 Feb, an exchanged working day: due that Saturday, not moved.
    assert due_day(date(2026, 2, 7), 7) == date(2026, 2, 14)
    # Sat 21 Feb + 7 = Sat 28 Feb, worked in exchange too.
    assert due_day(date(2026, 2, 21), 7) == date(2026, 2, 28)


def test_working_days_across_the_spring_festival_count_the_exchanged_saturdays(calendar_2026):
    # A 3-working-day assignment from Thu 12 Feb: Fri 13 (1), Sat 14 worked (2), then
    # 15-23 off, Tue 24 (3). Weekends alone would have given Tue 17 Feb.
    assert due_day(date(2026, 2, 12), 3, "working") == date(2026, 2, 24)
    # A 5-working-day objection review from Fri 13 Feb: 14 (1), 24 (2), 25 (3), 26 (4), 27 (5).
    assert due_day(date(2026, 2, 13), 5, "working") == date(2026, 2, 27)
    # Seven from Fri 13 Feb: ... 27 (5), Sat 28 worked (6), Mon 2 March (7).
    assert due_day(date(2026, 2, 13), 6, "working") == date(2026, 2, 28)
    assert due_day(date(2026, 2, 13), 7, "working") == date(2026, 3, 2)


def test_without_the_import_the_same_deadline_would_be_wrong(app):
    """The control: the cases above depend on the imported calendar. Without it only the
    law's own days (除夕 16 to 初三 19 February) are off, and no Saturday is worked."""
    assert due_day(date(2026, 2, 10), 7) == date(2026, 2, 20)
    assert due_day(date(2026, 2, 12), 3, "working") == date(2026, 2, 23)  # Fri 13, Fri 20, Mon 23


def test_re_importing_changes_nothing(calendar_2026):
    again = import_year(2026)
    assert (again.added, again.updated, again.removed, again.kept_staff) == (0, 0, 0, 0)
    assert again.unchanged == calendar_2026.added


def test_an_import_never_overwrites_a_staff_day_and_keeps_official_rows_in_step(app):
    # Staff entered the 16th by hand before any import, with their own name.
    db.session.add(Holiday(day=date(2026, 2, 16), name="春节（县局通知）", is_workday=False, source="staff"))
    db.session.commit()
    first = import_year(2026)
    db.session.commit()
    assert first.kept_staff == 1
    rows = rows_of(2026)
    # Staff then correct an official day: the county works Monday 23 February.
    corrected = rows[date(2026, 2, 23)]
    corrected.name, corrected.is_workday, corrected.source = "县局安排上班", True, "staff"
    # An official row with a name an older package gave, and one no longer in the notice.
    rows[date(2026, 2, 17)].name = "春节"
    db.session.add(Holiday(day=date(2026, 3, 2), name="old", is_workday=False, source="official"))
    db.session.commit()

    again = import_year(2026)
    db.session.commit()
    rows = rows_of(2026)
    assert (rows[date(2026, 2, 16)].name, rows[date(2026, 2, 16)].source) == ("春节（县局通知）", "staff")
    assert (rows[date(2026, 2, 23)].name, rows[date(2026, 2, 23)].is_workday) == ("县局安排上班", True)
    assert rows[date(2026, 2, 17)].name == "春节 Spring Festival"
    assert date(2026, 3, 2) not in rows
    assert (again.kept_staff, again.updated, again.removed, again.added) == (2, 1, 1, 0)
    # The staff correction holds for deadlines: 7 days from Mon 16 Feb lands on the 23rd.
    assert due_day(date(2026, 2, 16), 7) == date(2026, 2, 23)


def test_a_year_the_package_does_not_know_is_refused_never_guessed(app):
    for year in sorted({first_unknown_year(), 2099}):
        with pytest.raises(UnknownYear, match=f"no official holiday calendar for {year}"):
            import_year(year)
    assert db.session.scalar(select(func.count()).select_from(Holiday)) == 0


def test_import_holidays_loads_a_year_and_says_what_it_did(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-holidays", "--year", "2026"])
    assert result.exit_code == 0, result.output
    added = len(rows_of(2026))
    assert f"2026: {added} added" in result.output and "chinesecalendar" in result.output
    again = runner.invoke(args=["import-holidays", "--year", "2026"])
    assert again.exit_code == 0 and "2026: 0 added" in again.output
    assert len(rows_of(2026)) == added


def test_import_holidays_of_an_unknown_year_exits_non_zero_with_a_clear_message(app):
    runner = app.test_cli_runner()
    years = {first_unknown_year()}
    if not is_known(2027):  # true of chinesecalendar 1.11 (2004-2026); a later release knows it
        years.add(2027)
    for year in sorted(years):
        result = runner.invoke(args=["import-holidays", "--year", str(year)])
        assert result.exit_code != 0
        assert f"no official holiday calendar for {year}" in result.output
        assert (
            "nothing was imported" in result.output
            and "pip install --upgrade chinesecalendar" in result.output
        )
        assert not rows_of(year)
    assert runner.invoke(args=["import-holidays"]).exit_code != 0  # --year is required


def test_init_db_loads_the_years_the_package_knows_and_succeeds(app):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    for year in range(local_today().year - 1, local_today().year + 2):
        assert holidays.has_official_year(year) == is_known(year), year
        if not is_known(year):
            assert f"Official holidays of {year}" in result.output


def test_init_db_and_seed_demo_succeed_when_the_package_knows_no_year(app, monkeypatch):
    monkeypatch.setattr(holidays, "is_known", lambda year: False)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    assert db.session.scalar(select(func.count()).select_from(Holiday)) == 0


def test_the_admin_page_shows_the_source_and_marks_additions_and_corrections_as_staff(
    client, make_staff, calendar_2026
):
    make_staff("admin", "admin")
    client.sign_in("admin")
    page = client.get("/staff/admin/holidays").get_data(as_text=True)
    assert "chinesecalendar" in page and "春节 Spring Festival" in page
    added = client.submit("/staff/admin/holidays", {"day": "2026-03-20", "name": "县庆"})
    assert added.status_code == 303
    assert rows_of(2026)[date(2026, 3, 20)].source == "staff"

    official = rows_of(2026)[date(2026, 2, 23)]
    assert official.source == "official"
    form = client.get(f"/staff/admin/holidays/{official.id}")
    assert form.status_code == 200 and 'value="2026-02-23"' in form.get_data(as_text=True)
    saved = client.submit(
        f"/staff/admin/holidays/{official.id}",
        {"day": "2026-02-23", "name": "县局安排上班", "is_workday": "y"},
    )
    assert saved.status_code == 303
    row = rows_of(2026)[date(2026, 2, 23)]
    assert (row.name, row.is_workday, row.source) == ("县局安排上班", True, "staff")
    clash = client.submit(f"/staff/admin/holidays/{official.id}", {"day": "2026-02-22", "name": "x"})
    assert clash.status_code == 400 and 'id="day-error"' in clash.get_data(as_text=True)

    assert import_year(2026).kept_staff == 1  # the 23rd; the 20 March is no official day at all
    db.session.commit()
    rows = rows_of(2026)
    assert rows[date(2026, 2, 23)].name == "县局安排上班" and rows[date(2026, 3, 20)].name == "县庆"
    assert client.get("/staff/admin/holidays/999999").status_code == 404


@pytest.mark.parametrize(
    ("role", "warned"), [("admin", True), ("supervisor", True), ("consultation_desk", False)]
)
def test_the_staff_home_warns_in_december_when_next_year_is_missing(
    client, make_staff, monkeypatch, role, warned
):
    import portal.backoffice.views as views

    make_staff("someone", role)
    client.sign_in("someone")
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 12, 1))
    page = client.get("/staff/").get_data(as_text=True)
    assert ('id="calendar-warning"' in page) is warned
    if warned:
        assert "flask --app portal import-holidays --year 2027" in page
    # Not in November; not once next year's official days are loaded.
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 11, 30))
    assert 'id="calendar-warning"' not in client.get("/staff/").get_data(as_text=True)
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 12, 31))
    db.session.add(Holiday(day=date(2027, 1, 1), name="元旦 New Year's Day", source="official"))
    db.session.commit()
    assert 'id="calendar-warning"' not in client.get("/staff/").get_data(as_text=True)


def test_a_staff_entered_day_of_next_year_does_not_silence_the_warning(client, make_staff, monkeypatch):
    """Only the official import counts: a local holiday is not next year's calendar."""
    import portal.backoffice.views as views

    make_staff("admin", "admin")
    client.sign_in("admin")
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 12, 15))
    db.session.add(Holiday(day=date(2027, 3, 20), name="县庆", source="staff"))
    db.session.commit()
    assert 'id="calendar-warning"' in client.get("/staff/").get_data(as_text=True)
