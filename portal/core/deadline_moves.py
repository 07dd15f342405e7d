"""Stored deadlines follow the holiday calendar (SPEC §3).

A deadline is stored when it is set, counted on the calendar of that moment. When a
year's arrangement is imported or a day is entered, corrected or removed, every open
deadline whose period runs through that year is counted again from the period it keeps
(`ServiceRequest.due_from`, `due_days`, `due_count`); each one that moves gets an audit
event. A period that ended before the year, or starts after it, never looked at it.
"""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from portal.core.clock import local_midnight, to_local
from portal.core.deadlines import Period
from portal.core.models import AuditEvent, ServiceRequest
from portal.core.workflow import STAFF
from portal.extensions import db

ACTION = "deadline_moved"


def follow_calendar(years: Iterable[int]) -> int:
    """Count again the open deadlines whose periods touch `years`; return how many moved.

    No commit: the caller commits with the calendar change, so both stand or neither.
    """
    years = sorted(set(years))
    if not years:
        return 0
    db.session.flush()  # the calendar change itself must be visible to the counting
    start = local_midnight(date(years[0], 1, 1))
    end = local_midnight(date(years[-1] + 1, 1, 1))
    query = (
        select(ServiceRequest)
        .where(
            ServiceRequest.is_open.is_(True),
            ServiceRequest.due_from.is_not(None),
            ServiceRequest.due_from < end,
            ServiceRequest.due_at >= start,
        )
        .order_by(ServiceRequest.id)
    )
    moved = 0
    for request in db.session.scalars(query):
        old = request.due_at
        new = request.set_deadline(Period(request.due_from, request.due_days, request.due_count))
        if new == old:
            continue
        request.deadline_moved(old, new)
        db.session.add(
            AuditEvent(
                request_id=request.id,
                actor_type="system",
                action=ACTION,
                from_status=request.status,
                to_status=request.status,
                comment=f"{to_local(old).date().isoformat()} → {to_local(new).date().isoformat()}",
                audience=STAFF,
            )
        )
        moved += 1
    db.session.flush()
    return moved
