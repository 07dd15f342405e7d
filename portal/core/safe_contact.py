"""Safe contact (SPEC §2 "Identity and tracking", issue #28): no text message of any kind.

A shared phone, a family dispute, domestic violence: every SMS carries the bureau's
signature, so a "neutral" text is not neutral. On a public form the applicant may ask
that nothing at all be texted and say how and when the office may call. Such a request:

- sends no SMS, codes included: `refuses_sms` is the one place that says so, asked by
  `notifications.queue_message` for every text of every capability;
- is opened on `/track` with a PIN the applicant set (6 to 12 digits, kept as a hash,
  PIN_MAX_TRIES wrong tries and it opens only at the counter), typed where others type
  the code;
- has its legally required notices delivered by the chosen channel (a call, the
  counter): staff record each delivery (an audited event, `NOTICE_DELIVERED`), and a job
  that acts on silence (e.g. `withdraw-expired`) asks `silence_may_count` first.
"""

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField, ValidationError
from wtforms.validators import Length

from portal.core.models import AuditEvent, ServiceRequest
from portal.extensions import db

#: Wrong PINs before the request opens only at the counter (or with staff's help).
PIN_MAX_TRIES = 5
PIN_LENGTHS = (6, 12)
#: The audit event of a notice delivered by a call or at the counter.
NOTICE_DELIVERED = "contact_notice_delivered"
#: The form fields (the intake keeps them with the answers; the check page hides the PIN).
FIELDS = ("no_texts", "contact_how", "tracking_pin", "tracking_pin_again")
PIN_FIELDS = ("tracking_pin", "tracking_pin_again")


#: A PIN kept in an intake's answers (core.intake_state) between its pages: its hash,
#: signed, never the digits typed.
SEALED = "sealed:"


def _serializer():
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="safe-contact-pin")


def pin_text(typed: str | None) -> str:
    """A PIN as typed, full-width digits (a Chinese input method) as ASCII, without spaces."""
    return "".join(unicodedata.normalize("NFKC", typed or "").split())


def _pin_digits(field) -> str:
    return pin_text(field.data)


def _unsealed(value: str | None) -> str | None:
    """The PIN hash a sealed answer holds; None for anything else (or a forged one)."""
    from itsdangerous import BadSignature

    if not (value or "").startswith(SEALED):
        return None
    try:
        return _serializer().loads(value.removeprefix(SEALED))
    except BadSignature:
        return None


def sealed_pin_hash(answers: list) -> str | None:
    """The PIN hash sealed in an intake's kept answers (a draft that asked for no texts)."""
    return _unsealed(next((value for name, value in answers if name == "tracking_pin"), None))


def sealed_answers(answers: list) -> list:
    """The answers with the PIN replaced by its signed hash (its repeat too, or dropped
    when it differs): no digits typed are kept."""
    pin = next((v for n, v in answers if n == "tracking_pin"), "")
    if not pin or _unsealed(pin):
        return answers
    sealed = SEALED + _serializer().dumps(generate_password_hash(pin_text(pin)))
    again = next((v for n, v in answers if n == "tracking_pin_again"), "")
    return [
        (n, (sealed if n == "tracking_pin" or again == pin else "") if n in PIN_FIELDS else v)
        for n, v in answers
    ]


class SafeContactMixin:
    """The questions of a public form that let the applicant refuse every text message."""

    no_texts = BooleanField(
        _l("Do not send me any text message (not even a code)"),
        description=_l(
            "For a shared phone, a family dispute or domestic violence: every text carries the "
            "bureau's name. The office calls you instead, as you say below, and you follow your "
            "request with a PIN you choose here."
        ),
    )
    contact_how = StringField(
        _l("How and when may the office call you?"),
        validators=[Length(max=200)],
        description=_l(
            "For example: weekdays 14:00–16:00 on this number, or only at the justice office counter."
        ),
    )
    tracking_pin = PasswordField(
        _l("Tracking PIN (6 to 12 digits)"),
        description=_l(
            "Keep it to yourself: with the reference and your mobile number it opens your request."
        ),
    )
    tracking_pin_again = PasswordField(_l("The PIN again"))

    def validate_contact_how(self, field) -> None:
        if self.no_texts.data and not (field.data or "").strip():
            raise ValidationError(_l("Say how and when the office may reach you."))

    def validate_tracking_pin(self, field) -> None:
        if not self.no_texts.data or _unsealed(field.data):
            return  # a PIN checked on the form page, kept sealed since
        pin = _pin_digits(field)
        low, high = PIN_LENGTHS
        if not (pin.isascii() and pin.isdigit() and low <= len(pin) <= high):
            raise ValidationError(_l("Choose a PIN of 6 to 12 digits."))
        if len(set(pin)) == 1:
            raise ValidationError(_l("Choose a PIN that is not one digit repeated."))

    def validate_tracking_pin_again(self, field) -> None:
        if self.no_texts.data and _pin_digits(field) != _pin_digits(self.tracking_pin):
            raise ValidationError(_l("The two PINs differ. Type the same PIN twice."))


