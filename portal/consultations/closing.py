"""Closing a day or a slot of a service point: the bookings in it move to "closed by the
office" (never cancelled), and each person is told to choose another time."""

from sqlalchemy import select, update

from portal.consultations.models import ConsultationBooking, ConsultationSlot, ServicePoint
from portal.consultations.states import BookingState
from portal.core.services import perform
from portal.core.workflow import SYSTEM
from portal.extensions import db


def affected_bookings(slots) -> list[ConsultationBooking]:
    """The bookings a closure of these slots moves: those still booked (whoever is checked
    in, served or already gone is left alone)."""
    if not slots:
        return []
    return list(
        db.session.scalars(
            select(ConsultationBooking)
            .where(
                ConsultationBooking.slot_id.in_([s.id for s in slots]),
                ConsultationBooking.status == BookingState.BOOKED,
            )
            .order_by(ConsultationBooking.starts_at, ConsultationBooking.id)
        )
    )


def set_blocked(point: ServicePoint, slot_ids, blocked: bool) -> int:
    """Block slots (no new bookings) or reopen them."""
    result = db.session.execute(
        update(ConsultationSlot)
        .where(ConsultationSlot.service_point_id == point.id, ConsultationSlot.id.in_(slot_ids))
        .values(blocked=blocked)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def close_slots(point: ServicePoint, slots, user, reason: str | None = None) -> list[ConsultationBooking]:
    """Block the slots and move their bookings to "closed by the office", each person
    texted (unless they asked for no texts) with a link to choose another time."""
    set_blocked(point, [s.id for s in slots], True)
    moved = affected_bookings(slots)
    for booking in moved:
        perform(booking, "office_close", user=user, actor_type=SYSTEM, comment=reason)
    return moved
