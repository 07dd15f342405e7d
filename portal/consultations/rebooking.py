"""Bookings whose time the office closed and whose person chose no other time within the
days allowed (guards.REBOOK_DAYS): the `close-lapsed-rebookings` job closes them for good."""

from datetime import timedelta

from sqlalchemy import exists, select

from portal.consultations.guards import REBOOK_DAYS, lapse_refused
from portal.consultations.models import ConsultationBooking
from portal.consultations.states import BookingState
from portal.core.clock import local_midnight, local_today, utcnow
from portal.core.models import AuditEvent
from portal.core.services import system_perform
from portal.extensions import db

LAPSE = "office_close_lapse"


def lapsed_candidates(now) -> list[ConsultationBooking]:
    """Office-closed bookings closed before the first day whose window may have passed (a
    closure on day D lapses at the start of D + REBOOK_DAYS + 1); each is checked again."""
    closed_before = local_midnight(local_today(now) - timedelta(days=REBOOK_DAYS))
    return list(
        db.session.scalars(
            select(ConsultationBooking)
            .where(
                ConsultationBooking.status == BookingState.OFFICE_CLOSED,
                exists().where(
                    AuditEvent.request_id == ConsultationBooking.id,
                    AuditEvent.to_status == BookingState.OFFICE_CLOSED,
                    AuditEvent.created_at < closed_before,
                ),
            )
            .order_by(ConsultationBooking.id)
        )
    )


def close_lapsed() -> int:
    """Close each office-closed booking whose window has passed without a new time: an
    audit event with the reason in the person's timeline, no text. Commits each one."""
    closed = 0
    for booking in lapsed_candidates(utcnow()):
        if lapse_refused(booking, utcnow()):
            continue  # closed again since: its new window is still open
        system_perform(booking, LAPSE)
        db.session.commit()
        closed += 1
    return closed
