""".ics files written with icalendar: folded lines, two reminders, one UID per booking with
a SEQUENCE that rises on reschedule and cancellation, METHOD:CANCEL after a cancellation,
and the messages that say so in words."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.consultations.models import ConsultationBooking, ConsultationSlot, ServicePoint, StaffServicePoint
from portal.core.calendar_files import EventStatus, Method, event_file, event_uid
from portal.core.clock import to_local, utcnow
from portal.core.models import OutboxMessage, ServiceRequest
from portal.core.services import perform
from portal.extensions import db

from support import open_for_booking

#: Long enough (in UTF-8 octets) that LOCATION must be folded.
LONG_ADDRESS = "湖南省长沙市长沙县星沙街道开元东路与望仙路交汇处县政务服务中心三楼东侧公共法律服务大厅"


def parse(body: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def triggers(event) -> list[bytes]:
    return sorted(alarm["TRIGGER"].to_ical() for alarm in event.walk("VALARM"))


def assert_folded(body: bytes) -> None:
    lines = body.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)  # CRLF line ends only
    assert max(len(line) for line in lines) <= 75, max(lines, key=len)


# The writer on its own.


def test_an_event_file_has_reminders_and_folded_lines():
    start = datetime(2026, 12, 3, 1, 0)
    body = event_file(
        uid=event_uid("CB-2026-000042"),
        sequence=0,
        start=start,
        end=start + timedelta(minutes=30),
        summary="法律咨询 CB-2026-000042",
        location="长沙县公共法律服务中心 " + LONG_ADDRESS,
        description="电话：0731-12348",
        stamp=datetime(2026, 12, 1, 8, 0),
    )
    assert_folded(body)
    assert b"\r\n " in body  # at least one continuation line
    calendar, event = parse(body)
    assert calendar["METHOD"] == "PUBLISH" and event["STATUS"] == "CONFIRMED"
    assert str(event["UID"]) == "CB-2026-000042@public-legal-services-portal" and event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == start.replace(tzinfo=UTC)  # written as ...Z
    assert str(event["LOCATION"]).endswith(LONG_ADDRESS)  # unfolded back whole
    assert triggers(event) == [b"-P1D", b"-PT2H"]
    assert all(alarm["ACTION"] == "DISPLAY" for alarm in event.walk("VALARM"))


def test_a_cancellation_is_method_cancel_status_cancelled_without_reminders():
    start = datetime(2026, 12, 3, 1, 0)
    body = event_file(
        uid="x@y",
        sequence=3,
        start=start,
        end=start + timedelta(minutes=30),
        summary="s",
        stamp=start,
        method=Method.CANCEL,
    )
    calendar, event = parse(body)
    assert (calendar["METHOD"], event["STATUS"], event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 3)
    assert event.walk("VALARM") == []


@pytest.mark.parametrize(
    "bad",
    [
        {"method": Method.CANCEL, "status": EventStatus.CONFIRMED},
        {"method": Method.PUBLISH, "status": EventStatus.CANCELLED},
        {"sequence": -1},
        {"alarms": (timedelta(hours=2),)},
        {"start": datetime(2026, 12, 3, 1, 0, tzinfo=UTC)},
    ],
)
def test_the_writer_refuses_inconsistent_values(bad):
    start = datetime(2026, 12, 3, 1, 0)
    values = {
        "uid": "x@y",
        "sequence": 0,
        "start": start,
        "end": start + timedelta(minutes=30),
        "summary": "s",
        "stamp": start,
    } | bad
    if values["start"].tzinfo:
        values["end"] = values["start"] + timedelta(minutes=30)
    with pytest.raises(ValueError):
        event_file(**values)


# A booking over HTTP: book, reschedule, cancel.


@pytest.fixture
def point(app):
    point = ServicePoint(
        code="CENTRE",
        point_type="centre",
        name="长沙县公共法律服务中心",
        name_en="County centre",
        address=LONG_ADDRESS,
        phone="0731-12348",
        hours="9-17",
        services="咨询",
    )
    db.session.add(point)
    db.session.commit()
    return point


def make_slot(point, hours_ahead: float) -> ConsultationSlot:
    start = open_for_booking(
        (utcnow() + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0), hours_ahead
    )
    slot = ConsultationSlot(
        service_point_id=point.id, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=1
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def book(client, point, slot) -> str:
    day = to_local(slot.starts_at).date().isoformat()
    response = client.submit(
        f"/consultations/book?point={point.id}&date={day}",
        {
            "slot": str(slot.id),
            "channel": "in_person",
            "topic": "labour",
            "description": "被拖欠工资怎么办",
            "name": "周建国",
            "mobile": "13900000011",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rsplit("/", 1)[1]


def download(client, reference) -> bytes:
    response = client.get(f"/consultations/booked/{reference}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{reference}.ics"'
    return response.get_data()


def last_notice(reference) -> str:
    db.session.expire_all()
    request_id = db.session.scalar(select(ServiceRequest.id).where(ServiceRequest.reference == reference))
    return db.session.scalar(
        select(OutboxMessage.body)
        .where(OutboxMessage.request_id == request_id)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def test_a_booking_its_reschedule_and_its_cancellation_keep_one_uid_with_a_rising_sequence(client, point):
    client.get("/language/en")  # messages in English: the words below are the msgids
    first, second = make_slot(point, 26), make_slot(point, 50)
    reference = book(client, point, first)
    uid = f"{reference}@public-legal-services-portal"

    booked = download(client, reference)
    assert_folded(booked)
    calendar, event = parse(booked)
    assert (calendar["METHOD"], event["STATUS"], str(event["UID"]), event["SEQUENCE"]) == (
        "PUBLISH",
        "CONFIRMED",
        uid,
        0,
    )
    assert event.decoded("DTSTART").replace(tzinfo=None) == first.starts_at
    assert event.decoded("DTEND").replace(tzinfo=None) == first.ends_at
    assert str(event["SUMMARY"]) == f"Legal consultation {reference}"
    assert str(event["LOCATION"]) == f"{point.name} {LONG_ADDRESS}"
    assert triggers(event) == [b"-P1D", b"-PT2H"]

    moved = client.submit(
        f"/track/{reference}",
        {"reschedule-slot": str(second.id)},
        action=f"/track/{reference}/actions/reschedule",
    )
    assert moved.status_code == 303
    assert "please update your calendar" in last_notice(reference)
    tracking = client.get(f"/track/{reference}").get_data(as_text=True)
    assert f"/consultations/booked/{reference}/calendar.ics" in tracking  # the new file is one click away
    calendar, event = parse(download(client, reference))
    assert (calendar["METHOD"], event["STATUS"], str(event["UID"]), event["SEQUENCE"]) == (
        "PUBLISH",
        "CONFIRMED",
        uid,
        1,
    )
    assert event.decoded("DTSTART").replace(tzinfo=None) == second.starts_at
    assert triggers(event) == [b"-P1D", b"-PT2H"]

    cancelled = client.submit(
        f"/track/{reference}/actions/cancel", {}, action=f"/track/{reference}/actions/cancel"
    )
    assert cancelled.status_code == 303
    assert "remove it from your calendar" in last_notice(reference)
    cancellation = download(client, reference)
    assert_folded(cancellation)
    calendar, event = parse(cancellation)
    assert (calendar["METHOD"], event["STATUS"], str(event["UID"]), event["SEQUENCE"]) == (
        "CANCEL",
        "CANCELLED",
        uid,
        2,
    )
    assert event.decoded("DTSTART").replace(tzinfo=None) == second.starts_at
    assert event.walk("VALARM") == []
    assert "remove it from your calendar" in str(event["DESCRIPTION"])

    page = client.get(f"/consultations/booked/{reference}").get_data(as_text=True)
    assert "Consultation cancelled" in page and "Remove from my calendar (.ics)" in page
    assert "Add to my calendar (.ics)" not in page and "Change or cancel" not in page


def test_a_cancellation_by_the_service_point_raises_the_sequence_and_says_so(client, point, make_staff):
    client.get("/language/en")
    reference = book(client, point, make_slot(point, 26))
    booking = db.session.scalar(select(ConsultationBooking).where(ServiceRequest.reference == reference))
    desk = make_staff("desk", "consultation_desk")
    db.session.add(StaffServicePoint(user_id=desk.id, service_point_id=point.id))
    perform(booking, "staff_cancel", user=desk, data={"reason": "停电闭馆"})
    db.session.commit()
    assert "please remove it from your calendar. Reason: 停电闭馆" in last_notice(reference)
    calendar, event = parse(download(client, reference))
    assert (calendar["METHOD"], event["STATUS"], event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 1)


def test_someone_else_cannot_download_a_booking(client, make_client, point):
    reference = book(client, point, make_slot(point, 26))
    response = make_client().get(f"/consultations/booked/{reference}/calendar.ics")
    assert response.mimetype == "text/html" and 'id="proof-needed"' in response.get_data(as_text=True)
