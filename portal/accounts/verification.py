"""Mobile verification (SPEC §2): a 6-digit one-time code by SMS, valid MOBILE_CODE_TTL,
stored hashed, at most MOBILE_CODE_MAX_TRIES tries, sends limited per mobile and per
address. The intake's `verify_mobile` seam calls `verify_intake_mobile`."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from functools import partial

from flask import current_app, g, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from portal.accounts.models import MobileCode
from portal.core.clock import local_datetime, utcnow
from portal.core.identity import mask_mobile
from portal.extensions import db

CODE_FIELD = "mobile_code"
RESEND_FIELD = "mobile_code_resend"
SESSION_KEY = "mobile_code_id"
#: A mobile this browser proved by a code a moment ago (e.g. to open a draft, issue #30):
#: a keyed hash and when, valid MOBILE_CODE_TTL (the cookie is signed, not encrypted).
PROVEN_KEY = "mobile_proven"
SMS_LIMITS = (("mobile", "RATELIMIT_SMS_PER_MOBILE"), ("address", "RATELIMIT_SMS_PER_ADDRESS"))


def code_hash(mobile: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def shows_code_on_page() -> bool:
    """Only the local demo with the log SMS backend shows the code (a marked notice)."""
    config = current_app.config
    return bool(config.get("DEMO_MODE")) and config["NOTIFICATION_BACKEND"].endswith(":LogSender")


def mobile_key(mobile: str) -> str:
    """A keyed hash of a mobile, for what a session cookie keeps of it."""
    return code_hash(mobile, "session")


def remember_proven(mobile: str) -> None:
    """This browser proved `mobile` by a code now: the form it goes on to asks no second code."""
    session[PROVEN_KEY] = [mobile_key(mobile), utcnow().isoformat()]


def _proven_in_session(mobile: str) -> bool:
    kept = session.get(PROVEN_KEY)
    if not (isinstance(kept, list) and len(kept) == 2):
        return False
    try:
        at = datetime.fromisoformat(kept[1])
    except (TypeError, ValueError):
        return False
    live = at > utcnow() - current_app.config["MOBILE_CODE_TTL"]
    return live and hmac.compare_digest(str(kept[0]), mobile_key(mobile))


def needs_verification(mobile: str | None) -> bool:
    if not current_app.config.get("MOBILE_VERIFICATION", True) or not mobile:
        return False
    if not (current_user.is_authenticated and current_user.is_staff) and _proven_in_session(mobile):
        g.proven_mobile = mobile  # proved by a code in this browser a moment ago
        return False
    if current_user.is_authenticated and current_user.is_staff:
        return False  # staff enter requests for others, and the request records who
    if current_user.is_authenticated and current_user.mobile == mobile and current_user.mobile_verified_at:
        return False  # a signed-in user's own mobile, proved by a code before
    return True


def proven_here(mobile: str | None) -> bool:
    """Whether this submission's mobile is proven: by a code typed in this request, or as
    the signed-in resident's own mobile that their account proved. Never for staff."""
    if not mobile or (current_user.is_authenticated and current_user.is_staff):
        return False
    if g.get("proven_mobile") == mobile:
        return True
    return bool(
        current_user.is_authenticated and current_user.mobile == mobile and current_user.mobile_verified_at
    )


def _sms_limits(mobile: str) -> list:
    from limits import parse_many

    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return []
    keys = {"mobile": mobile, "address": request.remote_addr or "unknown"}
    prefix = config.get("RATELIMIT_KEY_PREFIX") or "portal"
    return [
        (item, (prefix, "sms", what, keys[what]))
        for what, setting in SMS_LIMITS
        if config.get(setting)
        for item in parse_many(config[setting])
    ]


def take_sms_allowance(mobile: str) -> bool:
    """Count one code send to `mobile` from this address; False when they are used up."""
    from portal.extensions import limiter

    limits = _sms_limits(mobile)
    if not all(limiter.limiter.test(item, *ids) for item, ids in limits):
        return False
    for item, ids in limits:
        limiter.limiter.hit(item, *ids)
    return True


