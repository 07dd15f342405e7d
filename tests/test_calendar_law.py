"""The calendar that knows the law (SPEC §3): a year chinesecalendar lacks (2027) is counted
on the statutory days off; its arrangement, once imported, moves the open deadlines it
changes; the periods of a person in custody are never extended by a holiday."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.core import holidays
from portal.core import services as core_services
from portal.core.clock import local_end_of_day, to_local
from portal.core.deadline_moves import ACTION
from portal.core.holidays import OfficialDay, import_year
from portal.core.models import AuditEvent, Holiday, ServiceRequest, Township
from portal.core.registry import kind_for_code
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.notices import DETAINED, RESIDENT_ID, NoticeDetails, Person, register_notice

from support import VALID_ID


def noon(day: date) -> datetime:
    """Noon Beijing time as naive UTC."""
    return datetime(day.year, day.month, day.day, 4, 0, 0)


def submitted_on(monkeypatch, day: date) -> LegalAidApplication:
    """An application received at noon on `day` (its 7-day decision clock starts then)."""
    monkeypatch.setattr(core_services, "utcnow", lambda: noon(day))
    application = kind_for_code("LA").make_sample()
    db.session.commit()
    return application


def due_date(request) -> date:
    db.session.expire_all()
    return to_local(db.session.get(ServiceRequest, request.id).due_at).date()


def test_2027_decisions_skip_the_statutory_days_off_before_any_import(app, monkeypatch):
    """Catches a calendar that ends with the table (the bug of the issue): Fri 24 Sep + 7 =
    Fri 1 Oct would be a working day, and Fri 29 Jan + 7 = 除夕 5 Feb too."""
    assert not holidays.is_known(2027)
    assert db.session.scalar(select(Holiday.id)) is None
    national = submitted_on(monkeypatch, date(2027, 9, 24))
    spring = submitted_on(monkeypatch, date(2027, 1, 29))
    assert due_date(national) == date(2027, 10, 4)  # 1-3 Oct off, Monday 4th
    assert due_date(spring) == date(2027, 2, 9)  # 除夕 5 Feb to 初三 8 Feb off, Tuesday 9th
    assert national.decision_due_at == national.due_at


# A made-up State Council notice for 2027 (the real one is not out): 春节 off Fri 5 to
# Fri 12 February with Saturday 20 February worked; 国庆 off 1 to 7 October with
# Saturday 9 October worked.
NOTICE_2027 = (
    {date(2027, 2, d): OfficialDay("春节 Spring Festival", False) for d in range(5, 13)}
    | {date(2027, 2, 20): OfficialDay("春节调休 Spring Festival (exchanged working day)", True)}
    | {date(2027, 10, d): OfficialDay("国庆节 National Day", False) for d in range(1, 8)}
    | {date(2027, 10, 9): OfficialDay("国庆节调休 National Day (exchanged working day)", True)}
)


@pytest.fixture
def notice_2027(monkeypatch):
    monkeypatch.setattr(holidays, "official_days", lambda year: NOTICE_2027)


def test_importing_the_2027_arrangement_moves_the_open_deadlines_it_changes(app, monkeypatch, notice_2027):
    """Catches an import that leaves stored deadlines alone (Spring Festival and National
    Day stay on the floor's dates), one that moves a deadline it does not change, or one
    that moves a closed request's."""
    spring = submitted_on(monkeypatch, date(2027, 1, 29))  # floor: Tue 9 Feb
    national = submitted_on(monkeypatch, date(2027, 9, 24))  # floor: Mon 4 Oct
    march = submitted_on(monkeypatch, date(2027, 3, 1))  # Mon 8 Mar: no holiday near
    closed = submitted_on(monkeypatch, date(2027, 9, 25))
    closed.is_open = False
    db.session.commit()

    result = import_year(2027)
    db.session.commit()

    assert result.moved == 2 and "2 open deadline(s) moved" in result.summary()
    assert due_date(spring) == date(2027, 2, 15)  # off to Fri 12, then a plain weekend
    assert due_date(national) == date(2027, 10, 8)  # off to Thu 7 Oct
    assert due_date(march) == date(2027, 3, 8)
    assert due_date(closed) == date(2027, 10, 4)
    assert db.session.get(LegalAidApplication, national.id).decision_due_at == local_end_of_day(
        date(2027, 10, 8)
    )
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == ACTION)).all()
    assert sorted((e.request_id, e.comment) for e in events) == sorted(
        [(spring.id, "2027-02-09 → 2027-02-15"), (national.id, "2027-10-04 → 2027-10-08")]
    )
    assert all(e.audience == "staff" for e in events)  # staff only
    # Importing again changes nothing and moves nothing.
    assert import_year(2027).moved == 0


def test_an_admin_edit_of_a_day_moves_deadlines_and_says_how_many(app, client, make_staff, monkeypatch):
    """Catches a staff-entered day that the stored deadlines ignore."""
    application = submitted_on(monkeypatch, date(2027, 3, 1))  # due Mon 8 Mar
    make_staff("admin", "admin")
    client.sign_in("admin")
    response = client.submit("/staff/admin/holidays", {"day": "2027-03-08", "name": "本地假日"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 open deadline moved" in page or "1 个未办结的期限已调整" in page
    assert due_date(application) == date(2027, 3, 9)
    listed = page.split('id="computed"')[1].split("</section>")[0]
    assert "2027" in listed and "春节 Spring Festival" in listed  # no 2027 arrangement yet


def notice(received: date) -> NoticeDetails:
    from portal.core.identity import parse_resident_id

    return NoticeDetails(
        authority="长沙县公安局",
        case_number="长县公刑字〔2027〕1号",
        document_date=received,
        received_on=received,
        ground="minor",
        stage="investigation",
        charge="故意伤害罪",
        custody=DETAINED,
        person=Person(name="赵某", id_type=RESIDENT_ID, resident_id=parse_resident_id(VALID_ID)),
        detention_place="长沙县看守所",
        township_id=db.session.scalars(select(Township.id)).first(),
        contact_mobile="13900000022",
    )


def test_a_detained_person_s_3_day_assignment_is_not_extended_by_a_holiday(app, make_staff, notice_2027):
    """Art. 105: received Thu 30 Sep 2027, the 3 days end on Sun 3 Oct, inside National
    Day. Catches custody ignored (Mon 4 Oct on the floor, Fri 8 Oct on the notice)."""
    officer = make_staff("officer", "legal_aid_officer")
    application = register_notice(notice(date(2027, 9, 30)), officer=officer)
    db.session.commit()
    assert application.in_custody
    assert application.status == "approved"
    assert due_date(application) == date(2027, 10, 3)
    assert application.assign_due_at == local_end_of_day(date(2027, 10, 3))
    # The arrangement does not move it: it never depended on the calendar.
    assert import_year(2027).moved == 0
    assert due_date(application) == date(2027, 10, 3)


def test_the_bureau_may_read_art_105_otherwise(app, make_staff):
    """The setting on: the custody period is counted like any other (floor: Mon 4 Oct)."""
    app.config["CUSTODY_PERIODS_EXTEND_FOR_HOLIDAYS"] = True
    officer = make_staff("officer", "legal_aid_officer")
    application = register_notice(notice(date(2027, 9, 30)), officer=officer)
    db.session.commit()
    assert due_date(application) == date(2027, 10, 4)
