"""The staff second factor (SPEC §11): TOTP (RFC 6238, any authenticator app), enrolled at
the first sign-in, with single-use recovery codes. `STAFF_TWO_FACTOR` turns it off."""

import hashlib
import hmac
import secrets
from datetime import UTC, timedelta

import pyotp
from flask import current_app, session
from sqlalchemy import or_, update

from portal.accounts.models import User
from portal.core.clock import utcnow
from portal.extensions import db

PENDING_KEY = "two_factor_user"
PENDING_AT_KEY = "two_factor_at"
NEW_SECRET_KEY = "two_factor_new_secret"  # noqa: S105 (a session key, not a secret)
#: The password step is good for this long while the second factor is asked.
PENDING_LIFETIME = timedelta(minutes=5)
RECOVERY_CODE_COUNT = 8
ISSUER = "Legal Services Portal"


def required_for(user: User) -> bool:
    return user.is_staff and bool(current_app.config.get("STAFF_TWO_FACTOR", True))


def start(user: User) -> None:
    """The password was right: remember who is half signed in (no session yet)."""
    session[PENDING_KEY] = user.get_id()
    session[PENDING_AT_KEY] = utcnow().isoformat(timespec="seconds")


def pending_user() -> User | None:
    """The half-signed-in account, if its password step is recent and not revoked since."""
    from datetime import datetime

    user_id, _, epoch = str(session.get(PENDING_KEY, "")).partition(":")
    try:
        fresh = utcnow() - datetime.fromisoformat(session.get(PENDING_AT_KEY, "")) <= PENDING_LIFETIME
    except (TypeError, ValueError):
        return None
    if not (fresh and user_id.isdigit() and epoch.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active_account or (user.session_epoch or 0) != int(epoch):
        return None
    return user


def finish() -> None:
    for key in (PENDING_KEY, PENDING_AT_KEY, NEW_SECRET_KEY):
        session.pop(key, None)


def new_secret() -> str:
    """The secret offered for enrolment, kept in the session until a code confirms it."""
    if not session.get(NEW_SECRET_KEY):
        session[NEW_SECRET_KEY] = pyotp.random_base32()
    return session[NEW_SECRET_KEY]


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username or str(user.id), issuer_name=ISSUER)


def _digits(code: str) -> str:
    return "".join(ch for ch in code or "" if ch.isalnum()).lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_digits(code).encode()).hexdigest()


def matching_step(secret: str, code: str) -> int | None:
    """The time step (unix time // 30) whose code this is, within one step either side."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow().replace(tzinfo=UTC))
    typed = _digits(code)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Confirm enrolment with a code from the app: the recovery codes (shown once), or None."""
    step = matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step  # the enrolment's code does not sign in again
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes = " ".join(_hash(c) for c in codes)
    return codes


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as the last accepted one unless it, or a later one, already is.

    A conditional UPDATE, not a read-then-write: of two requests with one code, the
    database lets exactly one change the row."""
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _use_recovery_code(user: User, code: str) -> bool:
    """Remove an unused recovery code, compared with the list the database holds now."""
    hashes = (user.recovery_codes or "").split()
    given = _hash(code)
    for stored in hashes:
        if hmac.compare_digest(stored, given):
            remaining = " ".join(h for h in hashes if h != stored)
            used = db.session.execute(
                update(User)
                .where(User.id == user.id, User.recovery_codes == user.recovery_codes)
                .values(recovery_codes=remaining)
                .execution_options(synchronize_session=False)
            )
            return used.rowcount == 1
    return False


def check(user: User, code: str) -> bool:
    """A code from the app for a step after the last accepted one, or an unused recovery
    code (used up by this)."""
    if user.totp_secret and (step := matching_step(user.totp_secret, code)) is not None:
        return _claim_step(user, step)
    return _use_recovery_code(user, code)
