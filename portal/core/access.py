"""Who may see and do what with a request: the `can_*` predicates views ask."""

from flask import abort, g, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, or_

from portal.core.models import RequestParty, ServiceRequest
from portal.core.registry import RequestKind, is_switched_off, kind_of
from portal.core.roles import Role
from portal.core.workflow import APPLICANT, BOTH, PARTY, STAFF, GuardFailed, Transition

TRACKED_SESSION_KEY = "tracked_requests"
#: Other parties this browser proved (reference + their own mobile): RequestParty ids.
TRACKED_PARTIES_KEY = "tracked_parties"
#: Shown on the pages of a request whose service is switched off, and as the refusal of any change.
SWITCHED_OFF_NOTE = _l("This service is no longer offered. Its requests are kept for reference only.")


def is_read_only(service_request: ServiceRequest) -> bool:
    """Its kind's capability is switched off: the request is shown, never changed."""
    return is_switched_off(kind_of(service_request))


def refuse_if_read_only(service_request: ServiceRequest) -> None:
    """Raise (HTTP 409, with the plain note) before any change to a read-only request."""
    if is_read_only(service_request):
        raise GuardFailed(SWITCHED_OFF_NOTE)


def works_queue(user, kind: RequestKind) -> bool:
    """Staff who hold the type's roles work its queue."""
    return bool(user.is_authenticated and user.is_staff and user.has_role(*kind.staff_roles))


def can_open_queue(user, kind: RequestKind) -> bool:
    """Queue workers, supervisors, and participants (who see only their own cases)."""
    if not (user.is_authenticated and user.is_staff):
        return False
    if works_queue(user, kind) or user.has_role(Role.SUPERVISOR):
        return True
    return bool(kind.participant_role and user.has_role(kind.participant_role))


def is_participant(user, service_request: ServiceRequest) -> bool:
    kind = kind_of(service_request)
    return bool(
        kind.participant_role
        and kind.is_participant
        and user.has_role(kind.participant_role)
        and kind.is_participant(service_request, user)
    )


def _scoped_roles(user, kind: RequestKind) -> list[str] | None:
    """The user's roles of the kind when each of them is scoped; None when one is not."""
    roles = [r for r in kind.staff_roles if user.has_role(r)]
    if not kind.role_scopes or any(r not in kind.role_scopes for r in roles):
        return None
    return roles


def in_staff_scope(user, service_request: ServiceRequest) -> bool:
    kind = kind_of(service_request)
    if kind.staff_in_scope is not None and not kind.staff_in_scope(service_request, user):
        return False
    roles = _scoped_roles(user, kind)
    return roles is None or any(kind.role_scopes[r].allows(service_request, user) for r in roles)


def can_view(user, service_request: ServiceRequest) -> bool:
    """Staff of the type (in their scope), supervisors, and participants see the detail page."""
    if not (user.is_authenticated and user.is_staff):
        return False
    kind = kind_of(service_request)
    if user.has_role(Role.SUPERVISOR) or is_participant(user, service_request):
        return True
    return works_queue(user, kind) and in_staff_scope(user, service_request)


def queue_scope(user, kind: RequestKind):
    """The part of a queue this user sees: None for all, else a WHERE clause."""
    if user.has_role(Role.SUPERVISOR):
        return None
    if works_queue(user, kind):
        clauses = [kind.staff_scope(user)] if kind.staff_scope else []
        if (roles := _scoped_roles(user, kind)) is not None:
            clauses.append(or_(*(kind.role_scopes[r].clause(user) for r in roles)))
        return and_(*clauses) if clauses else None
    if kind.participant_clause is not None:
        return kind.participant_clause(user)
    return ServiceRequest.id.is_(None)  # nothing


def can_claim(user, service_request: ServiceRequest) -> bool:
    return (
        not is_read_only(service_request)
        and service_request.is_open
        and service_request.handler_id is None
        and works_queue(user, kind_of(service_request))
        and in_staff_scope(user, service_request)
    )


def can_change_mobile(user, service_request: ServiceRequest) -> bool:
    """Staff who work the request's queue (in their scope), and supervisors, may move it to
    the applicant's new mobile after checking the ID card at the counter."""
    if not (user.is_authenticated and user.is_staff):
        return False
    if user.has_role(Role.SUPERVISOR):
        return True
    return works_queue(user, kind_of(service_request)) and in_staff_scope(user, service_request)


def can_reassign(user, service_request: ServiceRequest) -> bool:
    return (
        service_request.is_open
        and not is_read_only(service_request)
        and user.is_authenticated
        and user.has_role(Role.SUPERVISOR)
    )


def can_take(user, service_request: ServiceRequest, transition: Transition) -> bool:
    """May this staff user take this transition on this request now?"""
    if (
        transition.actor != STAFF
        or service_request.status not in transition.sources
        or is_read_only(service_request)
    ):
        return False
    if not can_view(user, service_request):
        return False
    if user.has_role(Role.SUPERVISOR):
        return True
    if transition.participant_may and is_participant(user, service_request):
        return True
    if not user.has_role(*transition.roles):
        return False
    return not transition.handler_only or service_request.handler_id == user.id


