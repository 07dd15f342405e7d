"""User accounts and their roles."""

from datetime import datetime
from enum import StrEnum

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.core.clock import utcnow
from portal.extensions import db


class AccountType(StrEnum):
    """Who the account belongs to."""

    RESIDENT = "resident"
    ENTERPRISE = "enterprise"
    STAFF = "staff"


class User(UserMixin, db.Model):
    """A person who signs in: resident, enterprise clerk, staff member or lawyer."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_type: Mapped[str] = mapped_column(String(16))
    #: Staff sign in with a username; residents and enterprises with their mobile.
    username: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Normalised mobile (11 digits); unique among public accounts.
    mobile: Mapped[str | None] = mapped_column(String(16), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    company_name: Mapped[str | None] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    #: When the owner last proved the mobile with an SMS code (None: never proved; the
    #: intake then asks for a code even when the person is signed in).
    mobile_verified_at: Mapped[datetime | None]
    #: Set by a counter reset (a temporary password): the next sign-in asks for a new one.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_active_account: Mapped[bool] = mapped_column(default=True)
    #: Lockout lives in the database so that it holds across worker processes.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    #: Server-side revocation: every session carries the epoch it was signed in under;
    #: signing out, a password change or a disable raises it and ends them all.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Staff second factor (TOTP, base32), set when enrolment is confirmed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last TOTP time step (unix time // 30) a code was accepted for: a code of that
    #: step or an earlier one is refused (ASVS 2.8.4, a code works once).
    totp_last_step: Mapped[int | None]
    #: SHA-256 hashes of the unused recovery codes, space-separated.
    recovery_codes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: Loaded when asked (the signed-in user's with the account: security.load_user; the
    #: admin list's with selectinload): a handler, an author or an actor joined to a page's
    #: rows is shown by name, and loading its roles cost each such page a statement (#40).
    role_rows: Mapped[list["UserRole"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.is_active_account

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the session epoch (see end_all_sessions)."""
        return f"{self.id}:{self.session_epoch or 0}"

    def end_all_sessions(self) -> None:
        """Revoke every session of this account, on every browser, at once."""
        self.session_epoch = (self.session_epoch or 0) + 1

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of the given roles."""
        return bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        return self.account_type == AccountType.STAFF

    def set_roles(self, roles) -> None:
        """Replace the user's roles with the given ones."""
        from portal.core.registry import all_roles

        wanted = {str(r) for r in roles}
        if unknown := wanted - set(all_roles()):
            raise ValueError(f"unknown roles {sorted(unknown)}")
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        present = {row.role for row in self.role_rows}
        for role in sorted(wanted - present):
            self.role_rows.append(UserRole(role=role))

    def set_password(self, password: str) -> None:
        """Set a new password; a change (not the first one) ends every session of the account."""
        changing = self.password_hash is not None
        self.password_hash = generate_password_hash(password, method=password_hash_method())
        if changing:
            self.end_all_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def password_hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


class LoginThrottle(db.Model):
    """Failed sign-ins counted per key: one account from one address ("account", scope
    "<login>|<address>") or one address ("address"). A lock on one key never stops the
    owner signing in from elsewhere. In the database, so it holds across processes."""

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    #: The login typed (normalised), for the admin page; None for an address-only key.
    login: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(index=True)


class MobileCode(db.Model):
    """A one-time code sent to prove a mobile (SPEC §2): stored hashed, valid a few
    minutes, a few tries; the tries count here, not in the visitor's cookie."""

    __tablename__ = "mobile_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    mobile: Mapped[str] = mapped_column(String(16), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32), index=True)

    user: Mapped[User] = relationship(back_populates="role_rows")