def wanted(form) -> bool:
    """The form asked for safe contact."""
    return bool(getattr(getattr(form, "no_texts", None), "data", False))


@dataclass(frozen=True)
class SafeContact:
    """What a form's safe-contact answers come to, as plain values: how the office may
    call, and the PIN's hash (never the PIN)."""

    contact_how: str
    pin_hash: str


def answers_of(form) -> SafeContact | None:
    """The form's safe-contact answers as values; None when it did not ask for safe contact."""
    if not wanted(form):
        return None
    pin_hash = _unsealed(form.tracking_pin.data) or generate_password_hash(_pin_digits(form.tracking_pin))
    return SafeContact((form.contact_how.data or "").strip()[:200], pin_hash)


def apply(contact: SafeContact, service_request: ServiceRequest) -> None:
    """Make the request a safe-contact one (before its first notice: it texts nothing)."""
    service_request.safe_contact = True
    service_request.contact_how = contact.contact_how
    service_request.pin_hash = contact.pin_hash
    service_request.pin_tries = 0
    service_request.mobile_proven = False  # no code proved it: no account lists it, /track/find never does


def apply_intake(service_request: ServiceRequest) -> None:
    """The intake of this HTTP request asked for safe contact (`g.safe_contact`, the values
    core.intake took from its form): apply them to the request being submitted."""
    if has_request_context() and (contact := g.pop("safe_contact", None)) is not None:
        apply(contact, service_request)


def refuses_sms(recipient: str | None, request_id: int | None) -> bool:
    """The one refusal: no SMS about a safe-contact request (to anyone), and none at all to
    the mobile of a safe-contact applicant (a code for /track, an account, another request)."""
    if request_id is not None and db.session.scalar(
        select(ServiceRequest.safe_contact).where(ServiceRequest.id == request_id)
    ):
        return True
    if not recipient:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ServiceRequest.applicant_mobile == recipient, ServiceRequest.safe_contact.is_(True)
                )
            )
        )
    )


def pin_is_right(service_request: ServiceRequest, typed: str) -> bool:
    """Whether `typed` is the request's PIN; a wrong one costs a try, and after
    PIN_MAX_TRIES none is accepted (the office reopens it). Commits."""
    if (
        not service_request.safe_contact
        or not service_request.pin_hash
        or service_request.pin_tries >= PIN_MAX_TRIES
    ):
        return False
    digits = "".join(ch for ch in pin_text(typed) if ch.isdigit())
    if check_password_hash(service_request.pin_hash, digits):
        service_request.pin_tries = 0
        db.session.commit()
        return True
    service_request.pin_tries += 1
    db.session.commit()
    return False


def record_delivery(service_request: ServiceRequest, user, how: str) -> AuditEvent:
    """Staff delivered a notice by the chosen channel (a call, the counter): audited."""
    from portal.core.events import record_event

    return record_event(service_request, NOTICE_DELIVERED, user=user, comment=how)


def delivered_since(service_request: ServiceRequest, since: datetime | None) -> bool:
    """A delivery recorded at or after `since` (any, without it)."""
    query = select(AuditEvent.id).where(
        AuditEvent.request_id == service_request.id, AuditEvent.action == NOTICE_DELIVERED
    )
    if since is not None:
        query = query.where(AuditEvent.created_at >= since)
    return db.session.scalar(query.limit(1)) is not None


def silence_may_count(service_request: ServiceRequest, notice_at: datetime | None):
    """None when a job may act on the applicant's silence after a notice sent at
    `notice_at`; else why not: a safe-contact applicant was told only if staff recorded it."""
    if not service_request.safe_contact or delivered_since(service_request, notice_at):
        return None
    return _l("Safe contact: record that the notice was delivered by a call or at the counter first.")
