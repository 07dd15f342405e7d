"""The one place where requests are created and change state (SPEC §2)."""

import re
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale, format_date, format_datetime, gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.core import notifications, safe_contact
from portal.core.access import can_claim, can_reassign, can_take, refuse_if_read_only
from portal.core.clock import local_today, utcnow
from portal.core.events import record_event as record_event
from portal.core.lookup import load_by_reference as load_by_reference
from portal.core.lookup import normalise_reference as normalise_reference
from portal.core.models import AuditEvent, InboxMessage, InternalNote, ReferenceSequence, ServiceRequest
from portal.core.registry import kind_of
from portal.core.workflow import (
    APPLICANT,
    BOTH,
    PARTY,
    STAFF,
    SYSTEM,
    ConcurrentChange,
    GuardFailed,
    IllegalTransition,
    NotPermitted,
    Transition,
)
from portal.extensions import db

#: Key an effect may return to give the audit event a comment of its own.
EVENT_COMMENT = "event_comment"
#: The provider template of staff's own words to a person ("%(reference)s: %(content)s").
STAFF_MESSAGE = "staff_message"


def next_reference(code: str, now: datetime | None = None) -> str:
    """Hand out the next `<TYPE>-<YYYY>-<NNNNNN>` number; never the same one twice.

    The UPDATE takes the sequence row's write lock, so concurrent submissions queue on
    it until the first commits: no two requests can read the same value.
    """
    year = local_today(now).year
    for _attempt in range(3):
        bumped = db.session.execute(
            update(ReferenceSequence)
            .where(ReferenceSequence.prefix == code, ReferenceSequence.year == year)
            .values(last_value=ReferenceSequence.last_value + 1)
            .returning(ReferenceSequence.last_value)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if bumped is not None:
            return f"{code}-{year}-{bumped:06d}"
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceSequence(prefix=code, year=year, last_value=0))
        except IntegrityError:  # another process created the row first: bump it
            continue
    raise RuntimeError("could not allocate a reference number")


def submit(
    service_request: ServiceRequest, *, user=None, locale: str = "zh_Hans", notify: bool = True
) -> ServiceRequest:
    """Receive a new request: reference, initial state, deadline, audit and notice.

    `notify=False` when the person's first message is that of the step taken at once after
    (a registered notice: the relative reads the notice, not "application received")."""
    kind = kind_of(service_request)
    workflow = kind.workflow
    now = utcnow()
    service_request.reference = next_reference(kind.code, now)
    service_request.status = workflow.initial
    service_request.is_open = workflow.state(workflow.initial).is_open
    service_request.locale = locale
    service_request.created_at = service_request.updated_at = now
    service_request.applicant_user_id = getattr(user, "id", None)
    safe_contact.apply_intake(service_request)  # before any notice: a safe-contact request texts nothing
    db.session.add(service_request)
    db.session.flush()  # the id, for the audit event and messages that follow
    variables = _run_effect(workflow.effects.get("submit"), service_request, {}, now)
    # Addressed to the other parties too only where the kind has any (its party_template).
    audience = BOTH if kind.party_template else APPLICANT
    record_event(
        service_request,
        "submit",
        user=user,
        actor_type=APPLICANT,
        to_status=workflow.initial,
        audience=audience,
    )
    if workflow.submitted_notice and notify:
        _notify(service_request, workflow.submitted_notice, variables, "submitted")
    db.session.flush()
    return service_request


def perform(
    service_request: ServiceRequest,
    action: str,
    *,
    user=None,
    actor_type: str = STAFF,
    data: dict[str, Any] | None = None,
    comment: str | None = None,
    expected_version: int | None = None,
) -> AuditEvent:
    """Take one declared transition, or raise; the only code that changes a status."""
    kind = kind_of(service_request)
    refuse_if_read_only(service_request)
    transition = kind.workflow.transition(action)
    if transition is None or service_request.status not in transition.sources:
        raise IllegalTransition(action)
    if transition.actor != actor_type:
        raise NotPermitted(action)
    if actor_type == STAFF and not can_take(user, service_request, transition):
        raise NotPermitted(action)
    if expected_version is not None and expected_version != service_request.version:
        raise ConcurrentChange(action)
    if transition.guard is not None and (reason := transition.guard(service_request, utcnow())):
        raise GuardFailed(reason)
    if (
        actor_type == STAFF
        and service_request.handler_id is None
        and kind.workflow.state(transition.target).is_open
        and can_claim(user, service_request)
    ):
        # Whoever of the queue acts first on an unowned request owns it (e.g. accepting a
        # mediation): no open request is left under "unassigned" once someone works it.
        service_request.handler_id = user.id
        record_event(service_request, "claim", user=user)
    return _apply(service_request, transition, user=user, data=data or {}, comment=comment)


