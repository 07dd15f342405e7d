"""The desk view is tied to its date (SPEC §4): check-in and missed only on the day, walk-in
and "close today" only for today, one count of free seats, and call-backs marked "called"."""

import re

import pytest
from sqlalchemy import select
from test_consultations import book, day_of, hours_to_a_seat_today, make_point, make_slot, the_day_comes

from portal.consultations.models import ConsultationBooking, StaffServicePoint
from portal.core.clock import to_local, utcnow
from portal.extensions import db


@pytest.fixture
def point(app):
    return make_point()


@pytest.fixture
def desk(make_staff, point):
    user = make_staff("desk", "consultation_desk", name="赵前台")
    db.session.add(StaffServicePoint(user_id=user.id, service_point_id=point.id))
    db.session.commit()
    return user


def reference_of(response) -> str:
    return response.headers["Location"].rsplit("/", 1)[1]


def status_of(reference) -> str:
    db.session.expire_all()
    return db.session.scalar(
        select(ConsultationBooking.status).where(ConsultationBooking.reference == reference)
    )


def test_a_future_booking_cannot_be_checked_in_or_marked_missed(client, make_client, point, desk):
    slot = make_slot(point, 26)
    reference = reference_of(book(client, point, slot))
    staff = make_client()
    staff.sign_in("desk")
    staff.get("/language/en")  # the messages read below in English
    day = staff.get(f"/staff/consultations/{point.id}/day?date={day_of(slot)}").get_data(as_text=True)
    assert reference in day
    assert "/actions/check_in" not in day and "/actions/no_show" not in day
    assert "can be checked in or marked only on that day" in day
    for action in ("check_in", "no_show"):
        refused = staff.submit(
            f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/actions/{action}"
        )
        assert refused.status_code == 409
        assert "only on that day" in refused.get_data(as_text=True)
        assert status_of(reference) == "booked"


def test_on_the_day_the_desk_checks_in(client, make_client, point, desk):
    reference = reference_of(book(client, point, make_slot(point, 26)))
    slot = the_day_comes(reference)
    staff = make_client()
    staff.sign_in("desk")
    day = staff.get(f"/staff/consultations/{point.id}/day?date={day_of(slot)}").get_data(as_text=True)
    assert f"/staff/requests/{reference}/actions/check_in" in day
    checked = staff.submit(
        f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/actions/check_in"
    )
    assert checked.status_code == 303 and status_of(reference) == "checked_in"


