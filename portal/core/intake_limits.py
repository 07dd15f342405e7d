"""Abuse limits of the public intakes (SPEC §11): accepted submissions per address and mobile."""

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from portal.core.models import ServiceRequest

#: Abuse limits (SPEC §11): accepted submissions per client address (generous: a 司法所
#: counter PC or a carrier's NAT serves many people) and per mobile given (tight: each
#: submission texts that mobile). Only accepted submissions count, never page views,
#: validation errors or language switches; staff-entered requests are exempt.
SUBMISSION_LIMITS = (
    ("address", "RATELIMIT_SUBMISSIONS_PER_ADDRESS"),
    ("mobile", "RATELIMIT_SUBMISSIONS_PER_MOBILE"),
)


def _submission_limits(mobile: str | None) -> list:
    """(limit, identifiers) pairs for a submission giving `mobile`, empty when limits are off
    or for staff."""
    from flask_login import current_user
    from limits import parse_many

    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True) or (current_user.is_authenticated and current_user.is_staff):
        return []
    keys = {"address": request.remote_addr or "unknown", "mobile": mobile}
    prefix = config.get("RATELIMIT_KEY_PREFIX") or "portal"
    pairs = []
    for what, setting in SUBMISSION_LIMITS:
        if keys[what] and config.get(setting):
            pairs += [
                (item, (prefix, "submissions", what, keys[what])) for item in parse_many(config[setting])
            ]
    return pairs


def within_submission_limits(created: ServiceRequest):
    """A 429 page when this address or mobile has had its share of accepted submissions."""
    return submission_refused(getattr(created, "applicant_mobile", None))


def submission_refused(mobile: str | None):
    """A 429 page when this address or `mobile` has had its share of accepted submissions
    (any public form that texts a mobile: an intake, the waiting list), else None."""
    from portal.core.error_pages import render_error
    from portal.extensions import limiter

    pairs = _submission_limits(mobile)
    if all(limiter.limiter.test(item, *ids) for item, ids in pairs):
        return None
    return render_error(
        429,
        _l(
            "This address or mobile number has sent many requests recently. Wait an hour, "
            "or call 12348 or visit a justice office."
        ),
    )


def count_submission(created: ServiceRequest | None, mobile: str | None = None) -> None:
    """Count an accepted submission (after its commit) against the limits."""
    from portal.extensions import limiter

    for item, ids in _submission_limits(mobile or getattr(created, "applicant_mobile", None)):
        limiter.limiter.hit(item, *ids)
