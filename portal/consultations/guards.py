"""When the desk and the person may act on a booking: the guards of its transitions.

Each returns None when the action may be taken now, else the words that say why not
(the desk page shows them in place of the button).
"""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.consultations.models import ConsultationBooking
from portal.consultations.states import BookingState
from portal.core.clock import local_datetime, local_today, to_local

CHANGE_DEADLINE = timedelta(hours=2)
#: Days a person whose time the office closed has to choose another (same reference).
REBOOK_DAYS = 14


def too_late_to_change(booking: ConsultationBooking, now) -> object | None:
    """Cancel or reschedule up to 2 hours before the appointment."""
    if booking.starts_at - now < CHANGE_DEADLINE:
        return _l(
            "Bookings can be changed only up to 2 hours before the appointment. Please call the service point."
        )
    return None


def not_on_the_day(booking: ConsultationBooking, now) -> object | None:
    """The desk serves (or marks missed) a booking on its own day only, never ahead of it."""
    if to_local(booking.starts_at).date() != local_today(now):
        return _l(
            "This booking is for %(day)s: it can be checked in or marked only on that day.",
            day=to_local(booking.starts_at).date().isoformat(),
        )
    return None


def no_show_from(booking: ConsultationBooking):
    """The moment from which a person who has not come may be recorded as missed."""
    return booking.starts_at + timedelta(minutes=current_app.config["NO_SHOW_GRACE_MINUTES"])


def too_early_for_no_show(booking: ConsultationBooking, now) -> object | None:
    """Nobody is marked missed before their appointment's start and a grace time."""
    if now < no_show_from(booking):
        return _l(
            "A missed appointment can be recorded from %(time)s (%(minutes)s minutes after it starts).",
            time=local_datetime(no_show_from(booking), "HH:mm"),
            minutes=current_app.config["NO_SHOW_GRACE_MINUTES"],
        )
    return None


def no_show_refused(booking: ConsultationBooking, now) -> object | None:
    return not_on_the_day(booking, now) or too_early_for_no_show(booking, now)


def check_in_refused(booking: ConsultationBooking, now) -> object | None:
    if booking.channel == "phone":
        return _l("This is a phone call-back: record it as called instead of checking it in.")
    return not_on_the_day(booking, now)


def call_back_refused(booking: ConsultationBooking, now) -> object | None:
    if booking.channel != "phone":
        return _l("Only a phone call-back booking can be recorded as called.")
    return not_on_the_day(booking, now)


def undo_refused(booking: ConsultationBooking, now) -> object | None:
    """A check-in or a no-show is undone on the day it was recorded, not later."""
    marked = next((e.created_at for e in reversed(booking.events) if e.to_status == booking.status), None)
    if marked is None or local_today(marked) != local_today(now):
        return _l("It can be undone only on the day it was recorded.")
    return None


def office_closed_at(booking: ConsultationBooking):
    """When the office closed this booking's time (None if it did not)."""
    return next(
        (e.created_at for e in reversed(booking.events) if e.to_status == BookingState.OFFICE_CLOSED), None
    )


def change_refused(booking: ConsultationBooking, now) -> object | None:
    """A person may move or cancel a booking up to 2 hours before it; one whose time the
    office closed may choose another time (or cancel) within REBOOK_DAYS of the closure."""
    if booking.status == BookingState.OFFICE_CLOSED:
        closed = office_closed_at(booking)
        if closed is not None and now - closed > timedelta(days=REBOOK_DAYS):
            return _l(
                "The %(days)s days to choose another time have passed. Please book again.", days=REBOOK_DAYS
            )
        return None
    return too_late_to_change(booking, now)