def new_code(mobile: str, template: str = "verification_code") -> tuple[MobileCode, str]:
    """A new code row for `mobile` and its text message (queued, not committed)."""
    from portal.core.notifications import queue_message

    code = f"{secrets.randbelow(10**6):06d}"
    row = MobileCode(
        mobile=mobile,
        code_hash=code_hash(mobile, code),
        created_at=utcnow(),
        expires_at=utcnow() + current_app.config["MOBILE_CODE_TTL"],
    )
    db.session.add(row)
    minutes = int(current_app.config["MOBILE_CODE_TTL"].total_seconds() // 60)
    if template == "password_reset_code":
        text = _l(
            "Your code to set a new password is %(code)s, valid for %(minutes)s minutes. "
            "If you did not ask for it, ignore this message.",
            code=code,
            minutes=minutes,
        )
    else:
        text = _l(
            "Your verification code is %(code)s, valid for %(minutes)s minutes. Do not tell it to anyone.",
            code=code,
            minutes=minutes,
        )
    queue_message(mobile, str(text), template=template, params={"code": code, "minutes": minutes})
    return row, code


def code_matches(row: MobileCode | None, mobile: str, typed: str) -> bool:
    """Whether `typed` is the live code of `row` for `mobile`; a wrong try is counted."""
    now = utcnow()
    usable = (
        row is not None
        and row.mobile == mobile
        and row.verified_at is None
        and row.expires_at > now
        and row.attempts < current_app.config["MOBILE_CODE_MAX_TRIES"]
    )
    if not usable:
        return False
    if hmac.compare_digest(row.code_hash, code_hash(mobile, typed)):
        row.verified_at = now
        return True
    row.attempts += 1
    return False


def send_code(mobile: str):
    """Queue a new code for `mobile`; the code (for the demo notice), or None when the
    sends for this mobile or address are used up."""
    if not take_sms_allowance(mobile):
        return None
    row, code = new_code(mobile)
    db.session.commit()
    session[SESSION_KEY] = row.id
    return code


def next_send_at(mobile: str) -> datetime | None:
    """When the next code may be sent to `mobile` from this address (None: now)."""
    from portal.extensions import limiter

    waits = [limiter.limiter.get_window_stats(item, *ids) for item, ids in _sms_limits(mobile)]
    ends = [stats.reset_time for stats in waits if stats.remaining <= 0]
    if not ends:
        return None
    return datetime.fromtimestamp(max(ends), UTC).replace(tzinfo=None)


def _usable(row: MobileCode | None, mobile: str) -> bool:
    return (
        row is not None
        and row.mobile == mobile
        and row.verified_at is None
        and row.expires_at > utcnow()
        and row.attempts < current_app.config["MOBILE_CODE_MAX_TRIES"]
    )


def verify_intake_mobile(mobile: str, *, change_url: str | None = None, step: str = "code"):
    """None when `mobile` is proven (or needs no proof); else the code page to show.

    The caller has built the request but not committed it: this rolls it back before
    writing anything of its own, so a code page never leaves a request behind. The page
    carries no answer: the caller keeps them on the server (core.intake_state).
    """
    if not needs_verification(mobile):
        return None
    switching = "switch_language" in request.form or "switch_elderly" in request.form
    resend = RESEND_FIELD in request.form and not switching
    typed = "" if switching else "".join(ch for ch in request.form.get(CODE_FIELD, "") if ch.isdigit())
    row = (
        db.session.get(MobileCode, session[SESSION_KEY])
        if isinstance(session.get(SESSION_KEY), int)
        else None
    )
    page = partial(code_page, mobile, change_url=change_url, step=step)
    if _usable(row, mobile) and typed and not resend:
        now = utcnow()
        if hmac.compare_digest(row.code_hash, code_hash(mobile, typed)):
            row.verified_at = now  # committed with the request
            g.proven_mobile = mobile
            session.pop(SESSION_KEY, None)
            if current_user.is_authenticated and current_user.mobile == mobile:
                current_user.mobile_verified_at = now
            return None
        db.session.rollback()
        row = db.session.get(MobileCode, row.id)
        row.attempts += 1
        db.session.commit()
        left = current_app.config["MOBILE_CODE_MAX_TRIES"] - row.attempts
        if left > 0:
            error = ngettext(
                "The code is wrong. You may try %(num)d more time.",
                "The code is wrong. You may try %(num)d more times.",
                left,
            )
            return page(error=error, status=400)
        return page(error=_l("The code is wrong too often: send a new one."), status=400, used_up=True)
    db.session.rollback()
    if _usable(row, mobile) and not resend:
        return page()  # the form again without a code: the same code
    code = send_code(mobile)
    if code is None:
        return page(status=429, limited=True)
    return page(demo_code=code if shows_code_on_page() else None)


def code_page(
    mobile: str,
    *,
    change_url=None,
    step: str = "code",
    error=None,
    demo_code=None,
    status: int = 200,
    limited: bool = False,
    used_up: bool = False,
):
    """The code page: one message at a time (the code sent, or why not), the masked
    number with a way back to change it, and when a new code may be asked for."""
    from portal.core.intake import STEP_FIELD

    resend_at = next_send_at(mobile)
    page = render_template(
        "accounts/verify_mobile.html",
        masked=mask_mobile(mobile),
        error=error,
        limited=limited,
        used_up=used_up,
        demo_code=demo_code,
        resend_at=local_datetime(resend_at, "HH:mm") if resend_at else None,
        change_url=change_url,
        action=request.full_path.rstrip("?"),
        step_field=STEP_FIELD,
        step=step,
        code_field=CODE_FIELD,
        resend_field=RESEND_FIELD,
        intake_form_id="code-form",
    )
    return current_app.make_response((page, status))
