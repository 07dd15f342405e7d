"""The states of a consultation booking: one name each, used by the workflow, queries, templates and CLI."""

from enum import StrEnum


class BookingState(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    #: The office closed the day or the slot: the person chooses another time (same reference).
    OFFICE_CLOSED = "office_closed"
    #: Closed by the office and no other time chosen within the days allowed: closed for good.
    OFFICE_CLOSED_LAPSED = "office_closed_lapsed"
