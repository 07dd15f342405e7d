"""Delivering the outbox: at least once, never twice in normal operation, in order.

- Each row is leased by a conditional UPDATE before it is sent, so that of several senders
  running at once (cron overlapping itself, two hosts) exactly one sends it. A sender
  that dies mid-way leaves the lease to expire; the row is then sent again (at least
  once), with the same out-id, so that a gateway that deduplicates by it drops the copy.
- A failure is retried with exponential back-off up to NOTIFICATION_MAX_ATTEMPTS; a
  refusal the provider says is final (a wrong number, an unknown template) fails at once.
- A later message to the same person about the same request waits while an earlier one is
  pending or retrying: "your appointment is moved" must not arrive before "booked".
  Messages to different people of one request do not wait for each other (the other
  party's unreachable phone must not hold back the applicant's messages).
"""

import logging
from datetime import timedelta
from importlib import import_module
from typing import Protocol

from flask import current_app
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import aliased

from portal.core.clock import utcnow
from portal.core.models import OutboxMessage
from portal.extensions import db

log = logging.getLogger("portal.notifications")
#: A message claimed by a sender that died is picked up again after this long.
SENDING_LEASE = timedelta(minutes=15)
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
DELIVERED, UNDELIVERED = "delivered", "undelivered"
#: The setting that names each channel's backend.
BACKEND_SETTINGS = {"sms": "NOTIFICATION_BACKEND", "email": "EMAIL_BACKEND"}


class PermanentFailure(Exception):
    """The provider refused the message for good: retrying cannot help (no retry)."""


class MessageBackend(Protocol):
    """What NOTIFICATION_BACKEND (SMS) and EMAIL_BACKEND name: a class made without arguments
    (it reads current_app.config) whose `send` delivers one outbox row and returns the
    provider's id for it (or None). Raising PermanentFailure fails the message at once; any
    other exception is retried. An optional `close()` runs at the end of each sender run."""

    def send(self, message: OutboxMessage) -> str | None: ...


def load_backend(setting: str) -> MessageBackend:
    """Instantiate the backend a setting names ("module:Class")."""
    module_name, _, class_name = current_app.config[setting].partition(":")
    return getattr(import_module(module_name), class_name)()


class Backends:
    """Each channel's backend, made once per run and only when a message needs it."""

    def __init__(self) -> None:
        self._made: dict[str, MessageBackend] = {}

    def for_channel(self, channel: str) -> MessageBackend:
        if channel not in self._made:
            self._made[channel] = load_backend(BACKEND_SETTINGS[channel])
        return self._made[channel]

    def close(self) -> None:
        """Let go of what the backends hold open (an SMTP connection)."""
        for backend in self._made.values():
            if hasattr(backend, "close"):
                backend.close()


def _waits_for_earlier():
    """True for a row with an earlier undelivered row to the same person about the same request."""
    earlier = aliased(OutboxMessage)
    return (
        exists()
        .where(
            earlier.request_id == OutboxMessage.request_id,
            earlier.recipient == OutboxMessage.recipient,
            earlier.id < OutboxMessage.id,
            earlier.status.in_((PENDING, SENDING)),
        )
        .correlate(OutboxMessage)
    )


def _due(limit: int):
    return db.session.execute(
        select(OutboxMessage.id, OutboxMessage.next_attempt_at)
        .where(
            OutboxMessage.status.in_((PENDING, SENDING)),
            OutboxMessage.next_attempt_at <= utcnow(),
            ~_waits_for_earlier(),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()


def deliver_pending(limit: int = 500) -> dict[str, int]:
    """Send what is due in the outbox; safe to run in several processes at once."""
    backends = Backends()
    try:
        return _deliver(backends, limit)
    finally:
        backends.close()


def _deliver(backends: Backends, limit: int) -> dict[str, int]:
    counts = {"sent": 0, "retry": 0, "failed": 0}
    handled = 0
    while handled < limit:
        due = _due(limit - handled)
        db.session.commit()
        progressed = False
        for message_id, seen_due in due:
            handled += 1
            if not _lease(message_id, seen_due):
                continue  # another sender took it
            outcome = _attempt(db.session.get(OutboxMessage, message_id), backends)
            counts[outcome] += 1
            progressed = progressed or outcome != "retry"
        # A message done with (sent, or failed for good) may have released the next one of its request: look again.
        if not (due and progressed):
            break
    return counts


def _lease(message_id: int, seen_due) -> bool:
    """Claim one message for sending; False when another process claimed it first."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.next_attempt_at == seen_due)
        .where(or_(OutboxMessage.status == PENDING, OutboxMessage.status == SENDING))
        .where(~_waits_for_earlier())
        .values(
            status=SENDING,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=utcnow() + SENDING_LEASE,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling, capped."""
    config = current_app.config
    return min(
        config["NOTIFICATION_RETRY_BASE"] * 2 ** max(attempts - 1, 0), config["NOTIFICATION_RETRY_MAX"]
    )


def _attempt(message: OutboxMessage, backends: Backends) -> str:
    """Hand one leased message to its backend and record what happened; commits."""
    try:
        provider_id = backends.for_channel(message.channel).send(message)
    except Exception as exc:  # noqa: BLE001 — any backend failure is recorded, never raised
        final = (
            isinstance(exc, PermanentFailure)
            or message.attempts >= current_app.config["NOTIFICATION_MAX_ATTEMPTS"]
        )
        log.warning(
            "delivery of outbox message %s (attempt %s) failed%s: %s",
            message.id,
            message.attempts,
            " for good" if final else "",
            exc,
        )
        message.last_error = str(exc)[:2000] or type(exc).__name__
        if final:
            message.status = FAILED
        else:
            message.status = PENDING
            message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        outcome = "failed" if final else "retry"
    else:
        message.status = SENT
        message.sent_at = utcnow()
        message.last_error = None
        message.provider_id = str(provider_id)[:200] if provider_id else None
        outcome = "sent"
    db.session.commit()
    return outcome


def record_receipt(out_id: str, recipient: str, delivered: bool, error: str | None = None) -> bool:
    """Apply one delivery receipt of the gateway to its message; False when none matches.

    Receipts may come twice or late: applying one again changes nothing."""
    if not out_id.isdigit() or len(out_id) > 18:
        return False
    digits = "".join(c for c in recipient if c.isdigit())
    if len(digits) == 13 and digits.startswith("86"):  # +86 13800000000
        digits = digits[2:]
    message = db.session.get(OutboxMessage, int(out_id))
    if message is None or message.channel != "sms" or message.recipient != digits:
        return False
    if delivered:
        message.delivery = DELIVERED
        message.delivered_at = message.delivered_at or utcnow()
    else:
        message.delivery = UNDELIVERED
        message.last_error = f"delivery receipt: {error or 'undelivered'}"[:2000]
    return True


def resend(message: OutboxMessage) -> bool:
    """Queue a failed (or undelivered) message again, from a first attempt; False if it has not failed."""
    if not message.has_failed:
        return False
    message.status = PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.delivery = None
    message.delivered_at = None
    message.last_error = None
    return True
