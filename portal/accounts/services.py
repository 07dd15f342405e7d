"""Signing in, throttled per account and address and per address (in the database, so
that it holds across processes), and account creation."""

import secrets
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.models import AccountType, LoginThrottle, User, UserRole, password_hash_method
from portal.core.clock import utcnow
from portal.core.identity import normalise_mobile
from portal.database import dialect_insert
from portal.extensions import db


@dataclass
class SignInResult:
    user: User | None
    error: object | None = None


#: One answer for an unknown user, a wrong password and a locked account (SPEC §11).
SIGN_IN_REFUSED = _l(
    "The mobile number, username or password is wrong, or there were too many attempts: "
    "check them, or wait 15 minutes and try again."
)
#: Checked for an unknown user, so that every answer costs one password-hash check.
_DUMMY_HASHES: dict[str, str] = {}


def dummy_hash() -> str:
    method = password_hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASHES[method]


def find_account(identifier: str) -> User | None:
    """Find by staff username or by mobile number."""
    identifier = (identifier or "").strip()
    mobile = normalise_mobile(identifier)
    clauses = [User.username == identifier]
    if mobile:
        clauses.append(User.mobile == mobile)
    return db.session.scalar(select(User).where(or_(*clauses)).limit(1))


def throttle_keys(identifier: str, address: str) -> list[tuple[str, str, str | None]]:
    """(scope, key, login) of the counters one attempt touches: account+address, address."""
    login = (normalise_mobile(identifier) or (identifier or "").strip().lower())[:64]
    address = (address or "unknown")[:64]
    return [("account", f"a:{login}|{address}", login), ("address", f"i:{address}", None)]


def _throttles(identifier: str, address: str) -> list[LoginThrottle]:
    """The attempt's counters, each made first if it is missing. Two attempts at the same
    moment (two clerks behind one office address, a button pressed twice) may both find a
    counter missing: it is made with ON CONFLICT DO NOTHING, so the slower one reads the
    other's row instead of failing on the unique key (a 500 on PostgreSQL)."""
    rows = []
    for scope, key, login in throttle_keys(identifier, address):
        row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
        if row is None:
            db.session.execute(
                dialect_insert(db.session.get_bind().dialect.name)(LoginThrottle)
                .values(
                    scope=scope,
                    key=key,
                    login=login,
                    address=(address or "unknown")[:64],
                    failures=0,
                    first_failure_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=[LoginThrottle.key])
            )
            row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
        rows.append(row)
    return rows


def _limit(scope: str) -> int:
    config = current_app.config
    return config["LOGIN_MAX_FAILURES"] if scope == "account" else config["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def _count_failure(throttles: list[LoginThrottle], now) -> None:
    window = current_app.config["LOGIN_LOCKOUT"]
    for throttle in throttles:
        if throttle.locked_until is not None or now - throttle.first_failure_at > window:
            throttle.failures, throttle.first_failure_at, throttle.locked_until = 0, now, None
        throttle.failures += 1
        if throttle.failures >= _limit(throttle.scope):
            throttle.locked_until = now + window


def second_factor_allowed(identifier: str, address: str, failed: bool) -> bool:
    """Count a wrong second-factor code like a wrong password; False while locked."""
    now = utcnow()
    throttles = _throttles(identifier, address)
    if failed:
        _count_failure(throttles, now)
    return not any(t.locked_until is not None and t.locked_until > now for t in throttles)


def authenticate(identifier: str, password: str, address: str = "unknown") -> SignInResult:
    """Check the password, throttled per account and address and per address.

    Every path does exactly one password-hash check (an unknown user against a dummy
    hash, a locked one against its own) and gives one answer, so neither the message nor
    the time tells an unknown user from a wrong password or a lock. Failures never lock
    the account itself: a lock from one address leaves its owner free elsewhere.
    It does not commit: the sign-in view does, whatever the answer, so that failures count.
    """
    refused = SignInResult(None, SIGN_IN_REFUSED)
    user = find_account(identifier)
    now = utcnow()
    throttles = _throttles(identifier, address)
    locked = any(t.locked_until is not None and t.locked_until > now for t in throttles)
    matches = check_password_hash(user.password_hash if user is not None else dummy_hash(), password or "")
    if locked:
        return refused
    if user is None or not matches:
        _count_failure(throttles, now)
        return refused
    if not user.is_active_account:
        # Only someone who knows the password learns this.
        return SignInResult(None, _l("This account is disabled. Contact the justice bureau."))
    account_key = throttles[0]
    account_key.failures, account_key.locked_until = 0, None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return SignInResult(user)


def current_locks() -> list[LoginThrottle]:
    """Sign-in locks in force, newest first (the admin's locks page)."""
    return list(
        db.session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.locked_until > utcnow())
            .order_by(LoginThrottle.locked_until.desc())
        )
    )


def register_public_account(
    account_type: AccountType,
    mobile: str,
    display_name: str,
    password: str,
    company_name: str | None = None,
) -> User:
    """Create a resident or enterprise account (enterprise fields only for enterprises).

    An enterprise account's credit code goes to its membership (accounts.enterprises),
    never onto the account: typing a code proves nothing.
    """
    enterprise = account_type == AccountType.ENTERPRISE
    user = User(
        account_type=account_type,
        mobile=mobile,
        display_name=display_name,
        company_name=company_name if enterprise else None,
    )
    user.set_password(password)
    db.session.add(user)
    return user


def active_staff_with_role(*roles: str) -> list[User]:
    """Active accounts holding any of the roles, by name (handlers, lawyers, desk staff)."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role.in_(roles), User.is_active_account.is_(True))
            .order_by(User.display_name, User.id)
            .distinct()
        )
    )


class StaffChoice(NamedTuple):
    id: int
    display_name: str


def staff_choices(*roles: str) -> list[StaffChoice]:
    """(id, display_name) rows of the active accounts holding any of the roles, by name:
    a queue's filter lists them on every view, and full accounts (with their roles) cost
    that page a fifth of its time. Every active account's roles are read in one statement
    per transaction (`_active_staff`): the legal aid queue lists its handlers and its
    lawyers, which were a statement each (#40)."""
    wanted = set(roles)
    seen: set[int] = set()
    rows = []
    for row in _active_staff():
        if row.role in wanted and row.id not in seen:
            seen.add(row.id)
            rows.append(StaffChoice(row.id, row.display_name))
    return rows


def _active_staff() -> list:
    """(id, display_name, role) of every active account that holds a role, by name, read
    once in the session's transaction: a commit (a role or an account changed) reads
    them again. Only names and roles, never a person's data; a few dozen rows."""
    session = db.session()  # the request's session (the scoped proxy has no transaction)
    transaction = session.get_transaction()
    kept = session.info.get(_ACTIVE_STAFF_KEY)
    if transaction is None or kept is None or kept[0] is not transaction:
        rows = session.execute(_ACTIVE_STAFF).all()
        if transaction is None:  # the statement began one
            transaction = session.get_transaction()
        kept = session.info[_ACTIVE_STAFF_KEY] = (transaction, rows)
    return kept[1]


_ACTIVE_STAFF_KEY = "portal.active_staff"
#: Built once: building it cost as much as running it.
_ACTIVE_STAFF = (
    select(User.id, User.display_name, UserRole.role)
    .join(UserRole, UserRole.user_id == User.id)
    .where(User.is_active_account.is_(True))
    .order_by(User.display_name, User.id)
)


def create_staff_user(username: str, password: str, roles, display_name: str | None = None) -> User:
    """Create a staff or lawyer account with the given roles."""
    user = User(account_type=AccountType.STAFF, username=username, display_name=display_name or username)
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    return user
