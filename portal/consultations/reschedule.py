"""Rescheduling as a person does it: first the service point and the day, then the time.

The tracking page's reschedule form offers only the free times of one point on one day;
the point and day come from the small GET form above it (no JavaScript needed), or from
the posted slot when the form comes back with an error.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import request as http
from sqlalchemy import select

from portal.consultations.free_days import by_week, free_days
from portal.consultations.guards import last_day_to_rebook, rebooking_window
from portal.consultations.models import ConsultationBooking, ConsultationSlot, ServicePoint
from portal.consultations.slots import free_slots
from portal.core.clock import to_local
from portal.extensions import db


@dataclass
class RescheduleChoice:
    points: list[ServicePoint]
    point: ServicePoint
    day: date | None
    weeks: list = field(default_factory=list)
    slots: list[ConsultationSlot] = field(default_factory=list)
    #: The office closed the booking's time: only a time starting before this (naive UTC)
    #: is offered and accepted, and `last_day` is the last day people read (else None).
    until: datetime | None = None
    last_day: date | None = None


def _posted_slot(booking: ConsultationBooking) -> ConsultationSlot | None:
    raw = http.form.get("reschedule-slot", "") if http.method == "POST" else ""
    return db.session.get(ConsultationSlot, int(raw)) if raw.isdigit() else None


def choice_for(booking: ConsultationBooking) -> RescheduleChoice:
    """The points, the chosen point's free days (by week) and the chosen day's free times."""
    points = list(
        db.session.scalars(
            select(ServicePoint).where(ServicePoint.is_active.is_(True)).order_by(ServicePoint.sort_order)
        )
    )
    posted = _posted_slot(booking)
    wanted_point = str(posted.service_point_id) if posted else http.args.get("point", "")
    point = next((p for p in points if str(p.id) == wanted_point), None) or booking.service_point
    until = rebooking_window(booking)
    days = free_days([point.id], until)
    wanted_day = to_local(posted.starts_at).date().isoformat() if posted else http.args.get("date", "")
    own_day = to_local(booking.starts_at).date()
    day = next((d for d in days if d.isoformat() == wanted_day), None)
    if day is None:  # by default the booking's own day if it has another free time, else the first free day
        day = (
            own_day
            if own_day in days and point.id == booking.service_point_id
            else (days[0] if days else None)
        )
    slots = [s for s in free_slots(point.id, day, until) if s.id != booking.slot_id] if day else []
    if posted is not None and posted.id != booking.slot_id and posted.id not in {s.id for s in slots}:
        # A time just filled is answered "just filled", one after the window "too late"
        # (RescheduleForm.validate_slot), not "not a valid choice".
        slots.append(posted)
    return RescheduleChoice(
        points=points,
        point=point,
        day=day,
        weeks=by_week(days),
        slots=slots,
        until=until,
        last_day=last_day_to_rebook(booking) if until else None,
    )
