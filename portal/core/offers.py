"""What a page offers: the actions allowed now, and why the others are not (SPEC §2).

A page lists a transition only when the person may take it and its guard lets it happen
now; a transition the person could take but the state refuses (a second materials
request, a check-in before the day) becomes a short line saying why, never a button
that answers 409.
"""

from dataclasses import dataclass
from datetime import datetime

from portal.core.access import can_applicant_take, can_party_take, can_take
from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.core.registry import kind_of
from portal.core.workflow import APPLICANT, PARTY, STAFF, Transition


@dataclass(frozen=True)
class Refusal:
    """A transition the person could take, and the guard's words why not now."""

    transition: Transition
    reason: object


@dataclass(frozen=True)
class Offers:
    """The transitions to render as forms, and those to explain instead."""

    allowed: list[Transition]
    refused: list[Refusal]


def _split(service_request: ServiceRequest, transitions, now: datetime | None) -> Offers:
    now = now or utcnow()
    allowed, refused = [], []
    for transition in transitions:
        reason = transition.guard(service_request, now) if transition.guard is not None else None
        if reason:
            refused.append(Refusal(transition, reason))
        else:
            allowed.append(transition)
    return Offers(allowed, refused)


def staff_offers(user, service_request: ServiceRequest, now: datetime | None = None) -> Offers:
    """The staff transitions `user` may take on the request now, and the refused ones."""
    transitions = kind_of(service_request).workflow.from_state(service_request.status, STAFF)
    return _split(service_request, [t for t in transitions if can_take(user, service_request, t)], now)


def viewer_offers(service_request: ServiceRequest, actor: str, now: datetime | None = None) -> Offers:
    """The applicant's (actor APPLICANT) or other party's (PARTY) transitions, as above."""
    allowed = {APPLICANT: can_applicant_take, PARTY: can_party_take}[actor]
    transitions = kind_of(service_request).workflow.from_state(service_request.status, actor)
    return _split(service_request, [t for t in transitions if allowed(service_request, t)], now)
