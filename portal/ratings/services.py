"""Rate a request once, and answer a poor rating: the only code that writes ratings."""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.core import notifications
from portal.core.clock import utcnow
from portal.core.deadlines import due_after
from portal.core.models import ServiceRequest
from portal.core.registry import is_switched_off, kind_of
from portal.core.services import record_event
from portal.core.workflow import APPLICANT, GuardFailed
from portal.extensions import db
from portal.ratings.levels import LEVELS, POOR
from portal.ratings.models import Rating


class NotRatable(GuardFailed):
    """The request is not in a state its kind lets the applicant rate (HTTP 409)."""


class AlreadyRated(GuardFailed):
    """The request was rated already; a rating is given once (HTTP 409)."""


def rating_of(service_request: ServiceRequest) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.request_id == service_request.id))


def is_ratable(service_request: ServiceRequest) -> bool:
    """The kind declares the request's current state ratable (SPEC §2), and is not switched off."""
    kind = kind_of(service_request)
    return service_request.status in kind.ratable_states and not is_switched_off(kind)


def rate(
    service_request: ServiceRequest, level: int, comment: str | None, *, now: datetime | None = None
) -> Rating:
    """Record the applicant's rating; a poor one opens a follow-up due in working days."""
    if rating_of(service_request) is not None:
        raise AlreadyRated(_l("This request has been rated already. A service is rated once."))
    if not is_ratable(service_request):
        raise NotRatable(_l("This request cannot be rated in its current state."))
    if level not in LEVELS:
        raise ValueError(f"unknown rating level {level!r}")
    now = now or utcnow()
    rating = Rating(
        request_id=service_request.id,
        level=level,
        comment=(comment or "").strip() or None,
        handler_id=service_request.handler_id,
        created_at=now,
    )
    if level in POOR:
        rating.follow_up_due_at = due_after(now, current_app.config["RATING_FOLLOW_UP_DAYS"], "working")
    db.session.add(rating)
    try:
        with db.session.begin_nested():  # two tabs at once: the unique key keeps the first
            db.session.flush()
    except IntegrityError:
        raise AlreadyRated(_l("This request has been rated already. A service is rated once.")) from None
    record_event(service_request, "rated", actor_type=APPLICANT, comment=str(LEVELS[level]))
    return rating


def answer_follow_up(rating: Rating, user, answer: str, *, now: datetime | None = None) -> None:
    """The supervisor's answer to a poor rating: kept on the rating, sent to the person."""
    if not rating.follow_up_open:
        raise GuardFailed(_l("This follow-up has been answered already."))
    rating.follow_up_answer = answer.strip()
    rating.follow_up_answered_at = now or utcnow()
    rating.follow_up_answered_by_id = user.id
    request = rating.request
    with force_locale(request.locale):
        body = gettext(
            "Reply to your rating of %(reference)s: %(answer)s",
            reference=request.reference,
            answer=rating.follow_up_answer,
        )
    # Internal: the person reads the answer in their messages and on the rating panel.
    record_event(request, "rating_answered", user=user, comment=rating.follow_up_answer)
    notifications.notify(request, subject=request.reference, body=body)