def _apply(service_request, transition: Transition, *, user, data, comment) -> AuditEvent:
    workflow = kind_of(service_request).workflow
    now = utcnow()
    from_status = service_request.status
    service_request.status = transition.target
    target = workflow.state(transition.target)
    service_request.is_open = target.is_open
    service_request.closed_at = None if target.is_open else now
    service_request.updated_at = now
    variables = _run_effect(workflow.effects.get(transition.action), service_request, data, now)
    event = record_event(
        service_request,
        transition.action,
        user=user,
        actor_type=transition.actor,
        from_status=from_status,
        to_status=transition.target,
        # An effect may name what happened (e.g. the lawyer) when staff wrote no comment.
        comment=comment or variables.get(EVENT_COMMENT),
        audience=transition.audience,
    )
    if transition.public and transition.notice:
        delay = transition.notice_delay() if transition.notice_delay else None
        _notify(
            service_request,
            transition.notice,
            variables,
            transition.action,
            not_before=now + delay if delay else None,
        )
    if transition.party_notice:
        _notify_parties(service_request, transition.party_notice, variables, transition.action)
    _flush_or_conflict(transition.action)
    return event


def preview_notice(service_request: ServiceRequest, action: str, *, user, data, comment=None) -> str | None:
    """The message the applicant would read if staff took `action` now with `data`; the
    action is taken inside a savepoint that is rolled back, so nothing of it is kept."""
    savepoint = db.session.begin_nested()
    try:
        perform(service_request, action, user=user, data=data, comment=comment)
        return db.session.scalars(
            select(InboxMessage.body)
            .where(InboxMessage.request_id == service_request.id, InboxMessage.party_id.is_(None))
            .order_by(InboxMessage.id.desc())
            .limit(1)
        ).first()
    finally:
        savepoint.rollback()


def system_perform(service_request: ServiceRequest, action: str, comment: str | None = None) -> AuditEvent:
    """Take a transition declared for the system (e.g. automatic withdrawal)."""
    return perform(service_request, action, actor_type=SYSTEM, comment=comment)


def claim(service_request: ServiceRequest, user) -> None:
    """Make `user` the handler of an unassigned request; of two at once, one wins."""
    if service_request.handler_id is not None and service_request.handler_id != user.id:
        raise ConcurrentChange("claim")
    if not can_claim(user, service_request):
        raise NotPermitted("claim")
    service_request.handler_id = user.id
    service_request.updated_at = utcnow()
    record_event(service_request, "claim", user=user)
    _flush_or_conflict("claim")
    workflow = kind_of(service_request).workflow
    follow_up = workflow.on_claim and workflow.transition(workflow.on_claim)
    if follow_up and service_request.status in follow_up.sources:
        _apply(service_request, follow_up, user=user, data={}, comment=None)


def reassign(service_request: ServiceRequest, new_handler, *, by, comment: str | None = None) -> None:
    """A supervisor hands the request to another officer of the queue."""
    if not can_reassign(by, service_request):
        raise NotPermitted("reassign")
    previous = service_request.handler.display_name if service_request.handler else "—"
    service_request.handler_id = new_handler.id
    service_request.updated_at = utcnow()
    note = f"{previous} → {new_handler.display_name}"
    record_event(service_request, "reassign", user=by, comment=f"{note}. {comment}" if comment else note)
    _flush_or_conflict("reassign")


def add_note(service_request: ServiceRequest, user, body: str) -> InternalNote:
    """Add a staff-only note; it never reaches the applicant."""
    refuse_if_read_only(service_request)
    note = InternalNote(request_id=service_request.id, author_id=user.id, body=body, created_at=utcnow())
    db.session.add(note)
    record_event(service_request, "note", user=user)
    return note


