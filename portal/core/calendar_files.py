"""Calendar files (.ics, RFC 5545) for every service, written with the `icalendar` library.

One event per file. The library escapes the text and folds long lines at 75 octets;
this module adds what the portal promises about every event:

- a stable UID per appointment, and a SEQUENCE that the caller raises with every change,
  so that a calendar app replaces the event it has rather than adding a second one;
- reminders (VALARM) the day before and 2 hours before;
- after a cancellation, METHOD:CANCEL with STATUS:CANCELLED (and no reminders).

Calendar apps honour updates and cancellations unevenly: the message that tells the
person about a change must say it in words too.
"""

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from icalendar import Alarm, Calendar, Event

PRODUCT_ID = "-//Public Legal Services Portal//Appointments//ZH"
#: The domain part of every UID (RFC 5545 §3.8.4.7: globally unique).
UID_DOMAIN = "public-legal-services-portal"
#: The day before and 2 hours before.
REMINDERS: tuple[timedelta, ...] = (timedelta(days=-1), timedelta(hours=-2))


class Method(StrEnum):
    """METHOD of the file (RFC 5546): an event to add or update, or a cancellation."""

    PUBLISH = "PUBLISH"
    CANCEL = "CANCEL"


class EventStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


def event_uid(reference: str) -> str:
    """The UID of the appointment with this reference: the same for all its versions."""
    return f"{reference}@{UID_DOMAIN}"


def _utc(moment: datetime) -> datetime:
    """A stored naive-UTC datetime as an aware one (written as ...Z)."""
    if moment.tzinfo is not None:
        raise ValueError("expected a naive UTC datetime, as stored")
    return moment.replace(tzinfo=UTC)


def event_file(
    *,
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    summary: str,
    stamp: datetime,
    location: str = "",
    description: str = "",
    method: Method = Method.PUBLISH,
    status: EventStatus | None = None,
    alarms: tuple[timedelta, ...] = REMINDERS,
) -> bytes:
    """One VEVENT in a VCALENDAR, as the bytes of an .ics file (UTF-8, CRLF, folded).

    `start`, `end` and `stamp` are naive UTC datetimes, as the database stores them.
    `status` defaults to CANCELLED for a cancellation, else CONFIRMED. Each alarm is an
    offset before the start (negative timedelta); a cancellation carries none.
    """
    status = status or (EventStatus.CANCELLED if method is Method.CANCEL else EventStatus.CONFIRMED)
    if (method is Method.CANCEL) != (status is EventStatus.CANCELLED):
        raise ValueError("a cancellation is METHOD:CANCEL with STATUS:CANCELLED, and only that")
    if sequence < 0:
        raise ValueError("SEQUENCE starts at 0")
    if end <= start:
        raise ValueError("the event must end after it starts")

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(start))
    event.add("dtend", _utc(end))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("status", status.value)
    if method is Method.PUBLISH:
        for offset in alarms:
            if offset >= timedelta(0):
                raise ValueError("a reminder comes before the start (a negative offset)")
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", offset)
            event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
