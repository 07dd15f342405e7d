"""Enterprise identity: an enterprise is its own record, and accounts are its members.

Typing a company's public credit code (USCC) makes nobody its owner: a new member stays
unverified until a coordinator has checked the business licence and the clerk's
authorisation letter. Services that give an enterprise something private (a health
check report) give it only to verified members; an admin may transfer or revoke a
membership.
"""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, lazyload, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.models import Township
from portal.extensions import db


class MemberStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    REVOKED = "revoked"


MEMBER_STATUS_LABELS = {
    MemberStatus.PENDING: _l("Waiting for verification"),
    MemberStatus.VERIFIED: _l("Verified"),
    MemberStatus.REJECTED: _l("Not verified"),
    MemberStatus.REVOKED: _l("Membership ended"),
}
DOCUMENT_TYPES = {
    "licence": _l("Business licence"),
    "authorisation": _l("Authorisation letter for the clerk"),
}


class Enterprise(db.Model):
    """An enterprise of the county, known by its unified social credit code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    industry: Mapped[str | None] = mapped_column(String(100))
    employees: Mapped[int | None]
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    #: An industrial park or development zone, when the enterprise is in one.
    park: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    township: Mapped[Township | None] = relationship(lazy="joined")
    members: Mapped[list["EnterpriseMember"]] = relationship(
        back_populates="enterprise", order_by="EnterpriseMember.id"
    )


class EnterpriseMember(db.Model):
    """One account acting for one enterprise, verified or not."""

    __table_args__ = (UniqueConstraint("enterprise_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=MemberStatus.PENDING)
    #: When the member sent the licence and authorisation for checking.
    submitted_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    #: Why a membership was not verified or ended, shown to the member.
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship(back_populates="members", lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    documents: Mapped[list["EnterpriseDocument"]] = relationship(
        order_by="EnterpriseDocument.id", cascade="all, delete-orphan"
    )

    @property
    def is_verified(self) -> bool:
        return self.status == MemberStatus.VERIFIED

    @property
    def status_label(self):
        return MEMBER_STATUS_LABELS[MemberStatus(self.status)]


class EnterpriseDocument(db.Model):
    """A business licence or authorisation letter sent for verification (stored privately)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("enterprise_member.id", ondelete="CASCADE"), index=True)
    document_type: Mapped[str] = mapped_column(String(16))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def join_enterprise(user, name: str, uscc: str) -> EnterpriseMember:
    """Make `user` an unverified member of the enterprise with this USCC (created if new)."""
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if enterprise is None:
        enterprise = Enterprise(name=name, uscc=uscc)
        db.session.add(enterprise)
        db.session.flush()
    member = EnterpriseMember(enterprise=enterprise, user_id=user.id, status=MemberStatus.PENDING)
    db.session.add(member)
    return member


def membership_of(user) -> EnterpriseMember | None:
    """The user's current membership (the newest one that has not ended)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(EnterpriseMember)
        .where(EnterpriseMember.user_id == user.id, EnterpriseMember.status != MemberStatus.REVOKED)
        .order_by(EnterpriseMember.id.desc())
        .limit(1)
        # The member is `user`, already loaded: not joined again (#40).
        .options(lazyload(EnterpriseMember.user))
    )


def verified_enterprise(user) -> Enterprise | None:
    """The enterprise this account may act for, once verified; else None."""
    member = membership_of(user)
    return member.enterprise if member is not None and member.is_verified else None


def is_verified_member(user, enterprise_id: int) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and db.session.scalar(
            select(EnterpriseMember.id).where(
                EnterpriseMember.user_id == user.id,
                EnterpriseMember.enterprise_id == enterprise_id,
                EnterpriseMember.status == MemberStatus.VERIFIED,
            )
        )
    )


def send_for_verification(member: EnterpriseMember, staged_by_type: dict) -> None:
    """Attach the staged licence and authorisation to the membership and mark it sent."""
    from portal.core.attachments import adopt

    for document_type, rows in staged_by_type.items():
        for row in rows:
            stored = adopt(row)
            member.documents.append(EnterpriseDocument(document_type=document_type, **stored))
    member.status = MemberStatus.PENDING
    member.note = None
    member.submitted_at = utcnow()


def decide(member: EnterpriseMember, verified: bool, by, note: str | None = None) -> None:
    """A coordinator verifies a membership, or refuses it with a note for the member."""
    member.status = MemberStatus.VERIFIED if verified else MemberStatus.REJECTED
    member.decided_by_id = by.id
    member.decided_at = utcnow()
    member.note = note or None


def revoke(member: EnterpriseMember, by, note: str | None = None) -> None:
    member.status = MemberStatus.REVOKED
    member.decided_by_id = by.id
    member.decided_at = utcnow()
    member.note = note or None


def transfer(member: EnterpriseMember, to_user, by) -> EnterpriseMember:
    """Hand an enterprise's verified membership to another account (the old one ends)."""
    revoke(member, by, note=str(_l("Handed over to another account.")))
    existing = db.session.scalar(
        select(EnterpriseMember).where(
            EnterpriseMember.enterprise_id == member.enterprise_id, EnterpriseMember.user_id == to_user.id
        )
    )
    new = existing or EnterpriseMember(enterprise_id=member.enterprise_id, user_id=to_user.id)
    new.status = MemberStatus.VERIFIED
    new.decided_by_id = by.id
    new.decided_at = utcnow()
    new.note = None
    db.session.add(new)
    return new