#: How the audit trail names whom each event is addressed to.
AUDIENCE_LABELS = {
    APPLICANT: _l("Applicant"),
    PARTY: _l("Other party"),
    BOTH: _l("Applicant and other party"),
    STAFF: _l("Staff only"),
}


def audience_labels(kind) -> dict:
    """The audit trail's labels for `kind`: without other parties (no party_template), an
    event addressed to "both" (every submission recorded before issue #39's review) is the
    applicant's alone."""
    if kind.party_template:
        return AUDIENCE_LABELS
    return {**AUDIENCE_LABELS, BOTH: AUDIENCE_LABELS[APPLICANT]}


class ShownEvent:
    """An event as one side's timeline shows it: its comment, or None when it is not theirs."""

    def __init__(self, event, comment):
        self._event = event
        self.comment = comment

    def __getattr__(self, name):
        return getattr(self._event, name)


def events_for(events, viewer: str) -> list[ShownEvent]:
    """The events addressed to `viewer` (APPLICANT or PARTY), oldest first. On one addressed
    to both sides, a comment is shown to the side that wrote it only: staff write theirs
    for the applicant (as the comment field says), a party's note is the party's."""
    shown = []
    for event in events:
        if event.audience not in (viewer, BOTH):
            continue
        writer_side = PARTY if event.actor_type == PARTY else APPLICANT
        own = event.audience == viewer or writer_side == viewer
        shown.append(ShownEvent(event, event.comment if own else None))
    return shown


def proven_mobile_of(user) -> str | None:
    """The mobile a signed-in resident's account proved by a code, else None."""
    if user.is_authenticated and not user.is_staff and user.mobile and user.mobile_verified_at:
        return user.mobile
    return None


def own_requests_clause(user):
    """The requests a signed-in resident owns (a WHERE clause): made while signed in, or made
    with a mobile proven by a code that their account has proven too, before or after."""
    own = ServiceRequest.applicant_user_id == user.id
    mobile = proven_mobile_of(user)
    if mobile is None:
        return own
    return or_(own, and_(ServiceRequest.applicant_mobile == mobile, ServiceRequest.mobile_proven.is_(True)))


def applicant_may_see(service_request: ServiceRequest) -> bool:
    """The signed-in owner (by account, or by the proven mobile the request was made with),
    or whoever proved reference + mobile in this session."""
    if current_user.is_authenticated and service_request.applicant_user_id == current_user.id:
        return True
    mobile = proven_mobile_of(current_user)
    if mobile is not None and service_request.mobile_proven and service_request.applicant_mobile == mobile:
        return True
    return service_request.id in session.get(TRACKED_SESSION_KEY, [])


def ask_for_proof(reference: str):
    """Stop here with the page that asks for the reference and the mobile (then the code),
    and comes back to this address after it. The same page whether the request exists or
    not, and never a 404: a receipt or tracking link outlives the tracking session."""
    from flask import make_response, render_template, request

    from portal.core.forms import TrackForm

    form = TrackForm(
        formdata=None, reference=reference, next=request.path if request.method == "GET" else None
    )
    page = render_template("public/track.html", form=form, asked_for=True)
    abort(make_response(page, 200 if request.method == "GET" else 403))


def applicant_request_or_proof(reference: str, request_type: str | None = None) -> ServiceRequest:
    """The request this browser may see as its applicant; else the proof page (whether the
    reference exists or not, of this type or another: a guess learns nothing)."""
    from portal.core.lookup import load_by_reference

    found = load_by_reference(reference)
    if found is None or (request_type and found.request_type != request_type) or not applicant_may_see(found):
        ask_for_proof(reference)
    g.shown_request = found  # its page carries the quick exit when its kind says so
    return found


def remember_tracked(service_request: ServiceRequest) -> None:
    """Let this browser session see the request (after submission or reference + mobile)."""
    tracked = [i for i in session.get(TRACKED_SESSION_KEY, []) if i != service_request.id]
    session[TRACKED_SESSION_KEY] = (tracked + [service_request.id])[-20:]


def remember_party(party: RequestParty) -> None:
    """Let this browser session follow the request as this other party."""
    tracked = [i for i in session.get(TRACKED_PARTIES_KEY, []) if i != party.id]
    session[TRACKED_PARTIES_KEY] = (tracked + [party.id])[-20:]


def party_viewing(service_request: ServiceRequest) -> RequestParty | None:
    """The other party this browser follows the request as, once they have been told of it."""
    ids = session.get(TRACKED_PARTIES_KEY, [])
    if not ids:
        return None
    return next((p for p in service_request.parties if p.id in ids and p.notified_at is not None), None)


def party_for_mobile(service_request: ServiceRequest, mobile: str) -> RequestParty | None:
    """The told party of the request with this mobile: the only others who may follow it."""
    return next(
        (p for p in service_request.parties if p.mobile == mobile and p.notified_at is not None), None
    )


def can_party_take(service_request: ServiceRequest, transition: Transition) -> bool:
    return (
        transition.actor == PARTY
        and service_request.status in transition.sources
        and not is_read_only(service_request)
        and party_viewing(service_request) is not None
    )


def can_applicant_take(service_request: ServiceRequest, transition: Transition) -> bool:
    return (
        transition.actor == APPLICANT
        and service_request.status in transition.sources
        and not is_read_only(service_request)
        and applicant_may_see(service_request)
    )