def test_walk_in_and_close_today_are_offered_only_for_today(client, point, desk):
    slot = make_slot(point, 26, capacity=2)
    make_slot(point, hours_to_a_seat_today(), capacity=2)  # a seat today
    client.sign_in("desk")
    other_day = client.get(f"/staff/consultations/{point.id}/day?date={day_of(slot)}").get_data(as_text=True)
    assert "/walk-in" not in other_day and "/close-today" not in other_day
    today = client.get(f"/staff/consultations/{point.id}/day").get_data(as_text=True)
    assert "/walk-in" in today and "/close-today" in today
    # A slot of another day, posted anyway, is not a choice for a walk-in.
    refused = client.submit(
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
    assert refused.status_code == 400
    assert db.session.scalar(select(ConsultationBooking.id)) is None


def free_by_time(page: str) -> dict[str, int]:
    """The slots table as {"HH:MM–HH:MM": free seats}."""
    table = page.split('id="slots-title"', 1)[1]
    rows = re.findall(r"<tr>\s*<td>(\d\d:\d\d–\d\d:\d\d)</td>\s*<td>[^<]*</td>\s*<td>(\d+)</td>", table)
    return {time: int(free) for time, free in rows}


def walk_in_choices(page: str) -> dict[str, int]:
    """The walk-in box's times as {"HH:MM–HH:MM": free seats}."""
    box = page.split('id="walk-in-title"', 1)[1].split("</section>", 1)[0]
    return {time: int(free) for time, free in re.findall(r">(\d\d:\d\d–\d\d:\d\d) \((\d+)\)</option>", box)}


def test_todays_table_and_the_walk_in_box_count_the_same_free_seats(client, point, desk, clock):
    local = to_local(utcnow())
    if local.hour < 2 or local.hour >= 22:  # slots before and after now on one local day
        clock(local.replace(hour=12, minute=0) - local)  # run at noon instead of skipping
    make_slot(point, -1, capacity=3)  # over: no seat left to give, though nobody booked it
    make_slot(point, 0.5, capacity=2, blocked=True)  # blocked: none either
    make_slot(point, 1, capacity=2, booked=1)  # one seat left
    client.sign_in("desk")
    page = client.get(f"/staff/consultations/{point.id}/day").get_data(as_text=True)
    table = free_by_time(page)
    assert sorted(table.values()) == [0, 0, 1]
    assert walk_in_choices(page) == {time: free for time, free in table.items() if free}


def test_a_call_back_is_marked_called_and_the_desk_sees_the_number(client, make_client, point, desk):
    reference = reference_of(book(client, point, make_slot(point, 26), channel="phone", mobile="13912345678"))
    slot = the_day_comes(reference)
    staff = make_client()
    staff.sign_in("desk")
    day = staff.get(f"/staff/consultations/{point.id}/day?date={day_of(slot)}").get_data(as_text=True)
    assert "13912345678" in day and 'href="tel:13912345678"' in day
    assert "/actions/called" in day and f"/{reference}/actions/check_in" not in day
    refused = staff.submit(
        f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/actions/check_in"
    )
    assert refused.status_code == 409 and status_of(reference) == "booked"
    called = staff.submit(
        f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/actions/called"
    )
    assert called.status_code == 303 and status_of(reference) == "checked_in"


def test_an_in_person_booking_cannot_be_marked_called(client, make_client, point, desk):
    reference = reference_of(book(client, point, make_slot(point, 26)))
    the_day_comes(reference)
    client.sign_in("desk")
    refused = client.submit(
        f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/actions/called"
    )
    assert refused.status_code == 409 and status_of(reference) == "booked"


def test_a_supervisor_reading_the_desk_sees_the_call_back_number_masked(
    client, make_client, make_staff, point
):
    make_staff("boss", "supervisor", name="钱主任")
    reference = reference_of(book(client, point, make_slot(point, 26), channel="phone", mobile="13912345678"))
    slot = the_day_comes(reference)
    staff = make_client()
    staff.sign_in("boss")
    day = staff.get(f"/staff/consultations/{point.id}/day?date={day_of(slot)}").get_data(as_text=True)
    assert reference in day and "13912345678" not in day


def test_filtering_by_township_lists_its_office_first_then_the_county_centre(client, point):
    from portal.consultations.models import ServicePoint
    from portal.core.models import Township

    here, there = db.session.scalars(select(Township).order_by(Township.code).limit(2)).all()
    for code, name, township in (("SJS-1", "星沙司法所", here), ("SJS-2", "黄兴司法所", there)):
        db.session.add(
            ServicePoint(
                code=code,
                point_type="justice_office",
                name=name,
                name_en=name,
                township_id=township.id,
                address="某路1号",
                phone="0731-2",
                hours="9-17",
                services="咨询",
                sort_order=5,
            )
        )
    db.session.commit()
    every = client.get("/consultations/").get_data(as_text=True)
    assert "星沙司法所" in every and "黄兴司法所" in every and point.name in every
    filtered = client.get(f"/consultations/?township={there.id}").get_data(as_text=True)
    assert (
        "黄兴司法所" in filtered
        and "星沙司法所" not in filtered.split('id="township"')[1].split("</select>")[1]
    )
    assert filtered.index("<h3>黄兴司法所") < filtered.index(f"<h3>{point.name}")
    assert "uri.amap.com/search?keyword=" in filtered


def test_the_booking_page_offers_only_days_with_a_free_time_grouped_by_week(client, point):
    free = make_slot(point, 50)
    full = make_slot(point, 26 + 24 * 5, capacity=1, booked=1)
    soon = make_slot(point, 1)  # within 2 hours: not bookable, so its day is not offered for it
    page = client.get(f"/consultations/book?point={point.id}").get_data(as_text=True)
    options = re.findall(r'<option value="(\d{4}-\d\d-\d\d)"', page)
    assert options == [day_of(free)]
    assert day_of(full) not in options and (day_of(soon) not in options or day_of(soon) == day_of(free))
    assert "<optgroup label=" in page
    assert f'value="{free.id}"' in page  # the first free day's times are shown at once


def test_the_confirmation_says_what_to_bring_for_the_topic_and_links_a_map(client, point):
    from portal.consultations.choices import WHAT_TO_BRING

    slot = make_slot(point, 26)
    confirmation = client.get(
        book(client, point, slot).headers["Location"] + "?lang=en", follow_redirects=True
    )
    page = confirmation.get_data(as_text=True)
    assert "uri.amap.com/search?keyword=" in page
    assert str(WHAT_TO_BRING["labour"]) in page or "劳动合同" in page


def test_the_day_view_finds_the_bookings_by_their_slots_not_by_every_request(client, point, desk):
    """The day's bookings are read by `consultation_booking.slot_id` (ix_booking_slot).
    Without that index SQLite walked every service request to find them: 84 ms a view at
    1M requests in the benchmark, growing with the years. Red without the index."""
    from statement_count import counted_statements

    from conftest import is_postgres

    if is_postgres():
        pytest.skip("the plan asked of SQLite; PostgreSQL's planner is checked by the benchmark")
    slot = make_slot(point, 26, capacity=2)
    client.sign_in("desk")
    with counted_statements(db.engine) as sent:
        page = client.get(f"/staff/consultations/{point.id}/day?date={day_of(slot)}")
    assert page.status_code == 200
    reads = [
        (sql, parameters)
        for sql, parameters in zip(sent, sent.parameters, strict=True)
        if "consultation_booking.slot_id IN" in sql
    ]
    assert len(reads) == 1, sent
    sql, parameters = reads[0]
    with db.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters).all()
    steps = [row[-1] for row in plan]
    assert any("consultation_booking USING INDEX ix_booking_slot" in step for step in steps), steps
    assert not any(step.startswith("SCAN service_request") for step in steps), steps
