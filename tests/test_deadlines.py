"""Statutory deadlines on the holiday calendar (SPEC §3: 7 days to decide, 3 to assign)."""

from datetime import date, datetime

from portal.core.clock import local_end_of_day, to_local
from portal.core.deadlines import due_after
from portal.core.models import Holiday
from portal.extensions import db


def at_local_noon(day: date) -> datetime:
    """Noon Beijing time as naive UTC."""
    return datetime(day.year, day.month, day.day, 4, 0, 0)


def due_day(start: date, days: int, kind: str = "calendar") -> date:
    return to_local(due_after(at_local_noon(start), days, kind)).date()


def test_seven_calendar_days_end_at_the_end_of_a_working_day(app):
    due = due_after(at_local_noon(date(2026, 11, 2)), 7)  # Monday
    assert due == local_end_of_day(date(2026, 11, 9))  # the next Monday, 23:59:59 in Changsha
    assert to_local(due).hour == 23


def test_a_deadline_on_a_weekend_moves_to_monday(app):
    assert due_day(date(2026, 11, 7), 7) == date(2026, 11, 16)  # Sat + 7 = Sat → Mon


def test_a_deadline_on_a_holiday_moves_to_the_next_working_day(app):
    db.session.add_all(
        [Holiday(day=date(2026, 10, d), name="国庆节") for d in range(1, 8)]
        + [Holiday(day=date(2026, 10, 10), name="调休", is_workday=True)]
    )
    db.session.commit()
    assert due_day(date(2026, 9, 24), 7) == date(2026, 10, 8)


def test_working_days_skip_weekends_and_holidays_and_count_exchanged_days(app):
    db.session.add_all(
        [Holiday(day=date(2026, 10, d), name="国庆节") for d in range(1, 8)]
        + [Holiday(day=date(2026, 10, 10), name="调休", is_workday=True)]
    )
    db.session.commit()
    # From Wed 30 Sep: Oct 8 (Thu), 9 (Fri), 10 (Sat, worked), 12, 13, 14, 15
    assert due_day(date(2026, 9, 30), 7, "working") == date(2026, 10, 15)


def test_the_admin_maintains_the_calendar(client, make_staff):
    make_staff("admin", "admin")
    client.sign_in("admin")
    added = client.submit("/staff/admin/holidays", {"day": "2027-02-08", "name": "春节"})
    assert added.status_code == 303
    assert db.session.scalar(db.select(Holiday.name).where(Holiday.day == date(2027, 2, 8))) == "春节"
    bad = client.submit("/staff/admin/holidays", {"day": "2027-13-40", "name": "x"})
    assert bad.status_code == 400 and 'id="day-error"' in bad.get_data(as_text=True)
    duplicate = client.submit("/staff/admin/holidays", {"day": "2027-02-08", "name": "again"})
    assert duplicate.status_code == 400


def test_an_application_due_date_follows_the_calendar_setting(app, make_application):
    app.config["LEGAL_AID_DAYS_KIND"] = "working"
    application = make_application()
    received = to_local(application.created_at).date()
    assert to_local(application.decision_due_at).date() == due_day(received, 7, "working")
