"""Never overbook: 200 simultaneous attempts on 10 seats give exactly 10 bookings."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from portal.consultations.models import ConsultationBooking, ConsultationSlot, ServicePoint
from portal.consultations.services import BookingDetails, BookingError, book, register_walk_in
from portal.core.clock import utcnow
from portal.extensions import db

from support import open_for_booking

ATTEMPTS = 200
SEATS = 10


def make_slot(seats: int, start=None):
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
    db.session.add(point)
    db.session.flush()
    start = start or open_for_booking((utcnow() + timedelta(days=1)).replace(second=0, microsecond=0))
    slot = ConsultationSlot(
        service_point_id=point.id, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=seats
    )
    db.session.add(slot)
    db.session.commit()
    ids = point.id, slot.id
    db.session.commit()  # SQLite: reading the ids began a transaction; release it before the threads
    return ids


def booking_form(slot_id: int, index: int, mobile: str | None = None) -> BookingDetails:
    return BookingDetails(
        slot_id=slot_id,
        name=f"申请人{index}",
        mobile=mobile or f"139{index:08d}",
        topic="labour",
        description="工资",
    )


def run_attempts(app, point_id: int, forms, service=book) -> list[str]:
    def attempt(form) -> str:
        with app.app_context():
            try:
                service(point_id, form)
                db.session.commit()
                return "booked"
            except BookingError as error:
                db.session.rollback()
                return error.field
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(attempt, forms))


def test_one_mobile_never_holds_more_than_two_bookings_even_at_once(app):
    point_id, slot_id = make_slot(seats=20)
    results = run_attempts(app, point_id, [booking_form(slot_id, i, mobile="13900000011") for i in range(12)])
    assert results.count("booked") == 2
    assert results.count("mobile") == 10


def test_two_hundred_attempts_on_ten_seats_book_exactly_ten(app):
    point_id, slot_id = make_slot(seats=SEATS)
    results = run_attempts(app, point_id, [booking_form(slot_id, i) for i in range(ATTEMPTS)])
    assert results.count("booked") == SEATS
    assert results.count("slot") == ATTEMPTS - SEATS  # "slot just filled", never an error
    db.session.expire_all()
    assert db.session.get(ConsultationSlot, slot_id).booked == SEATS
    assert db.session.scalar(select(func.count()).select_from(ConsultationBooking)) == SEATS


def test_two_hundred_walk_ins_on_ten_seats_seat_exactly_ten(app, make_staff):
    """The desk's walk-in path takes its seat the same way: never more people than seats."""
    desk = make_staff("desk", "consultation_desk")
    point_id, slot_id = make_slot(
        seats=SEATS, start=(utcnow() + timedelta(minutes=10)).replace(microsecond=0)
    )
    from portal.consultations.models import StaffServicePoint

    db.session.add(StaffServicePoint(user_id=desk.id, service_point_id=point_id))
    db.session.commit()
    desk_id = desk.id
    db.session.commit()

    def walk_in(point, details):
        from portal.accounts.models import User

        return register_walk_in(point, details, db.session.get(User, desk_id))

    results = run_attempts(
        app, point_id, [booking_form(slot_id, i) for i in range(ATTEMPTS)], service=walk_in
    )
    assert results.count("booked") == SEATS
    assert results.count("slot") == ATTEMPTS - SEATS
    db.session.expire_all()
    assert db.session.get(ConsultationSlot, slot_id).booked == SEATS
    assert db.session.scalar(select(func.count()).select_from(ConsultationBooking)) == SEATS
