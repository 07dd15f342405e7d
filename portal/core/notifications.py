"""Inbox and outbox: every public event reaches the applicant (SPEC §2, notifications).

Writing a message never blocks the request: it only adds rows. Each outbox row is one
message of a provider's pre-approved template, a key plus its parameters in the
recipient's language (Chinese SMS gateways send nothing else), with the text it renders
to kept for the inbox, the log and staff. `flask --app portal send-notifications`
delivers the rows (portal.core.messaging.delivery).
"""

import json
import logging
from collections.abc import Mapping
from datetime import datetime

from flask import current_app, has_request_context, url_for
from sqlalchemy import delete, select

from portal.core.clock import utcnow
from portal.core.identity import mask_mobile
from portal.core.messaging.delivery import deliver_pending  # noqa: F401  (the command's entry point)
from portal.core.models import InboxMessage, OutboxMessage, RequestParty, ServiceRequest
from portal.core.safe_contact import refuses_sms
from portal.extensions import db
from portal.i18n import current_language

log = logging.getLogger("portal.notifications")
#: The key of a text no template describes (staff's own words): a gateway needs a
#: template with one variable, `content`, registered under this key.
FREE_TEXT = "free_text"
SMS, EMAIL = "sms", "email"


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


def mask_recipient(recipient: str) -> str:
    """A mobile as 138****5678, an email as z***@example.cn: for logs and staff lists."""
    if "@" in recipient:
        name, _, domain = recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask_mobile(recipient)


class LogSender:
    """The default backend: writes each message to the log instead of sending it."""

    def send(self, message: OutboxMessage) -> None:
        # The log is no place for full phone numbers: mask the recipient.
        log.info(
            "notification to %s via %s [%s]: %s",
            mask_recipient(message.recipient),
            message.channel,
            message.template_key,
            message.body,
        )


def _language(user_id: int | None, chosen: str | None) -> str:
    from portal.core.models import user_model

    user = db.session.get(user_model(), user_id) if user_id else None
    languages = current_app.config["LANGUAGES"]
    if user is not None and user.locale in languages:
        return user.locale
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def recipient_locale(service_request: ServiceRequest) -> str:
    """The applicant's language: the one stored for their account, else the one they applied in."""
    return _language(service_request.applicant_user_id, service_request.locale)


def party_locale(party: RequestParty) -> str:
    """Another party's language: their account's, else the one recorded for them."""
    return _language(party.user_id, party.locale)


def notify(
    service_request: ServiceRequest,
    *,
    subject: str,
    body: str,
    dedupe_key: str | None = None,
    template: str = FREE_TEXT,
    params: Mapping[str, object] | None = None,
    locale: str | None = None,
    not_before: datetime | None = None,
) -> None:
    """Write a message to the applicant's inbox and queue an SMS to their mobile.

    `body` is the text already rendered in the applicant's language (recipient_locale);
    `template` and `params` are what a gateway needs to send the same text. With
    `not_before`, the SMS waits until then (and `withdraw` may still take it back)."""
    db.session.add(
        InboxMessage(
            request_id=service_request.id,
            user_id=service_request.applicant_user_id,
            subject=subject,
            body=body,
            created_at=utcnow(),
        )
    )
    if not service_request.applicant_mobile:  # a notice may come with no mobile to reach anyone by
        return
    message = queue_sms(
        service_request, body, dedupe_key=dedupe_key, template=template, params=params, locale=locale
    )
    if not_before is not None and message is not None:
        message.next_attempt_at = not_before


def withdraw(service_request: ServiceRequest, template: str) -> int:
    """Take back the messages of one event not sent yet (e.g. a no-show undone within its
    delay): the waiting SMS and the inbox entry of the same text. Returns how many."""
    waiting = list(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.request_id == service_request.id,
                OutboxMessage.template_key == template,
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at > utcnow(),
            )
        )
    )
    signature = current_app.config.get("SMS_SIGNATURE", "")
    for message in waiting:
        text = message.body.removeprefix(signature)
        db.session.execute(
            delete(InboxMessage).where(
                InboxMessage.request_id == service_request.id,
                InboxMessage.party_id.is_(None),
                InboxMessage.body == text,
            )
        )
        db.session.delete(message)
    return len(waiting)


def notify_party(
    party: RequestParty,
    *,
    subject: str,
    body: str,
    template: str = FREE_TEXT,
    params: Mapping[str, object] | None = None,
) -> None:
    """Write a message to another party: their inbox on the request, and an SMS when a mobile is known."""
    db.session.add(
        InboxMessage(
            request_id=party.request_id,
            party_id=party.id,
            user_id=party.user_id,
            subject=subject,
            body=body,
            created_at=utcnow(),
        )
    )
    if party.mobile:
        queue_message(
            party.mobile,
            body,
            request_id=party.request_id,
            template=template,
            params=params,
            locale=party_locale(party),
        )
    party.notified_at = party.notified_at or utcnow()


def queue_sms(
    service_request: ServiceRequest,
    body: str,
    *,
    dedupe_key: str | None = None,
    template: str = FREE_TEXT,
    params: Mapping[str, object] | None = None,
    locale: str | None = None,
) -> OutboxMessage | None:
    """Queue one SMS to the applicant's mobile, in the applicant's language."""
    return queue_message(
        service_request.applicant_mobile,
        body,
        request_id=service_request.id,
        dedupe_key=dedupe_key,
        template=template,
        params=params,
        locale=locale or recipient_locale(service_request),
    )


def queue_message(
    recipient: str,
    body: str,
    *,
    request_id: int | None = None,
    dedupe_key: str | None = None,
    template: str = FREE_TEXT,
    params: Mapping[str, object] | None = None,
    locale: str | None = None,
    channel: str = SMS,
    subject: str | None = None,
) -> OutboxMessage | None:
    """Queue one message to any mobile (or, with channel="email", any address).

    Without `params`, the text itself is the one parameter (`content`). `locale` is the
    language `body` was written in (by default the one in force). None, and nothing
    queued, for an SMS about a safe-contact request or to a safe-contact applicant's
    mobile (core.safe_contact: no text of any kind, codes included)."""
    if channel == SMS and not recipient:  # a request entered by staff for someone without a mobile
        return None
    if channel == SMS and refuses_sms(recipient, request_id):
        log.info("no SMS (safe contact) [%s] for request %s", template, request_id)
        return None
    values = {"content": body} if params is None else {k: str(v) for k, v in params.items()}
    if channel == SMS:  # the text as the phone shows it; a gateway adds the signature itself
        body = current_app.config.get("SMS_SIGNATURE", "") + body
    message = OutboxMessage(
        request_id=request_id,
        channel=channel,
        recipient=recipient,
        template_key=template,
        params=json.dumps(values, ensure_ascii=False),
        locale=locale or current_language(),
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        created_at=utcnow(),
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message
