"""Residents never see a day off on the booking page (SPEC §3, §4): the law's days of a year
chinesecalendar lacks (2027 元旦) before the import, the arrangement's own days after it
(also on slots made before it), and when next year's times open."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from portal.consultations import slots
from portal.consultations.models import ConsultationSlot, ServicePoint, SlotTemplate
from portal.core import clock, holidays
from portal.core.clock import to_local
from portal.core.holidays import OfficialDay, import_year
from portal.extensions import db


def freeze(monkeypatch, moment: datetime) -> None:
    """The clock of the booking pages (naive UTC)."""
    monkeypatch.setattr(clock, "utcnow", lambda: moment)
    monkeypatch.setattr(slots, "utcnow", lambda: moment)


@pytest.fixture
def point(app):
    point = ServicePoint(
        code="CENTRE",
        point_type="centre",
        name="长沙县公共法律服务中心",
        name_en="Centre",
        address="开元路",
        phone="0731-1",
        hours="9-17",
        services="咨询",
    )
    point.templates = [
        SlotTemplate(weekday=d, start_time=time(9), end_time=time(10), slot_minutes=30, capacity=2)
        for d in range(5)
    ]
    db.session.add(point)
    db.session.commit()
    return point


def offered_days(client, point) -> str:
    return client.get(f"/consultations/book?point={point.id}").get_data(as_text=True)


def test_2027_new_year_is_never_offered_before_or_after_the_import(client, point, monkeypatch):
    """Catches the issue's bug (2027-01-01 offered with free times because the table ends
    in 2026), and slots made on the floor that an arrangement's extra day off keeps open."""
    freeze(monkeypatch, datetime(2026, 12, 20, 4, 0))
    slots.ensure_slots([point.id])  # (its count is -1 on PostgreSQL: psycopg's executemany)
    db.session.commit()
    made = {to_local(s.starts_at).date() for s in db.session.scalars(select(ConsultationSlot))}
    assert date(2026, 12, 31) in made and date(2027, 1, 1) not in made  # none made on 元旦
    page = offered_days(client, point)
    assert 'value="2026-12-31"' in page and 'value="2027-01-04"' in page
    assert 'value="2027-01-01"' not in page

    # A made-up 2027 notice: 1 to 4 January off (Monday the 4th bridged).
    notice = {date(2027, 1, d): OfficialDay("元旦 New Year's Day", False) for d in range(1, 5)}
    monkeypatch.setattr(holidays, "official_days", lambda year: notice)
    import_year(2027)
    db.session.commit()
    page = offered_days(client, point)
    assert 'value="2027-01-01"' not in page and 'value="2027-01-04"' not in page
    assert 'value="2027-01-05"' in page
    assert 'id="next-year"' not in page


def test_the_booking_page_says_when_next_year_s_times_open(client, point, monkeypatch):
    """From 1 November until the window reaches January (2 December: 30 days ahead)."""
    freeze(monkeypatch, datetime(2026, 11, 20, 4, 0))
    page = offered_days(client, point)
    assert 'id="next-year"' in page and "2027" in page.split('id="next-year"')[1].split("</p>")[0]
    assert slots.next_year_opens(datetime(2026, 11, 20, 4, 0)) == (2027, date(2026, 12, 2))
    assert slots.next_year_opens(datetime(2026, 12, 2, 4, 0)) is None
    assert slots.next_year_opens(datetime(2026, 10, 31, 4, 0)) is None
