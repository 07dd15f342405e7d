"""Inbox and outbox: every public event reaches the applicant (SPEC §2, notifications).

Writing a message never blocks the request: it only adds rows. A separate command
(`flask --app portal send-notifications`) delivers the outbox through a pluggable
sender, retrying failures with back-off.
"""

import logging
from datetime import timedelta
from importlib import import_module

from flask import current_app, has_request_context, url_for
from sqlalchemy import or_, select, update

from portal.core.clock import utcnow
from portal.core.identity import mask_mobile
from portal.core.models import InboxMessage, OutboxMessage, RequestParty, ServiceRequest
from portal.extensions import db

log = logging.getLogger("portal.notifications")
#: A message claimed by a sender that died is picked up again after this long.
SENDING_LEASE = timedelta(minutes=15)


def public_url(endpoint: str, **values) -> str:
    """An address for a message (SMS, email, inbox): the configured PUBLIC_BASE_URL plus
    the page's path, never the Host header of whoever triggered the message (SPEC §11).
    Without the setting, the path alone (a deployment must set it; see the README)."""
    if has_request_context():
        path = url_for(endpoint, _external=False, **values)
    else:  # a command or job: build the path without any request
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return base + path if base else path


class LogSender:
    """The default backend: writes each message to the log instead of sending it."""

    def send(self, message: OutboxMessage) -> None:
        # The log is no place for full phone numbers: mask the recipient.
        log.info("notification to %s via %s: %s", mask_mobile(message.recipient), message.channel, message.body)


def notify(request: ServiceRequest, *, subject: str, body: str, dedupe_key: str | None = None) -> None:
    """Write a message to the applicant's inbox and queue an SMS to their mobile."""
    db.session.add(
        InboxMessage(
            request_id=request.id,
            user_id=request.applicant_user_id,
            subject=subject,
            body=body,
            created_at=utcnow(),
        )
    )
    queue_sms(request, body, dedupe_key=dedupe_key)


def notify_party(party: RequestParty, *, subject: str, body: str) -> None:
    """Write a message to another party: their inbox on the request, and an SMS when a mobile is known."""
    db.session.add(
        InboxMessage(
            request_id=party.request_id, party_id=party.id, user_id=party.user_id,
            subject=subject, body=body, created_at=utcnow(),
        )
    )
    if party.mobile:
        queue_message(party.mobile, body, request_id=party.request_id)
    party.notified_at = party.notified_at or utcnow()


def queue_sms(request: ServiceRequest, body: str, *, dedupe_key: str | None = None) -> None:
    """Queue one SMS to the applicant's mobile."""
    queue_message(request.applicant_mobile, body, request_id=request.id, dedupe_key=dedupe_key)


def queue_message(
    recipient: str, body: str, *, request_id: int | None = None, dedupe_key: str | None = None
) -> None:
    """Queue one SMS to any mobile (e.g. someone on a waiting list, with no request yet)."""
    signature = current_app.config.get("SMS_SIGNATURE", "")
    db.session.add(
        OutboxMessage(
            request_id=request_id,
            channel="sms",
            recipient=recipient,
            body=signature + body,
            dedupe_key=dedupe_key,
            created_at=utcnow(),
            next_attempt_at=utcnow(),
        )
    )


def load_sender():
    """Instantiate the backend named by NOTIFICATION_BACKEND ("module:Class")."""
    module_name, _, class_name = current_app.config["NOTIFICATION_BACKEND"].partition(":")
    return getattr(import_module(module_name), class_name)()


def deliver_pending(limit: int = 500) -> dict[str, int]:
    """Send what is due in the outbox; safe to run in several processes at once."""
    sender = load_sender()
    max_attempts = current_app.config["NOTIFICATION_MAX_ATTEMPTS"]
    counts = {"sent": 0, "retry": 0, "failed": 0}
    now = utcnow()
    due = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.next_attempt_at)
        .where(
            or_(OutboxMessage.status == "pending", OutboxMessage.status == "sending"),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    for message_id, seen_due in due:
        if not _lease(message_id, seen_due):
            continue  # another sender took it
        message = db.session.get(OutboxMessage, message_id)
        try:
            sender.send(message)
        except Exception as exc:  # noqa: BLE001 — any backend failure is retried later
            log.warning("delivery of outbox message %s failed: %s", message_id, exc)
            message.last_error = str(exc)[:2000]
            if message.attempts >= max_attempts:
                message.status = "failed"
                counts["failed"] += 1
            else:
                message.status = "pending"
                message.next_attempt_at = utcnow() + timedelta(minutes=2**message.attempts)
                counts["retry"] += 1
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            counts["sent"] += 1
        db.session.commit()
    return counts


def _lease(message_id: int, seen_due) -> bool:
    """Claim one message for sending; False when another process claimed it first."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.next_attempt_at == seen_due)
        .where(or_(OutboxMessage.status == "pending", OutboxMessage.status == "sending"))
        .values(
            status="sending",
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=utcnow() + SENDING_LEASE,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1
