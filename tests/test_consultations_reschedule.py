"""Rescheduling as date then time, to the same or another service point, keeping the reference."""

import re

import pytest
from test_consultations import book, day_of, make_point, make_slot, reload

from portal.extensions import db


@pytest.fixture
def point(app):
    return make_point()


def offered(page: str) -> list[str]:
    """The values of the 'New time' select."""
    select = page.split('name="reschedule-slot"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\d+)"', select)


def test_the_form_offers_one_day_of_one_point_chosen_first(client, point):
    own, same_day_later, other_day = make_slot(point, 26), make_slot(point, 27), make_slot(point, 74)
    reference = book(client, point, own).headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/track/{reference}").get_data(as_text=True)
    assert offered(page) == [str(same_day_later.id)]  # the booking's own day, its own time left out
    assert f'<option value="{day_of(other_day)}"' in page  # another day is chosen first, by GET
    chosen = client.get(f"/track/{reference}?point={point.id}&date={day_of(other_day)}").get_data(
        as_text=True
    )
    assert offered(chosen) == [str(other_day.id)]


def test_a_booking_moves_to_another_office_and_keeps_its_reference(client, point):
    other = make_point("SJS-102", "黄兴司法所")
    own, there = make_slot(point, 26), make_slot(other, 50, capacity=2)
    reference = book(client, point, own).headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/track/{reference}?point={other.id}&date={day_of(there)}").get_data(as_text=True)
    assert offered(page) == [str(there.id)]
    moved = client.submit(
        f"/track/{reference}?point={other.id}&date={day_of(there)}",
        {"reschedule-slot": str(there.id)},
        action=f"/track/{reference}/actions/reschedule",
    )
    assert moved.status_code == 303
    booking = reload(reference)
    assert (booking.reference, booking.service_point_id, booking.slot_id) == (reference, other.id, there.id)
    db.session.refresh(own)
    db.session.refresh(there)
    assert (own.booked, there.booked) == (0, 1)
    assert "黄兴司法所" in client.get(f"/track/{reference}").get_data(as_text=True)


def test_a_full_time_at_another_office_is_refused_with_a_message(client, point):
    other = make_point("SJS-103", "榔梨司法所")
    own, full = make_slot(point, 26), make_slot(other, 50, capacity=1)
    reference = book(client, point, own).headers["Location"].rsplit("/", 1)[1]
    page = f"/track/{reference}?point={other.id}&date={day_of(full)}"
    client.get(page)
    full.booked = 1
    db.session.commit()
    refused = client.submit(
        page, {"reschedule-slot": str(full.id)}, action=f"/track/{reference}/actions/reschedule"
    )
    assert refused.status_code == 303  # the tracking page's way: back to it, with the message
    assert "该时间刚刚约满" in client.get(refused.headers["Location"]).get_data(as_text=True)
    booking = reload(reference)
    assert (booking.service_point_id, booking.slot_id) == (point.id, own.id)
    db.session.refresh(own)
    assert own.booked == 1
