"""Tables of people's mediation: committees, cases and their sessions."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Column, Date, ForeignKey, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest, Township
from portal.extensions import db

committee_member = Table(
    "mediation_committee_member",
    db.metadata,
    Column("committee_id", ForeignKey("mediation_committee.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


#: Days the parties have to ask the court to confirm an agreement (人民调解法 Art. 33).
CONFIRMATION_DAYS = 30


class MediationCommittee(db.Model):
    """A people's mediation committee (人民调解委员会) of a county, township, village or industry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150))
    #: county, township, village or industry (vocabulary.COMMITTEE_LEVELS).
    level: Mapped[str] = mapped_column(String(16), default="township")
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    #: The area or the enterprises it serves, in the committee's own words.
    area: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)

    township: Mapped[Township | None] = relationship(lazy="joined")
    #: Its mediators: a case's mediators are chosen among them.
    mediators = relationship("User", secondary=committee_member, order_by="User.id")


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
    #: Who referred the case (a court, a police station, another body) and its document.
    referring_body: Mapped[str | None] = mapped_column(String(200))
    referral_document: Mapped[str | None] = mapped_column(String(100))
    #: Court-commissioned pre-litigation mediation: the court's case number and deadline,
    #: and the report sent back to the court on closing.
    court_case_number: Mapped[str | None] = mapped_column(String(100))
    court_deadline: Mapped[date | None] = mapped_column(Date)
    court_report: Mapped[str | None] = mapped_column(Text)
    court_reported_at: Mapped[datetime | None]
    #: Each party read the rights and duties, and chose public or non-public mediation.
    applicant_rights_read_at: Mapped[datetime | None]
    applicant_private: Mapped[bool | None]
    party_rights_read_at: Mapped[datetime | None]
    party_private: Mapped[bool | None]
    #: What the other party reads of the dispute, written or approved by the coordinator.
    party_summary: Mapped[str | None] = mapped_column(Text)
    #: A party's request for another mediator (applicant or party), and the decision.
    mediator_change_by: Mapped[str | None] = mapped_column(String(16))
    mediator_change_reason: Mapped[str | None] = mapped_column(Text)
    mediator_change_decision: Mapped[str | None] = mapped_column(Text)
    #: Risk that the dispute turns violent or criminal (none, low, medium, high), the steps
    #: taken (vocabulary.ESCALATION_STEPS, comma-separated) and a note.
    escalation_level: Mapped[str | None] = mapped_column(String(16))
    escalation_steps: Mapped[str | None] = mapped_column(String(200))
    escalation_note: Mapped[str | None] = mapped_column(Text)
    escalation_set_at: Mapped[datetime | None]
    #: The dispute turned into a criminal case (民转刑): the figure the county expects at 0.
    turned_criminal: Mapped[bool | None]
    #: A major dispute (重大纠纷) and one that involves an enterprise (涉企), set on acceptance.
    major: Mapped[bool | None]
    enterprise_related: Mapped[bool | None]
    #: The agreement (Art. 29): the day it was reached, at which session, the main facts and
    #: how it is performed; its terms are MediationTerm rows. Effective (agreement_effective_on)
    #: on that day when oral (Art. 30), else on the last of the signatures and the seal.
    agreement_reached_on: Mapped[date | None] = mapped_column(Date)
    #: The session's id, without a foreign key: the session already points to its case.
    agreement_session_id: Mapped[int | None]
    agreement_facts: Mapped[str | None] = mapped_column(Text)
    performance_method: Mapped[str | None] = mapped_column(Text)
    #: Judicial confirmation (Art. 33): the court the parties chose, the day they applied,
    #: the court's result (confirmed or refused), its day and its document number.
    confirmation_court: Mapped[str | None] = mapped_column(String(200))
    confirmation_applied_on: Mapped[date | None] = mapped_column(Date)
    confirmation_result: Mapped[str | None] = mapped_column(String(16))
    confirmation_decided_on: Mapped[date | None] = mapped_column(Date)
    confirmation_number: Mapped[str | None] = mapped_column(String(100))

    committee: Mapped[MediationCommittee | None] = relationship(lazy="joined")
    mediator = relationship("User", foreign_keys=[mediator_id], lazy="joined")
    second_mediator = relationship("User", foreign_keys=[second_mediator_id], lazy="joined")
    preferred_mediator = relationship("User", foreign_keys=[preferred_mediator_id])
    sessions: Mapped[list["MediationSession"]] = relationship(
        order_by="MediationSession.starts_at", cascade="all, delete-orphan", back_populates="case"
    )
    records: Mapped[list["MediationRecord"]] = relationship(
        order_by="MediationRecord.id", cascade="all, delete-orphan", back_populates="case"
    )
    terms: Mapped[list["MediationTerm"]] = relationship(
        order_by="MediationTerm.position", cascade="all, delete-orphan", back_populates="case"
    )
    signatures: Mapped[list["MediationSignature"]] = relationship(
        order_by="MediationSignature.id", cascade="all, delete-orphan", back_populates="case"
    )

    @property
    def confirmation_last_day(self) -> date | None:
        """The last day to ask a court to confirm a written agreement in effect (Art. 33)."""
        if self.agreement_form != "written" or self.agreement_effective_on is None:
            return None
        return self.agreement_effective_on + timedelta(days=CONFIRMATION_DAYS)

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


class MediationRecord(db.Model):
    """The record of one session (调解记录, Art. 27): staff only, signed off by the mediator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_session.id", ondelete="SET NULL"))
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[str] = mapped_column(Text)
    applicant_statement: Mapped[str] = mapped_column(Text)
    party_statement: Mapped[str] = mapped_column(Text)
    mediator_proposals: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[MediationCase] = relationship(back_populates="records")
    signed_by = relationship("User", foreign_keys=[signed_by_id])


class MediationTerm(db.Model):
    """One term of an agreement (Art. 29): who does what, by when and how, and, at the
    performance check, whether it was performed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    obligor: Mapped[str] = mapped_column(String(100))
    obligation: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(200))
    #: performed, partly or not_performed (vocabulary.PERFORMANCE), and when it was checked.
    performance: Mapped[str | None] = mapped_column(String(16))
    performance_noted_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[MediationCase] = relationship(back_populates="terms")


class MediationSignature(db.Model):
    """A signature on the written agreement, or the committee's seal, as recorded by staff."""

    __table_args__ = (UniqueConstraint("case_id", "signer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True)
    #: "applicant", "party-<RequestParty.id>", "mediator" or "seal".
    signer: Mapped[str] = mapped_column(String(32))
    signed_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[MediationCase] = relationship(back_populates="signatures")
