"""Consultation booking over HTTP: free slots only, never overbooked, change up to 2 hours
before, reminders once, waiting list, the desk's day view and record."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.consultations.models import (
    ConsultationBooking,
    ConsultationSlot,
    ServicePoint,
    SlotTemplate,
    StaffServicePoint,
    WaitingListEntry,
)
from portal.consultations.services import send_reminders
from portal.core.clock import local_today, to_local, utcnow
from portal.core.models import OutboxMessage, ServiceRequest
from portal.extensions import db

from support import open_for_booking


def make_point(code="CENTRE", name="长沙县公共法律服务中心"):
    point = ServicePoint(
        code=code,
        point_type="centre",
        name=name,
        name_en="Centre",
        address="开元路",
        phone="0731-1",
        hours="9-17",
        services="咨询",
    )
    db.session.add(point)
    db.session.commit()
    return point


def add_slot(point, start, capacity=1, booked=0, blocked=False):
    """A 30-minute slot starting at `start` (naive UTC), added to the session."""
    slot = ConsultationSlot(
        service_point_id=point.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        capacity=capacity,
        booked=booked,
        blocked=blocked,
    )
    db.session.add(slot)
    return slot


def make_slot(point, hours_ahead: float, capacity=1, booked=0, blocked=False):
    start = (utcnow() + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
    slot = add_slot(point, open_for_booking(start, hours_ahead), capacity, booked, blocked)
    db.session.commit()
    return slot


def hours_to_a_seat_today() -> float:
    """A 30-minute slot still open today: half an hour ahead, or, in the day's last hour
    (when that would be tomorrow), started a quarter of an hour ago. Half an hour behind
    had ended by the time the desk looked (red every day from 23:00 to 24:00 Beijing time)."""
    return 0.5 if to_local(utcnow()).hour < 23 else -0.25


def day_of(slot) -> str:
    return to_local(slot.starts_at).date().isoformat()


def booking_form(slot, **overrides):
    data = {
        "slot": str(slot.id),
        "channel": "in_person",
        "topic": "labour",
        "description": "被拖欠工资怎么办",
        "name": "周建国",
        "mobile": "13900000011",
    }
    data.update(overrides)
    return data


def book(client, point, slot, **overrides):
    page = f"/consultations/book?point={point.id}&date={day_of(slot)}"
    return client.submit(page, booking_form(slot, **overrides))


def reload(reference):
    db.session.expire_all()
    return db.session.scalar(select(ConsultationBooking).where(ServiceRequest.reference == reference))


@pytest.fixture
def point(app):
    return make_point()


def test_the_service_points_page_shows_next_free_times(client, point):
    slot = make_slot(point, 30)
    make_slot(point, 1)  # within 2 hours: not offered
    page = client.get("/consultations/").get_data(as_text=True)
    assert point.name in page
    assert page.count(f"point={point.id}&amp;date=") == 1 + 0  # one free time listed
    assert day_of(slot) in page


def test_the_service_points_page_links_each_day_once_with_its_times(client, point):
    """The landing page stays light (SPEC §9: under 60 KiB with every point listed): the
    free times of one day share one link to that day's booking page, each time still shown.
    Mutant caught: a link per time (the earlier markup) gives the day two links."""
    first = make_slot(point, 30)
    later = first.starts_at + timedelta(minutes=30)
    db.session.add(
        ConsultationSlot(
            service_point_id=point.id, starts_at=later, ends_at=later + timedelta(minutes=30), capacity=1
        )
    )
    db.session.commit()
    page = client.get("/consultations/").get_data(as_text=True)
    assert page.count(f"point={point.id}&amp;date={day_of(first)}") == 1
    assert f"{to_local(first.starts_at):%H:%M}, {to_local(later):%H:%M}</li>" in page


def test_a_booking_gets_a_reference_a_confirmation_and_a_calendar_file(client, point):
    slot = make_slot(point, 26)
    form_page = client.get(f"/consultations/book?point={point.id}&date={day_of(slot)}").get_data(as_text=True)
    assert f'value="{slot.id}"' in form_page
    response = book(client, point, slot)
    assert response.status_code == 303
    reference = response.headers["Location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"CB-\d{4}-000001", reference)
    assert reference in client.get(response.headers["Location"]).get_data(as_text=True)
    ics = client.get(f"/consultations/booked/{reference}/calendar.ics")
    assert ics.mimetype == "text/calendar"
    body = ics.get_data(as_text=True)
    assert "BEGIN:VEVENT" in body and f"DTSTART:{slot.starts_at:%Y%m%dT%H%M%SZ}" in body and "\r\n" in body
    booking = reload(reference)
    assert (booking.status, booking.due_at) == ("booked", slot.starts_at)
    db.session.refresh(slot)
    assert slot.booked == 1
    assert reference in db.session.scalar(select(OutboxMessage.body))


def test_a_full_slot_says_just_filled_and_keeps_what_was_typed(client, make_client, point):
    slot = make_slot(point, 26)
    book(make_client(), point, slot, mobile="13700000000")
    response = book(client, point, slot, description="我的问题很长很长")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="slot-error"' in page or "slot-error" in page or "field-error" in page
    assert db.session.scalar(select(func.count()).select_from(ConsultationBooking)) == 1


@pytest.mark.parametrize(("hours", "blocked"), [(1, False), (24 * 32, False), (30, True)])
def test_slots_outside_the_window_or_blocked_are_not_bookable(client, point, hours, blocked):
    slot = make_slot(point, hours, blocked=blocked)
    response = book(client, point, slot)
    assert response.status_code in (400, 409)
    assert db.session.scalar(select(func.count()).select_from(ConsultationBooking)) == 0


def test_a_mobile_holds_at_most_two_upcoming_bookings(client, point):
    slots = [make_slot(point, 26 + i) for i in range(3)]
    assert book(client, point, slots[0]).status_code == 303
    assert book(client, point, slots[1]).status_code == 303
    third = book(client, point, slots[2])
    assert third.status_code == 400 and 'id="mobile-error"' in third.get_data(as_text=True)


def test_cancel_and_reschedule_up_to_two_hours_before(client, point):
    first, second = make_slot(point, 26), make_slot(point, 50)
    reference = book(client, point, first).headers["Location"].rsplit("/", 1)[1]
    moved = client.submit(
        f"/track/{reference}",
        {"reschedule-slot": str(second.id)},
        action=f"/track/{reference}/actions/reschedule",
    )
    assert moved.status_code == 303
    booking = reload(reference)
    assert (booking.slot_id, booking.starts_at, booking.status) == (second.id, second.starts_at, "booked")
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.booked, second.booked) == (0, 1)
    cancelled = client.submit(
        f"/track/{reference}/actions/cancel", {}, action=f"/track/{reference}/actions/cancel"
    )
    assert cancelled.status_code == 303
    assert reload(reference).status == "cancelled"
    db.session.refresh(second)
    assert second.booked == 0


def test_no_change_within_two_hours(client, point):
    slot = make_slot(point, 26)
    reference = book(client, point, slot).headers["Location"].rsplit("/", 1)[1]
    booking = reload(reference)
    booking.starts_at = utcnow() + timedelta(minutes=90)  # the appointment is now close
    db.session.commit()
    response = client.submit(
        f"/track/{reference}/actions/cancel", {}, action=f"/track/{reference}/actions/cancel"
    )
    assert response.status_code == 303
    assert reload(reference).status == "booked"
    assert "2" in client.get(f"/track/{reference}").get_data(as_text=True)


def test_reminders_go_once_the_day_before(app, client, point):
    tomorrow_noon = to_local(utcnow()).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1)
    slot = make_slot(
        point,
        (tomorrow_noon.astimezone(__import__("datetime").UTC).replace(tzinfo=None) - utcnow()).total_seconds()
        / 3600,
    )
    reference = book(client, point, slot).headers["Location"].rsplit("/", 1)[1]
    runner = app.test_cli_runner()
    assert "queued 1" in runner.invoke(args=["send-reminders"]).output
    assert "queued 0" in runner.invoke(args=["send-reminders"]).output
    reminders = db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.is_not(None))).all()
    assert len(reminders) == 1 and reference in reminders[0].body
    assert send_reminders() == 0


def test_when_nothing_is_free_people_join_the_waiting_list_and_get_a_freed_seat(client, make_client, point):
    full = make_slot(point, 26, capacity=1)
    holder = make_client()
    reference = book(holder, point, full).headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/consultations/book?point={point.id}").get_data(as_text=True)
    assert "12348" in page and "waiting-list" in page
    joined = client.submit(
        f"/consultations/book?point={point.id}",
        {"name": "吴秀英", "mobile": "13600000000"},
        action=f"/consultations/waiting-list?point={point.id}",
    )
    assert joined.status_code == 200
    holder.submit(f"/track/{reference}/actions/cancel", {}, action=f"/track/{reference}/actions/cancel")
    entry = db.session.scalar(select(WaitingListEntry))
    db.session.refresh(entry)
    assert (entry.status, entry.offered_slot_id) == ("offered", full.id)
    offer = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "13600000000"))
    assert offer is not None and "/consultations/book" in offer.body


@pytest.fixture
def desk(make_staff, point):
    user = make_staff("desk", "consultation_desk", name="赵前台")
    db.session.add(StaffServicePoint(user_id=user.id, service_point_id=point.id))
    db.session.commit()
    return user


def the_day_comes(reference):
    """Move a booking (and its slot) to now: the desk serves a booking on its own day."""
    booking = reload(reference)
    now = utcnow().replace(second=0, microsecond=0)
    booking.slot.starts_at, booking.slot.ends_at, booking.starts_at = now, now + timedelta(minutes=30), now
    db.session.commit()
    return booking.slot


def test_the_desk_checks_in_and_records_the_consultation(client, make_client, point, desk):
    slot = make_slot(point, 26)
    reference = book(client, point, slot).headers["Location"].rsplit("/", 1)[1]
    slot = the_day_comes(reference)
    staff = make_client()
    staff.sign_in("desk")
    day = staff.get(f"/staff/consultations/{point.id}/day?date={day_of(slot)}").get_data(as_text=True)
    assert reference in day
    checked = staff.submit(
        f"/staff/consultations/{point.id}/day?date={day_of(slot)}",
        {"next": f"/staff/consultations/{point.id}/day"},
        action=f"/staff/requests/{reference}/actions/check_in",
    )
    assert (
        checked.status_code == 303 and checked.headers["Location"] == f"/staff/consultations/{point.id}/day"
    )
    incomplete = staff.submit(
        f"/staff/requests/{reference}",
        {"complete-summary": "x"},
        action=f"/staff/requests/{reference}/actions/complete",
    )
    assert incomplete.status_code == 400
    done = staff.submit(
        f"/staff/requests/{reference}",
        {
            "complete-summary": "工资被拖欠三个月",
            "complete-advice": "申请劳动仲裁",
            "complete-referral": "legal_aid",
            "complete-minutes": "25",
        },
        action=f"/staff/requests/{reference}/actions/complete",
    )
    assert done.status_code == 303
    booking = reload(reference)
    assert (booking.status, booking.referral, booking.minutes_spent) == ("completed", "legal_aid", 25)
    assert "申请劳动仲裁" in client.get(f"/track/{reference}").get_data(as_text=True)


def test_a_walk_in_takes_a_seat_and_is_checked_in(client, point, desk):
    slot = make_slot(point, hours_to_a_seat_today(), capacity=2)  # a walk-in takes a seat today
    client.sign_in("desk")
    response = client.submit(
        f"/staff/consultations/{point.id}/day",
        {
            "slot": str(slot.id),
            "name": "路人甲",
            "mobile": "13500000000",
            "topic": "family",
            "description": "离婚财产分割",
        },
        action=f"/staff/consultations/{point.id}/walk-in",
    )
    assert response.status_code == 303
    booking = db.session.scalar(select(ConsultationBooking))
    assert (booking.status, booking.walk_in) == ("checked_in", True)
    db.session.refresh(slot)
    assert slot.booked == 1


def test_desk_staff_see_only_their_service_points(client, make_client, point, desk):
    other = make_point("SJS-102", "黄兴司法所")
    slot = make_slot(other, 26)
    reference = book(client, other, slot).headers["Location"].rsplit("/", 1)[1]
    staff = make_client()
    staff.sign_in("desk")
    assert staff.get(f"/staff/consultations/{other.id}/day").status_code == 403
    assert staff.get(f"/staff/requests/{reference}").status_code == 403
    assert reference not in staff.get("/staff/queue/consultations").get_data(as_text=True)
    assert staff.get(f"/staff/consultations/{point.id}/day").status_code == 200


def test_lowering_capacity_never_drops_a_booking(client, make_client, point, make_staff):
    template = SlotTemplate(
        service_point_id=point.id,
        weekday=0,
        start_time=__import__("datetime").time(9),
        end_time=__import__("datetime").time(10),
        slot_minutes=30,
        capacity=3,
    )
    db.session.add(template)
    db.session.commit()
    monday = local_today() + timedelta(days=(7 - local_today().weekday()) or 7)
    from portal.consultations.slots import local_to_utc

    slot = ConsultationSlot(
        service_point_id=point.id,
        starts_at=open_for_booking(local_to_utc(monday, __import__("datetime").time(9))),
        ends_at=local_to_utc(monday, __import__("datetime").time(9, 30)),
        capacity=3,
        booked=0,
    )
    db.session.add(slot)
    db.session.commit()
    for mobile in ("13900000001", "13900000002"):
        assert book(make_client(), point, slot, mobile=mobile).status_code == 303
    make_staff("admin", "admin")
    client.sign_in("admin")
    changed = client.submit(
        f"/staff/consultations/{point.id}/settings",
        {"capacity": "1"},
        action=f"/staff/consultations/{point.id}/templates/{template.id}/capacity",
    )
    assert changed.status_code == 303
    db.session.refresh(slot)
    assert (slot.capacity, slot.booked) == (2, 2)  # kept at its bookings, none dropped, none free
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ConsultationBooking)
            .where(ConsultationBooking.status == "booked")
        )
        == 2
    )


def test_closing_a_day_with_bookings_needs_confirmation(client, make_client, point, make_staff):
    slot = make_slot(point, 26)
    book(make_client(), point, slot)
    make_staff("admin", "admin")
    client.sign_in("admin")
    day = day_of(slot)
    refused = client.submit(
        f"/staff/consultations/{point.id}/settings",
        {"day": day, "reason": "停电"},
        action=f"/staff/consultations/{point.id}/closures",
    )
    assert refused.status_code == 409
    closed = client.submit(
        f"/staff/consultations/{point.id}/settings",
        {"day": day, "reason": "停电", "confirm": "y"},
        action=f"/staff/consultations/{point.id}/closures",
    )
    assert closed.status_code == 303
    db.session.refresh(slot)
    assert slot.blocked and slot.booked == 1


def test_the_queue_filters_by_service_point_topic_and_channel(client, make_client, point, desk, make_staff):
    other = make_point("SJS-102", "黄兴司法所")
    a = book(make_client(), point, make_slot(point, 26), topic="family").headers["Location"].rsplit("/", 1)[1]
    b = (
        book(make_client(), other, make_slot(other, 27), mobile="13700000000", channel="video")
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    make_staff("boss", "supervisor")
    client.sign_in("boss")

    def found(query):
        page = client.get(f"/staff/queue/consultations?{query}").get_data(as_text=True)
        return set(re.findall(r"CB-\d{4}-\d{6}", page))

    assert found("") == {a, b}
    assert found(f"point={other.id}") == {b}
    assert found("topic=family") == {a}
    assert found("channel=video") == {b}
    appointment_day = to_local(reload(b).starts_at).date()
    assert found(f"from={appointment_day}&to={appointment_day}") >= {b}
    assert found(f"from={appointment_day + timedelta(days=1)}") == set()


def test_english_messages_name_the_service_point_in_english(client, point):
    client.get("/language/en")
    slot = make_slot(point, 26)
    book(client, point, slot)
    body = db.session.scalar(select(OutboxMessage.body))
    assert "Centre" in body and point.name not in body


#: Who may use each desk page, on a service point that the desk user works (SPEC §4):
#: serving people is the desk's own work; admins keep hours and closures; supervisors read.
DESK_PAGES = {
    "desk.points": {"consultation_desk", "admin", "supervisor"},
    "desk.day_view": {"consultation_desk", "admin", "supervisor"},
    "desk.walk_in": {"consultation_desk"},
    "desk.change_slot": {"consultation_desk", "admin"},
    "desk.close_today": {"consultation_desk", "admin"},
    "desk.confirm_close_today": {"consultation_desk", "admin"},
    "desk.confirm_slot_closing": {"consultation_desk", "admin"},
    "desk.settings": {"consultation_desk", "admin"},
    "desk.add_template": {"consultation_desk", "admin"},
    "desk.template_capacity": {"consultation_desk", "admin"},
    "desk.delete_template": {"consultation_desk", "admin"},
    "desk.add_closure": {"consultation_desk", "admin"},
    "desk.delete_closure": {"consultation_desk", "admin"},
    "desk.desk_staff": {"admin"},
    "desk.publish_slots": {"consultation_desk", "admin"},
}


def desk_world(make_staff) -> dict:
    """A service point worked by the desk user, with a template, a slot and a closure."""
    from datetime import time

    from portal.consultations.models import Closure, SlotTemplate, StaffServicePoint

    for role in ("consultation_desk", "admin", "supervisor", "legal_aid_officer"):
        make_staff(role, role)
    point = ServicePoint(
        code="CENTRE",
        point_type="centre",
        name="中心",
        name_en="Centre",
        address="a",
        phone="1",
        hours="h",
        services="s",
    )
    point.templates = [SlotTemplate(weekday=0, start_time=time(9), end_time=time(10), capacity=1)]
    db.session.add(point)
    db.session.flush()
    start = open_for_booking((utcnow() + timedelta(days=2)).replace(microsecond=0))
    slot = ConsultationSlot(
        service_point_id=point.id, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=1
    )
    closure = Closure(service_point_id=point.id, day=local_today() + timedelta(days=40), reason="x")
    desk = db.session.scalar(select(User).where(User.username == "consultation_desk"))
    db.session.add_all([slot, closure, StaffServicePoint(user_id=desk.id, service_point_id=point.id)])
    db.session.commit()
    return {
        "point_id": point.id,
        "slot_id": slot.id,
        "template_id": point.templates[0].id,
        "closure_id": closure.id,
        "change": "block",
    }


@pytest.mark.parametrize("role", ["consultation_desk", "admin", "supervisor", "legal_aid_officer"])
def test_desk_pages_answer_each_role_as_the_policy_says(app, make_staff, make_client, role):
    import re

    values = desk_world(make_staff)
    client = make_client()
    client.sign_in(role)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("desk.")]
    assert {r.endpoint for r in rules} == set(DESK_PAGES), "declare who may use each desk page"
    for rule in rules:
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), url)
        response = client.get(url) if "GET" in rule.methods else client.submit("/staff/", {}, action=url)
        if role in DESK_PAGES[rule.endpoint]:
            assert response.status_code < 500 and response.status_code != 403, (
                role,
                url,
                response.status_code,
            )
        else:
            assert response.status_code == 403, (role, url, response.status_code)


def test_an_admin_posting_a_walk_in_is_refused_with_a_page_not_an_error(app, make_staff, make_client):
    values = desk_world(make_staff)
    client = make_client()
    client.sign_in("admin")
    response = client.submit(
        f"/staff/consultations/{values['point_id']}/day",
        {
            "slot": str(values["slot_id"]),
            "name": "张三",
            "mobile": "13900000099",
            "topic": "labour",
            "description": "工资",
        },
        action=f"/staff/consultations/{values['point_id']}/walk-in",
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ConsultationBooking)) == 0


def test_an_admin_adds_and_removes_only_active_desk_staff(app, make_staff, make_client):
    """The desk staff form is a required choice among the active desk staff: a legal aid
    officer or no one is refused with 400 and nothing is linked. Mutant seen red: the
    user id read from the raw form (any account could be linked to the point)."""
    from portal.consultations.models import StaffServicePoint

    values = desk_world(make_staff)
    admin = make_client()
    admin.sign_in("admin")
    url = f"/staff/consultations/{values['point_id']}/desk-staff"
    officer = db.session.scalar(select(User).where(User.username == "legal_aid_officer"))
    second = make_staff("desk2", "consultation_desk", name="钱前台")

    def linked() -> set[int]:
        rows = select(StaffServicePoint.user_id).where(
            StaffServicePoint.service_point_id == values["point_id"]
        )
        return set(db.session.scalars(rows))

    before = linked()
    for user_id in (str(officer.id), "", "999999"):
        assert admin.submit("/staff/", {"user_id": user_id}, action=url).status_code == 400
    assert linked() == before
    assert admin.submit("/staff/", {"user_id": str(second.id)}, action=url).status_code == 303
    assert linked() == before | {second.id}
    assert admin.submit("/staff/", {"user_id": str(second.id), "remove": "y"}, action=url).status_code == 303
    assert linked() == before
