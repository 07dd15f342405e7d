"""Booking, walk-ins and reminders; the seat itself is taken by a conditional UPDATE."""

from datetime import timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text, update

from portal.consultations.models import ConsultationBooking, ConsultationSlot
from portal.consultations.slots import take_seat, take_walk_in_seat
from portal.core import notifications
from portal.core.clock import local_end_of_day, local_today, utcnow
from portal.core.services import perform, submit
from portal.core.workflow import STAFF
from portal.extensions import db
from portal.i18n import Bilingual
from portal.templating import local_datetime

MAX_UPCOMING_PER_MOBILE = 2
REMINDER = _l("Reminder: your consultation %(reference)s is tomorrow, %(when)s, at %(place)s.")


class BookingError(Exception):
    """A booking could not be made; `field` is the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def upcoming_bookings(mobile: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ConsultationBooking)
        .where(
            ConsultationBooking.applicant_mobile == mobile,
            ConsultationBooking.status == "booked",
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


def book(point_id: int, form, *, user=None, locale: str = "zh_Hans") -> ConsultationBooking:
    """Take a seat in the chosen slot and record the booking, or raise BookingError."""
    slot = db.session.get(ConsultationSlot, form.slot.data)
    if slot is None or slot.service_point_id != point_id:
        raise BookingError("slot", _l("Choose a time."))
    lock_mobile(form.mobile.data)
    if upcoming_bookings(form.mobile.data) >= MAX_UPCOMING_PER_MOBILE:
        raise BookingError(
            "mobile", _l("This mobile number already holds 2 upcoming bookings: cancel one, or come after them.")
        )
    if not take_seat(slot.id):
        raise BookingError("slot", _l("That time was just filled. Please choose another."))
    booking = ConsultationBooking(
        service_point_id=point_id,
        slot_id=slot.id,
        starts_at=slot.starts_at,
        channel=form.channel.data,
        topic=form.topic.data,
        description=form.description.data.strip(),
        applicant_name=form.name.data.strip(),
        applicant_mobile=form.mobile.data,
        township_id=slot.service_point.township_id,
    )
    return submit(booking, user=user, locale=locale)


def register_walk_in(point_id: int, form, staff_user) -> ConsultationBooking:
    """Someone at the desk without a booking takes a seat today and is checked in at once."""
    slot = db.session.get(ConsultationSlot, form.slot.data)
    if slot is None or slot.service_point_id != point_id or not take_walk_in_seat(slot.id):
        raise BookingError("slot", _l("That time is full. Please choose another."))
    booking = ConsultationBooking(
        service_point_id=point_id,
        slot_id=slot.id,
        starts_at=slot.starts_at,
        channel="in_person",
        topic=form.topic.data,
        description=form.description.data.strip(),
        applicant_name=form.name.data.strip(),
        applicant_mobile=form.mobile.data,
        township_id=slot.service_point.township_id,
        walk_in=True,
    )
    submit(booking, user=None)
    perform(booking, "check_in", user=staff_user, actor_kind=STAFF)
    return booking


def send_reminders(now=None) -> int:
    """Remind tomorrow's bookings once; safe to run every few minutes, in several processes."""
    now = now or utcnow()
    tomorrow = local_today(now) + timedelta(days=1)
    due = db.session.scalars(
        select(ConsultationBooking).where(
            ConsultationBooking.status == "booked",
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
            update(table).where(table.c.id == booking.id, table.c.reminder_sent_at.is_(None)).values(reminder_sent_at=now)
        )
        if marked.rowcount != 1:
            continue
        with force_locale(booking.locale):
            body = str(REMINDER) % {
                "reference": booking.reference,
                "when": local_datetime(booking.starts_at),
                "place": str(Bilingual(booking.service_point.name, booking.service_point.name_en)),
            }
        notifications.notify(booking, subject=booking.reference, body=body,
                             dedupe_key=f"reminder:{booking.id}:{booking.starts_at:%Y%m%d%H%M}")
        db.session.commit()
        sent += 1
    db.session.commit()
    return sent
