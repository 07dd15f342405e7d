"""The staff second factor (SPEC §11): TOTP (RFC 6238, any authenticator app), enrolled at
the first sign-in, with single-use recovery codes. `STAFF_TWO_FACTOR` turns it off."""

import hashlib
import hmac
import secrets
from datetime import timedelta

import pyotp
from flask import current_app, session

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


def code_matches(secret: str, code: str) -> bool:
    return pyotp.TOTP(secret).verify(_digits(code), valid_window=1)


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Confirm enrolment with a code from the app: the recovery codes (shown once), or None."""
    if not code_matches(secret, code):
        return None
    user.totp_secret = secret
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes = " ".join(_hash(c) for c in codes)
    return codes


def check(user: User, code: str) -> bool:
    """A code from the app, or an unused recovery code (used up by this)."""
    if user.totp_secret and code_matches(user.totp_secret, code):
        return True
    hashes = (user.recovery_codes or "").split()
    given = _hash(code)
    for stored in hashes:
        if hmac.compare_digest(stored, given):
            hashes.remove(stored)
            user.recovery_codes = " ".join(hashes)
            return True
    return False
