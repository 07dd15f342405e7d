"""Mobile verification (SPEC §2): a 6-digit one-time code by SMS, valid MOBILE_CODE_TTL,
stored hashed, at most MOBILE_CODE_MAX_TRIES tries, sends limited per mobile and per
address. The intake's `verify_mobile` seam calls `verify_intake_mobile`."""

import hashlib
import hmac
import secrets

from flask import current_app, g, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import MobileCode
from portal.core.clock import utcnow
from portal.core.identity import mask_mobile
from portal.extensions import db

CODE_FIELD = "mobile_code"
RESEND_FIELD = "mobile_code_resend"
SESSION_KEY = "mobile_code_id"
SMS_LIMITS = (("mobile", "RATELIMIT_SMS_PER_MOBILE"), ("address", "RATELIMIT_SMS_PER_ADDRESS"))


def code_hash(mobile: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def shows_code_on_page() -> bool:
    """Only the local demo with the log SMS backend shows the code (a marked notice)."""
    config = current_app.config
    return bool(config.get("DEMO_MODE")) and config["NOTIFICATION_BACKEND"].endswith(":LogSender")


def needs_verification(mobile: str | None) -> bool:
    if not current_app.config.get("MOBILE_VERIFICATION", True) or not mobile:
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


def verify_intake_mobile(mobile: str, staged_tokens: list[str]):
    """None when `mobile` is proven (or needs no proof); else the code page to show.

    The caller has built the request but not committed it: this rolls it back before
    writing anything of its own, so a code page never leaves a request behind.
    """
    if not needs_verification(mobile):
        return None
    typed = "".join(ch for ch in request.form.get(CODE_FIELD, "") if ch.isdigit())
    row = (
        db.session.get(MobileCode, session[SESSION_KEY])
        if isinstance(session.get(SESSION_KEY), int)
        else None
    )
    now = utcnow()
    usable = (
        row is not None
        and row.mobile == mobile
        and row.verified_at is None
        and row.expires_at > now
        and row.attempts < current_app.config["MOBILE_CODE_MAX_TRIES"]
    )
    if usable and typed and RESEND_FIELD not in request.form:
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
        error = _l("The code is wrong.") if left > 0 else _l("The code is wrong too often: send a new one.")
        return code_page(mobile, staged_tokens, error=error, status=400)
    db.session.rollback()
    if usable and RESEND_FIELD not in request.form:
        return code_page(mobile, staged_tokens)  # the form again without a code: same code
    code = send_code(mobile)
    if code is None:
        return code_page(
            mobile,
            staged_tokens,
            status=429,
            error=_l("Too many codes were sent to this number. Wait a while, or call 12348."),
        )
    return code_page(mobile, staged_tokens, demo_code=code if shows_code_on_page() else None)


def code_page(mobile: str, staged_tokens: list[str], *, error=None, demo_code=None, status: int = 200):
    from portal.core.intake import STAGED_FIELD

    kept = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in (CODE_FIELD, RESEND_FIELD, STAGED_FIELD, "csrf_token")
    ]
    page = render_template(
        "accounts/verify_mobile.html",
        masked=mask_mobile(mobile),
        kept=kept,
        staged_tokens=staged_tokens,
        error=error,
        demo_code=demo_code,
        code_field=CODE_FIELD,
        resend_field=RESEND_FIELD,
        staged_field=STAGED_FIELD,
    )
    return current_app.make_response((page, status))
