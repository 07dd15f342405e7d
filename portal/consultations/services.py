"""Booking, walk-ins and reminders; the seat itself is taken by a conditional UPDATE."""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text, update

from portal.consultations.models import ConsultationBooking, ConsultationSlot
from portal.consultations.slots import take_seat, take_walk_in_seat
from portal.consultations.states import BookingState
from portal.core import notifications
from portal.core.clock import local_datetime, local_end_of_day, local_today, utcnow
from portal.core.intake import IntakeError
from portal.core.services import perform, submit
from portal.core.workflow import STAFF
from portal.extensions import db
from portal.i18n import Bilingual

MAX_UPCOMING_PER_MOBILE = 2
#: The SMS template key of the day-before reminder (declared by the capability).
REMINDER_KEY = "consultation.reminder"
REMINDER = _l("Reminder: your consultation %(reference)s is tomorrow, %(when)s, at %(place)s.")


@dataclass(frozen=True)
class BookingDetails:
    """What a person gives to book a seat (typed values, whatever form or script asks them)."""

    slot_id: int
    name: str
    mobile: str  # normalised, 11 digits
    topic: str
    description: str
    channel: str = "in_person"


class BookingError(IntakeError):
    """A booking could not be made; `field` is the form field the message belongs next to.

    A seat taken meanwhile is a conflict (409); anything else is the person's input (400).
    """

    def __init__(self, field: str, message):
        super().__init__(field, message, status=409 if field == "slot" else 400)


def upcoming_bookings(mobile: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ConsultationBooking)
        .where(
            ConsultationBooking.applicant_mobile == mobile,
            ConsultationBooking.status == BookingState.BOOKED,
            ConsultationBooking.starts_at > utcnow(),
        )
    )


def lock_mobile(mobile: str) -> None:
    """Serialise bookings by one mobile until commit, so the 2-booking limit holds.

    SQLite already runs writing requests one at a time (BEGIN IMMEDIATE); PostgreSQL
    takes a transaction-scoped advisory lock on the number.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"booking:{mobile}"})


def book(
    point_id: int, details: BookingDetails, *, user=None, locale: str = "zh_Hans"
) -> ConsultationBooking:
    """Take a seat in the chosen slot and record the booking, or raise BookingError."""
    slot = db.session.get(ConsultationSlot, details.slot_id)
    if slot is None or slot.service_point_id != point_id:
        raise BookingError("slot", _l("Choose a time."))
    lock_mobile(details.mobile)
    if upcoming_bookings(details.mobile) >= MAX_UPCOMING_PER_MOBILE:
        raise BookingError(
            "mobile",
            _l("This mobile number already holds 2 upcoming bookings: cancel one, or come after them."),
        )
    if not take_seat(slot.id):
        raise BookingError("slot", _l("That time was just filled. Please choose another."))
    return submit(_new_booking(slot, details), user=user, locale=locale)


def _new_booking(slot: ConsultationSlot, details: BookingDetails, **extra) -> ConsultationBooking:
    return ConsultationBooking(
        service_point_id=slot.service_point_id,
        slot_id=slot.id,
        starts_at=slot.starts_at,
        channel=details.channel,
        topic=details.topic,
        description=details.description,
        applicant_name=details.name,
        applicant_mobile=details.mobile,
        township_id=slot.service_point.township_id,
        **extra,
    )


def register_walk_in(point_id: int, details: BookingDetails, staff_user) -> ConsultationBooking:
    """Someone at the desk without a booking takes a seat today and is checked in at once.

    The check-in is the engine's transition: a user it would refuse gets NotPermitted
    before any seat is taken (the policy's can_serve_at asks the same).
    """
    slot = db.session.get(ConsultationSlot, details.slot_id)
    if slot is None or slot.service_point_id != point_id or not take_walk_in_seat(slot.id):
        raise BookingError("slot", _l("That time is full. Please choose another."))
    booking = _new_booking(slot, details, walk_in=True)
    submit(booking, user=None)
    perform(booking, "check_in", user=staff_user, actor_type=STAFF)
    return booking


def send_reminders(now=None) -> int:
    """Remind tomorrow's bookings once; safe to run every few minutes, in several processes."""
    now = now or utcnow()
    tomorrow = local_today(now) + timedelta(days=1)
    due = db.session.scalars(
        select(ConsultationBooking).where(
            ConsultationBooking.status == BookingState.BOOKED,
            ConsultationBooking.reminder_sent_at.is_(None),
            ConsultationBooking.starts_at > local_end_of_day(tomorrow - timedelta(days=1)),
            ConsultationBooking.starts_at <= local_end_of_day(tomorrow),
        )
    ).all()
    sent = 0
    for booking in due:
        # Only the process whose UPDATE marks the booking sends; the dedupe key backs it up.
        table = ConsultationBooking.__table__
        marked = db.session.execute(
            update(table)
            .where(table.c.id == booking.id, table.c.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
        )
        if marked.rowcount != 1:
            continue
        with force_locale(booking.locale):
            params = {
                "reference": booking.reference,
                "when": local_datetime(booking.starts_at),
                "place": str(Bilingual(booking.service_point.name, booking.service_point.name_en)),
            }
            body = str(REMINDER) % params
        notifications.notify(
            booking,
            subject=booking.reference,
            body=body,
            template=REMINDER_KEY,
            params=params,
            locale=booking.locale,
            dedupe_key=f"reminder:{booking.id}:{booking.starts_at:%Y%m%d%H%M}",
        )
        db.session.commit()
        sent += 1
    db.session.commit()
    return sent
