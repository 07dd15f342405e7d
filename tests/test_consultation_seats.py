"""Never overbook: 200 simultaneous attempts on 10 seats give exactly 10 bookings."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from portal.consultations.models import ConsultationBooking, ConsultationSlot, ServicePoint
from portal.consultations.services import BookingError, book
from portal.core.clock import utcnow
from portal.extensions import db

ATTEMPTS = 200
SEATS = 10


def test_two_hundred_attempts_on_ten_seats_book_exactly_ten(app):
    point = ServicePoint(code="CENTRE", kind="centre", name="中心", name_en="Centre", address="a", phone="1",
                         hours="h", services="s")
    db.session.add(point)
    db.session.flush()
    start = (utcnow() + timedelta(days=1)).replace(second=0, microsecond=0)
    slot = ConsultationSlot(service_point_id=point.id, starts_at=start, ends_at=start + timedelta(minutes=30),
                            capacity=SEATS)
    db.session.add(slot)
    db.session.commit()
    point_id, slot_id = point.id, slot.id
    db.session.commit()  # SQLite: reading those ids began a transaction; release it before the threads

    def attempt(index: int) -> str:
        form = SimpleNamespace(
            slot=SimpleNamespace(data=slot_id), channel=SimpleNamespace(data="in_person"),
            topic=SimpleNamespace(data="labour"), description=SimpleNamespace(data="工资"),
            name=SimpleNamespace(data=f"申请人{index}"), mobile=SimpleNamespace(data=f"139{index:08d}"),
        )
        with app.app_context():
            try:
                book(point_id, form)
                db.session.commit()
                return "booked"
            except BookingError as error:
                db.session.rollback()
                return error.field
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(ATTEMPTS)))

    assert results.count("booked") == SEATS
    assert results.count("slot") == ATTEMPTS - SEATS  # "slot just filled", never an error
    db.session.expire_all()
    assert db.session.get(ConsultationSlot, slot_id).booked == SEATS
    assert db.session.scalar(select(func.count()).select_from(ConsultationBooking)) == SEATS
