"""Signing in with a lockout that holds across processes (it lives in the database)."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal.accounts.models import AccountKind, User, UserRole
from portal.core.clock import utcnow
from portal.core.identity import normalise_mobile
from portal.extensions import db


@dataclass
class SignInResult:
    user: User | None
    error: object | None = None


def find_account(identifier: str) -> User | None:
    """Find by staff username or by mobile number."""
    identifier = (identifier or "").strip()
    mobile = normalise_mobile(identifier)
    clauses = [User.username == identifier]
    if mobile:
        clauses.append(User.mobile == mobile)
    return db.session.scalar(select(User).where(or_(*clauses)).limit(1))


def authenticate(identifier: str, password: str) -> SignInResult:
    """Check the password; count failures and lock the account after too many.

    It changes the account (counters, lock) but does not commit: the sign-in view does,
    whatever the answer, so that failures count.
    """
    wrong = SignInResult(None, _l("The mobile number, username or password is wrong."))
    user = find_account(identifier)
    now = utcnow()
    if user is None:
        return wrong
    if user.is_locked(now):
        return SignInResult(None, _l("Too many failed attempts: this account is locked for 15 minutes."))
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + current_app.config["LOGIN_LOCKOUT"]
            user.failed_logins = 0
            return SignInResult(None, _l("Too many failed attempts: this account is locked for 15 minutes."))
        return wrong
    if not user.is_active_account:
        return SignInResult(None, _l("This account is disabled. Contact the justice bureau."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return SignInResult(user)


def register_public_account(
    kind: AccountKind, mobile: str, display_name: str, password: str,
    company_name: str | None = None,
) -> User:
    """Create a resident or enterprise account (enterprise fields only for enterprises).

    An enterprise account's credit code goes to its membership (accounts.enterprises),
    never onto the account: typing a code proves nothing.
    """
    enterprise = kind == AccountKind.ENTERPRISE
    user = User(
        kind=kind,
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


def create_staff_user(username: str, password: str, roles, display_name: str | None = None) -> User:
    """Create a staff or lawyer account with the given roles."""
    user = User(kind=AccountKind.STAFF, username=username, display_name=display_name or username)
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    return user
