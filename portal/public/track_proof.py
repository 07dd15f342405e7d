"""Proof before a request is shown (SPEC §2 "Identity and tracking", issue #28).

`/track` takes a reference and a mobile and answers the same for every pair: a code goes
to the mobile only when it is the applicant's or that of a party told of the request,
from tracking's own SMS allowance (never for a safe-contact request: its PIN is typed
where the code would be), and the browser sees the request only once the code
is typed. Whether a pair matched is never written where the visitor can read it (Flask's
session cookie is signed, not encrypted): the session holds only what was typed and
when, and the code's row is found again by its mobile and time. Its hash is bound to
tracking and to the reference, so a code sent for anything else (an application, a
password) never opens a request.

Pairs and codes tried are counted per (reference, address) and per address, never per
reference alone: the other party of a mediation holds the reference and must not be
able to lock the applicant out. Every pair counts, right or wrong: a limit that counted
only wrong pairs would tell, by not refusing, that one of them matched.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import MobileCode
from portal.core import safe_contact
from portal.core.access import remember_party, remember_tracked
from portal.core.clock import utcnow
from portal.core.models import RequestParty, ServiceRequest
from portal.core.services import load_by_reference, normalise_reference
from portal.extensions import db

PENDING_KEY = "track_pending"
#: Every pair and every code tried: per (reference, address), then per address.
PAIR_LIMITS = (("reference_address", "RATELIMIT_TRACK_PER_REFERENCE"), ("address", "RATELIMIT_TRACK"))
#: Codes sent by tracking, apart from those of the forms and accounts.
SMS_LIMITS = (("mobile", "RATELIMIT_TRACK_SMS_PER_MOBILE"), ("address", "RATELIMIT_TRACK_SMS_PER_ADDRESS"))


@dataclass(frozen=True)
class Pending:
    """A pair typed on `/track`, waiting for its code: only what the visitor typed."""

    reference: str
    mobile: str
    since: datetime
    next_url: str | None


def match(found: ServiceRequest | None, mobile: str | None):
    """The request (for its applicant) or the told party whose mobile this is, else None."""
    if found is None or not mobile:
        return None
    if found.applicant_mobile == mobile:
        return found
    return next((p for p in found.parties if p.mobile == mobile and p.notified_at is not None), None)


def remember(target) -> str:
    """Let this browser follow the request as `target`; its reference."""
    if isinstance(target, RequestParty):
        remember_party(target)
        return target.request.reference
    remember_tracked(target)
    return target.reference


def owns_mobile(mobile: str) -> bool:
    """A signed-in resident whose account proved this mobile by a code."""
    return bool(
        current_user.is_authenticated
        and not current_user.is_staff
        and current_user.mobile == mobile
        and current_user.mobile_verified_at
    )


def _limits(settings, keys: dict, what: str) -> list:
    from limits import parse_many

    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return []
    prefix = config.get("RATELIMIT_KEY_PREFIX") or "portal"
    return [
        (item, (prefix, what, name, keys[name]))
        for name, setting in settings
        if config.get(setting)
        for item in parse_many(config[setting])
    ]


def _take(limits: list) -> bool:
    from portal.extensions import limiter

    if not all(limiter.limiter.test(item, *ids) for item, ids in limits):
        return False
    for item, ids in limits:
        limiter.limiter.hit(item, *ids)
    return True


def take_try(reference: str) -> bool:
    """Count one pair or code tried for `reference` from this address; False when used up."""
    address = request.remote_addr or "unknown"
    keys = {"reference_address": f"{normalise_reference(reference)}@{address}", "address": address}
    return _take(_limits(PAIR_LIMITS, keys, "track"))


def _scope(reference: str, mobile: str) -> str:
    return f"track:{normalise_reference(reference)}:{mobile}"


def _hash(reference: str, mobile: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{_scope(reference, mobile)}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(reference: str, mobile: str) -> str | None:
    """Queue a tracking code for `mobile` (committed); the code, or None when tracking's
    allowance for this mobile or address is used up (the page says the same)."""
    from portal.core.notifications import queue_message

    address = request.remote_addr or "unknown"
    if not _take(_limits(SMS_LIMITS, {"mobile": mobile, "address": address}, "track-sms")):
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    now = utcnow()
    ttl = current_app.config["MOBILE_CODE_TTL"]
    db.session.add(
        MobileCode(
            mobile=mobile, code_hash=_hash(reference, mobile, code), created_at=now, expires_at=now + ttl
        )
    )
    minutes = int(ttl.total_seconds() // 60)
    text = _l(
        "Your verification code is %(code)s, valid for %(minutes)s minutes. Do not tell it to anyone.",
        code=code,
        minutes=minutes,
    )
    queue_message(mobile, str(text), template="verification_code", params={"code": code, "minutes": minutes})
    db.session.commit()
    return code


def start(reference: str, mobile: str, next_url: str | None = None) -> str | None:
    """Remember the typed pair in the session and send a code when it matches; the code
    (for the demo's notice only) or None. The same pair typed again keeps the codes sent
    for it live (a new one may wait for the allowance)."""
    found = load_by_reference(reference)
    reference = normalise_reference(reference)
    earlier = pending()
    same = earlier is not None and (earlier.reference, earlier.mobile) == (reference, mobile)
    since = earlier.since if same else utcnow().replace(microsecond=0)
    session[PENDING_KEY] = {
        "reference": reference,
        "mobile": mobile,
        "since": since.isoformat(timespec="seconds"),
        "next": next_url,
    }
    if match(found, mobile) is None or found.safe_contact:
        return None  # a safe-contact request texts no one, codes included: its PIN opens it
    return send_code(found.reference, mobile)


def pending() -> Pending | None:
    """The pair this browser typed last, if any."""
    data = session.get(PENDING_KEY)
    try:
        return Pending(
            data["reference"], data["mobile"], datetime.fromisoformat(data["since"]), data.get("next")
        )
    except (KeyError, TypeError, ValueError):
        return None


def code_is_right(reference: str, mobile: str, since: datetime, typed: str) -> bool:
    """Whether `typed` is a live code sent since `since` to `mobile` for `reference` (used
    up when right); a wrong one costs every live code of the mobile a try."""
    now = utcnow()
    rows = db.session.scalars(
        select(MobileCode)
        .where(
            MobileCode.mobile == mobile,
            MobileCode.created_at >= since,
            MobileCode.verified_at.is_(None),
            MobileCode.expires_at > now,
            MobileCode.attempts < current_app.config["MOBILE_CODE_MAX_TRIES"],
        )
        .order_by(MobileCode.id.desc())
        .limit(5)
    ).all()
    digits = "".join(ch for ch in typed if ch.isdigit())
    if len(digits) == 6:
        expected = _hash(reference, mobile, digits)
        for row in rows:
            if hmac.compare_digest(row.code_hash, expected):
                row.verified_at = now
                db.session.commit()
                return True
    for row in rows:
        row.attempts += 1
    db.session.commit()
    return False


def prove(waiting: Pending, typed: str):
    """The request or party proven by `typed`, for this browser to remember; else None."""
    found = load_by_reference(waiting.reference)
    target = match(found, waiting.mobile)
    if found is not None and found.safe_contact:  # its PIN in place of a code (core.safe_contact)
        if target is found and safe_contact.pin_is_right(found, typed):
            session.pop(PENDING_KEY, None)
            return target
        return None
    reference = found.reference if target is not None else waiting.reference
    if code_is_right(reference, waiting.mobile, waiting.since, typed) and target is not None:
        session.pop(PENDING_KEY, None)
        return target
    return None
