"""The calendar file (.ics) of a booking: the shared writer, fed with the booking's values."""

from datetime import datetime

from flask_babel import gettext

from portal.consultations.models import ConsultationBooking
from portal.consultations.states import BookingState
from portal.core.calendar_files import Method, event_file, event_uid


def booking_ics(booking: ConsultationBooking, title: str, stamp: datetime) -> bytes:
    """The booking as one event, with reminders; a cancelled booking as its cancellation.

    The UID is the same for every version of the booking; `ics_sequence` rises with each
    reschedule and with the cancellation, so a calendar app replaces what it has.
    """
    point = booking.service_point
    cancelled = booking.status == BookingState.CANCELLED
    summary = f"{title} {booking.reference}"
    if cancelled:
        summary = gettext("Cancelled: %(title)s", title=summary)
        description = gettext("This consultation is cancelled. Please remove it from your calendar.")
    else:
        description = gettext("Service point phone: %(phone)s", phone=point.phone)
    return event_file(
        uid=event_uid(booking.reference),
        sequence=booking.ics_sequence,
        start=booking.starts_at,
        end=booking.slot.ends_at,
        summary=summary,
        location=f"{point.name} {point.address}",
        description=description,
        method=Method.CANCEL if cancelled else Method.PUBLISH,
        stamp=stamp,
    )
