"""What the tracking page shows of a request's history and messages, read as plain rows.

The page only displays them: loading AuditEvent objects (each with its actor's whole account
joined) and InboxMessage objects for that cost the tracking view a third of a millisecond
of its 4 ms budget (issue #40). The rows carry the names the timeline macro and the page
read (`event.request`, `event.actor.display_name`, `message.body`...), and only what the
viewer's side is shown: an event addressed to staff, another party's messages, never leave
the database.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, inspect, select

from portal.core.models import AuditEvent, InboxMessage, ServiceRequest
from portal.core.workflow import BOTH
from portal.extensions import db


@dataclass(frozen=True, slots=True)
class Actor:
    display_name: str


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """An event as a timeline shows it (the names of AuditEvent that templates read)."""

    request: ServiceRequest
    action: str
    actor_type: str
    audience: str
    to_status: str | None
    comment: str | None
    created_at: datetime
    actor: Actor | None


@dataclass(frozen=True, slots=True)
class ShownMessage:
    body: str
    created_at: datetime


@functools.cache
def _events_statement(every_audience: bool):
    """Built once (building it cost about as much as running it). The accounts' model is
    named through the event's relationship: the core imports no accounts module."""
    account = inspect(AuditEvent).relationships["actor"].mapper.class_
    statement = (
        select(
            AuditEvent.action,
            AuditEvent.actor_type,
            AuditEvent.audience,
            AuditEvent.to_status,
            AuditEvent.comment,
            AuditEvent.created_at,
            account.display_name,
        )
        .outerjoin(account, account.id == AuditEvent.actor_id)
        .where(AuditEvent.request_id == bindparam("request_id"))
        .order_by(AuditEvent.id)
    )
    if every_audience:
        return statement
    return statement.where(AuditEvent.audience.in_(bindparam("audiences", expanding=True)))


def timeline_events(found: ServiceRequest, viewer: str | None) -> list[TimelineEvent]:
    """The events addressed to `viewer`'s side (or both sides), oldest first; every event,
    whomever it is addressed to, when `viewer` is None (the staff's audit trail)."""
    if viewer is None:
        rows = db.session.execute(_events_statement(True), {"request_id": found.id})
    else:
        rows = db.session.execute(
            _events_statement(False), {"request_id": found.id, "audiences": [viewer, BOTH]}
        )
    return [
        TimelineEvent(
            found,
            row.action,
            row.actor_type,
            row.audience,
            row.to_status,
            row.comment,
            row.created_at,
            None if row.display_name is None else Actor(row.display_name),
        )
        for row in rows
    ]


_MESSAGES = select(InboxMessage.body, InboxMessage.created_at).order_by(InboxMessage.id)
_TO_APPLICANT = _MESSAGES.where(
    InboxMessage.request_id == bindparam("request_id"), InboxMessage.party_id.is_(None)
)
_TO_PARTY = _MESSAGES.where(
    InboxMessage.request_id == bindparam("request_id"), InboxMessage.party_id == bindparam("party_id")
)


def messages_to(found: ServiceRequest, party_id: int | None) -> list[ShownMessage]:
    """The messages to the applicant (party_id None) or to that other party, oldest first."""
    if party_id is None:
        rows = db.session.execute(_TO_APPLICANT, {"request_id": found.id})
    else:
        rows = db.session.execute(_TO_PARTY, {"request_id": found.id, "party_id": party_id})
    return [ShownMessage(row.body, row.created_at) for row in rows]
