"""When the desk and the person may act on a booking: the guards of its transitions.

Each returns None when the action may be taken now, else the words that say why not
(the desk page shows them in place of the button).
"""

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.consultations.models import ConsultationBooking
from portal.consultations.states import BookingState
from portal.core.clock import local_datetime, local_midnight, local_today, to_local

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


def rebook_until(booking: ConsultationBooking) -> datetime | None:
    """The end (naive UTC) of the window in which a person whose time the office closed
    chooses another: REBOOK_DAYS calendar days counted from the local day of the closure,
    that last day included (closed on 7 December: a new time up to 21 December 23:59,
    Changsha time, chosen by then). None when the office never closed this booking's time.
    The text says "within 14 days" on the day it is sent, so the days count from then, not
    from the closed appointment's date."""
    closed = office_closed_at(booking)
    if closed is None:
        return None
    return local_midnight(local_today(closed) + timedelta(days=REBOOK_DAYS + 1))


def last_day_to_rebook(booking: ConsultationBooking) -> date | None:
    """The last local day of the window (the day people read), None as rebook_until."""
    until = rebook_until(booking)
    return None if until is None else local_today(until) - timedelta(days=1)


def rebooking_window(booking: ConsultationBooking) -> datetime | None:
    """The window's end while the booking waits for its person to choose another time
    (its latest move was the office closing it), else None: a later move is not limited."""
    last = next((e for e in reversed(booking.events) if e.to_status), None)
    if last is None or last.to_status != BookingState.OFFICE_CLOSED:
        return None
    return rebook_until(booking)


def rebook_window_passed(booking: ConsultationBooking, now) -> object | None:
    """The words on the tracking page once the window has passed (None while it is open)."""
    until = rebooking_window(booking)
    if until is not None and now >= until:
        return _l(
            "The %(days)s days to choose another time ended on %(day)s.",
            days=REBOOK_DAYS,
            day=last_day_to_rebook(booking).isoformat(),
        )
    return None


def rebook_window_open(booking: ConsultationBooking, now) -> object | None:
    """Why the booking is not closed yet: its person may still choose another time."""
    until = rebooking_window(booking)
    if until is not None and now < until:
        return _l(
            "The person may choose another time until %(day)s.", day=last_day_to_rebook(booking).isoformat()
        )
    return None


def lapse_refused(booking: ConsultationBooking, now) -> object | None:
    """A booking whose time the office closed is closed for good only once its window has passed."""
    return rebook_window_open(booking, now)


def too_late_for_window(booking: ConsultationBooking, slot_starts_at) -> object | None:
    """A new time after the window is refused (the office closed the old one)."""
    until = rebooking_window(booking)
    if until is not None and slot_starts_at >= until:
        return _l(
            "Choose a time on or before %(day)s: within %(days)s days of the office closing your time.",
            day=last_day_to_rebook(booking).isoformat(),
            days=REBOOK_DAYS,
        )
    return None


def change_refused(booking: ConsultationBooking, now) -> object | None:
    """A person may move a booking up to 2 hours before it; one whose time the office
    closed may choose another time within REBOOK_DAYS of the closure."""
    if booking.status == BookingState.OFFICE_CLOSED:
        return rebook_window_passed(booking, now)
    return too_late_to_change(booking, now)


def cancel_refused(booking: ConsultationBooking, now) -> object | None:
    """Cancel as a change; once the days to choose another time have passed there is no
    time left to cancel (the booking is closed for good by the job)."""
    if booking.status == BookingState.OFFICE_CLOSED:
        if rebook_window_passed(booking, now):
            return _l("There is no time left to cancel: the booking is closed without a new time.")
        return None
    return too_late_to_change(booking, now)


def rebooking_status(booking: ConsultationBooking, now) -> tuple[date, bool] | None:
    """For the tracking page: (the last day to choose another time, whether it has passed)
    while the office-closed booking waits, or once it was closed for lapse; else None."""
    if booking.status not in (BookingState.OFFICE_CLOSED, BookingState.OFFICE_CLOSED_LAPSED):
        return None
    until = rebook_until(booking)
    if until is None:
        return None
    return last_day_to_rebook(booking), now >= until
