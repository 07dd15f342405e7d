"""An iCalendar (.ics) file for a booking (RFC 5545)."""

from datetime import datetime


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def booking_ics(booking, title: str, stamp: datetime) -> str:
    """One VEVENT in UTC; CRLF line ends as the standard asks."""
    fmt = "%Y%m%dT%H%M%SZ"
    point = booking.service_point
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Public Legal Services Portal//Consultation booking//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{booking.reference}@public-legal-services-portal",
        f"DTSTAMP:{stamp.strftime(fmt)}",
        f"DTSTART:{booking.starts_at.strftime(fmt)}",
        f"DTEND:{booking.slot.ends_at.strftime(fmt)}",
        f"SUMMARY:{_escape(title)} {booking.reference}",
        f"LOCATION:{_escape(point.name + ' ' + point.address)}",
        f"DESCRIPTION:{_escape(point.phone)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