def change_mobile(service_request: ServiceRequest, user, mobile: str) -> None:
    """Move the request to the applicant's new mobile after an ID check at the counter (an
    audited staff event). A number typed by staff is never "proven": no account lists the
    request by it, but /track with it works."""
    from portal.core.identity import mask_mobile

    old = service_request.applicant_mobile
    service_request.applicant_mobile = mobile
    service_request.mobile_proven = False
    service_request.updated_at = utcnow()
    record_event(
        service_request, "change_mobile", user=user, comment=f"{mask_mobile(old)} → {mask_mobile(mobile)}"
    )
    _flush_or_conflict("change_mobile")


def message_applicant(service_request: ServiceRequest, user, body: str) -> None:
    """Send a free-text message from staff to the applicant (inbox and SMS)."""
    refuse_if_read_only(service_request)
    record_event(service_request, "message", user=user, comment=body, audience=APPLICANT)
    notifications.notify(
        service_request,
        subject=service_request.reference,
        body=body,
        template=STAFF_MESSAGE,
        params={"reference": service_request.reference, "content": body},
    )


def _run_effect(effect, service_request, data, now) -> dict[str, Any]:
    variables = {"reference": service_request.reference}
    if effect is not None:
        variables.update(effect(service_request, data, now) or {})
    return variables


def _localise(value: Any, locale: str) -> Any:
    """Render a notice variable the way a reader of `locale` expects it."""
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")
    if isinstance(value, date):
        return format_date(value, "long")
    if isinstance(value, list | tuple):
        separator = "；" if locale.startswith("zh") else "; "
        return separator.join(str(_localise(v, locale)) for v in value)
    return str(value)


def _used(text: str, params: dict[str, str]) -> dict[str, str]:
    """Only the parameters the text names: a gateway's template has exactly those."""
    return {name: params[name] for name in re.findall(r"%\((\w+)\)", text) if name in params}


def template_key(service_request: ServiceRequest, event: str, audience: str = "") -> str:
    """The provider template of a workflow message, e.g. "LA.approve" or "MD.accept.party"."""
    return ".".join(filter(None, (kind_of(service_request).code, event, audience)))


def _notify(
    service_request: ServiceRequest,
    notice,
    variables: dict[str, Any],
    event: str,
    not_before: datetime | None = None,
) -> None:
    # The applicant reads the message in their language (their account's, else the one they applied in).
    locale = notifications.recipient_locale(service_request)
    with force_locale(locale):
        params = {k: _localise(v, locale) for k, v in variables.items()}
        body = str(notice) % params
        params = _used(str(notice), params)
        if service_request.status in kind_of(service_request).ratable_states:
            # 好差评 (SPEC §2): the message that ends a request invites the person to rate it;
            # the provider's template for such an event carries the address as `rate_url`.
            # A text carries a full address (PUBLIC_BASE_URL) or none: never a bare path.
            url = notifications.public_url("public.track")
            if url.startswith(("https://", "http://")):
                params["rate_url"] = url
                body += " " + gettext("You may rate this service on the tracking page: %(url)s", url=url)
            else:
                body += " " + gettext("You may rate this service on the portal's tracking page.")
        subject = str(kind_of(service_request).label) + " " + service_request.reference
    notifications.notify(
        service_request,
        subject=subject,
        body=body,
        template=template_key(service_request, event),
        params=params,
        locale=locale,
        not_before=not_before,
    )


def _notify_parties(service_request: ServiceRequest, notice, variables: dict[str, Any], event: str) -> None:
    for party in service_request.parties:
        locale = notifications.party_locale(party)
        with force_locale(locale):
            params = {k: _localise(v, locale) for k, v in variables.items()}
            body = str(notice) % params
            params = _used(str(notice), params)
            subject = str(kind_of(service_request).label) + " " + service_request.reference
        notifications.notify_party(
            party,
            subject=subject,
            body=body,
            template=template_key(service_request, event, "party"),
            params=params,
        )


def message_party(service_request: ServiceRequest, party, user, body: str) -> None:
    """Send a free-text message from staff to another party of the request."""
    refuse_if_read_only(service_request)
    record_event(service_request, "message_party", user=user, comment=body, audience=PARTY)
    notifications.notify_party(
        party,
        subject=service_request.reference,
        body=body,
        template=STAFF_MESSAGE,
        params={"reference": service_request.reference, "content": body},
    )


def _flush_or_conflict(action: str) -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange(action) from exc
