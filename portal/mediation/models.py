"""Tables of people's mediation: committees, cases and their sessions."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest, Township
from portal.extensions import db


class MediationCommittee(db.Model):
    """A people's mediation committee (人民调解委员会) of a township, village or industry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150))
    #: township, village or industry (vocabulary.COMMITTEE_KINDS).
    kind: Mapped[str] = mapped_column(String(16), default="township")
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    is_active: Mapped[bool] = mapped_column(default=True)

    township: Mapped[Township | None] = relationship(lazy="joined")


class MediationCase(ServiceRequest):
    """One dispute brought to people's mediation (type MD). The other side is a RequestParty."""

    __tablename__ = "mediation_case"
    __mapper_args__ = {"polymorphic_identity": "MD"}

    id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True)
    dispute_type: Mapped[str] = mapped_column(String(16))
    facts: Mapped[str] = mapped_column(Text)
    #: What the applicant asks for.
    claims: Mapped[str] = mapped_column(Text)
    #: A court or an arbitration body already has the case (then mediation is usually declined).
    in_court: Mapped[bool] = mapped_column(default=False)
    applicant_address: Mapped[str | None] = mapped_column(String(200))
    preferred_mediator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: online, counter or initiative (vocabulary.CHANNELS); staff-entered cases record who.
    channel: Mapped[str] = mapped_column(String(16), default="online")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_committee.id"))
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    second_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: Why mediation was declined or failed, told to the parties.
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    agreement_form: Mapped[str | None] = mapped_column(String(8))
    agreement_terms: Mapped[str | None] = mapped_column(Text)
    agreement_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    agreement_effective_on: Mapped[date | None] = mapped_column(Date)
    performance_due_on: Mapped[date | None] = mapped_column(Date)
    #: Reminders sent once each: joint court confirmation (司法确认) and the performance check.
    confirmation_reminded_at: Mapped[datetime | None]
    performance_checked_at: Mapped[datetime | None]
    performance: Mapped[str | None] = mapped_column(String(16))

    committee: Mapped[MediationCommittee | None] = relationship(lazy="joined")
    mediator = relationship("User", foreign_keys=[mediator_id], lazy="joined")
    second_mediator = relationship("User", foreign_keys=[second_mediator_id], lazy="joined")
    preferred_mediator = relationship("User", foreign_keys=[preferred_mediator_id])
    sessions: Mapped[list["MediationSession"]] = relationship(
        order_by="MediationSession.starts_at", cascade="all, delete-orphan", back_populates="case"
    )

    @property
    def other_party(self):
        return self.parties[0] if self.parties else None


class MediationSession(db.Model):
    """A scheduled mediation session: when and where both parties are expected."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200))
    #: Raised when the session is changed, so calendar apps update their copy.
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[MediationCase] = relationship(back_populates="sessions")
