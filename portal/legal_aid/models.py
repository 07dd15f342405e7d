"""A legal aid application: the shared request plus what the Legal Aid Law asks for."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.extensions import db


class LegalAidApplication(ServiceRequest):
    """One application for legal aid (type LA)."""

    __tablename__ = "legal_aid_application"
    __table_args__ = (
        Index("ix_legal_aid_lawyer", "lawyer_id"),
        # The picker's count of a person's open cases reads only open ones (issue #40).
        Index("ix_legal_aid_open_case_lawyer", "open_case_lawyer_id"),
        # The duplicate key staff see flagged in the queue (issue #27).
        Index("ix_legal_aid_duplicate_key", "id_number", "matter_type"),
    )
    __mapper_args__ = {"polymorphic_identity": "LA"}

    id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True)
    #: Full resident ID number: shown masked, in full only on request (and then read-audited).
    #: None for a person of a notice or forwarded application who has none.
    id_number: Mapped[str | None] = mapped_column(String(18))
    #: The kind of identity document (notices.ID_TYPES); None: a resident ID (applications).
    id_type: Mapped[str | None] = mapped_column(String(16))
    #: The number of a passport or other document (masked like the ID number).
    id_document: Mapped[str | None] = mapped_column(String(40))
    nationality: Mapped[str | None] = mapped_column(String(60))
    #: 身份不明: the authority does not know who the person is; the description says.
    identity_unknown: Mapped[bool] = mapped_column(default=False, server_default=false())
    person_description: Mapped[str | None] = mapped_column(Text)
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(200))
    #: Who fills in the form (Arts. 39-40): "self", "guardian", "relative" or "agent".
    applicant_role: Mapped[str] = mapped_column(String(16), default="self", server_default="self")
    #: True whenever the applicant applies for someone else (the represented person).
    for_relative: Mapped[bool] = mapped_column(default=False)
    relation: Mapped[str | None] = mapped_column(String(20))
    #: What entitles the applicant to act (AUTHORITY_LABELS): guardian by law or appointed,
    #: close relative, or written authorisation.
    authority: Mapped[str | None] = mapped_column(String(24))
    represented_name: Mapped[str | None] = mapped_column(String(100))
    represented_id_number: Mapped[str | None] = mapped_column(String(18))
    matter_type: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(32))
    #: Art. 38: who handles the case now (court, procuratorate, police, arbitration, none).
    handling_authority: Mapped[str | None] = mapped_column(String(16))
    opposing_party: Mapped[str | None] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text)
    #: Arts. 24, 29, 31: a lawyer or agent is already retained in the matter (None: not asked).
    counsel_retained: Mapped[bool | None]
    #: Art. 44: a limitation period ends within 7 days.
    urgent: Mapped[bool] = mapped_column(default=False)
    #: Art. 32: the claim needs no economic-hardship test (a key of CLAIM_EXEMPTIONS).
    claim_exemption: Mapped[str | None] = mapped_column(String(32))
    #: Art. 42: the means check is waived on proof (a key of MEANS_WAIVERS).
    exemption: Mapped[str | None] = mapped_column(String(32))
    #: The hardship rule in force when the application arrived (Art. 34), and its answers.
    hardship_rule: Mapped[str | None] = mapped_column(String(32))
    household_size: Mapped[int | None]
    monthly_income: Mapped[int | None]
    low_income: Mapped[bool | None]
    sudden_hardship: Mapped[bool | None]
    #: None for a notice (通知辩护): the person aided neither pledges nor consents online.
    pledge_accepted_at: Mapped[datetime | None]
    consent_accepted_at: Mapped[datetime | None]

    #: How the case came in: "application" (online or counter), "notice" (通知辩护, Arts.
    #: 25, 28, 36) or "detention" (an application of a person in custody forwarded, Art. 39).
    source: Mapped[str] = mapped_column(String(16), default="application", server_default="application")
    #: The notifying or forwarding authority (its name), its document number and date, what it says.
    notice_authority: Mapped[str | None] = mapped_column(String(200))
    notice_case_number: Mapped[str | None] = mapped_column(String(60))
    notice_document_date: Mapped[date | None] = mapped_column(Date)
    #: The ground of the notice (notices.NOTICE_GROUNDS: Art. 25 or Art. 28).
    notice_ground: Mapped[str | None] = mapped_column(String(32))
    charge: Mapped[str | None] = mapped_column(String(200))
    #: notices.CUSTODY: detained, or a measure without detention (取保候审, 监视居住).
    custody: Mapped[str | None] = mapped_column(String(32))
    detention_place: Mapped[str | None] = mapped_column(String(200))
    #: A relative of the person (optional: they may have none who can be reached).
    relative_name: Mapped[str | None] = mapped_column(String(100))
    #: The day the centre received the notice or the forwarded application.
    notice_received_on: Mapped[date | None] = mapped_column(Date)
    #: Art. 39: who handed it in (notices.FORWARDED_FROM), when, and when it was forwarded.
    forwarded_from: Mapped[str | None] = mapped_column(String(24))
    handed_in_on: Mapped[date | None] = mapped_column(Date)
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    #: Art. 26: possible life imprisonment or death, or death-penalty review: only lawyers
    #: with the configured years of practice may be assigned.
    serious_sentence: Mapped[bool] = mapped_column(default=False, server_default=false())

    #: The recipient asked for another person (reasons, time); cleared when decided.
    change_reasons: Mapped[str | None] = mapped_column(Text)
    change_requested_at: Mapped[datetime | None]
    #: Closing (结案): the lawyer's report, the officer's send-back reason, the outcome.
    case_ended_on: Mapped[date | None] = mapped_column(Date)
    closing_outcome: Mapped[str | None] = mapped_column(String(24), index=True)
    closing_submitted_at: Mapped[datetime | None]
    closing_returned_reason: Mapped[str | None] = mapped_column(Text)
    #: At closing (Art. 52, 59): the subsidy paid to the legal aid person (yuan) and the
    #: centre's quality review of the case (closing.QUALITY_GRADES, with a note).
    subsidy_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    quality_grade: Mapped[str | None] = mapped_column(String(16))
    quality_note: Mapped[str | None] = mapped_column(Text)

    #: The 7-day decision deadline in force (restarts after a complete materials answer).
    decision_due_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    materials_checklist: Mapped[str | None] = mapped_column(Text)
    materials_due_at: Mapped[datetime | None]
    materials_answer: Mapped[str | None] = mapped_column(Text)
    refusal_reasons: Mapped[str | None] = mapped_column(Text)
    #: Why it was refused (citations.REFUSAL_GROUNDS): the refusal cites that ground's articles.
    refusal_ground: Mapped[str | None] = mapped_column(String(24))
    lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assign_due_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    closing_summary: Mapped[str | None] = mapped_column(Text)

    #: Art. 43: the one materials request (its time), and the decision days left when it
    #: was sent: the clock resumes with them when the materials arrive.
    materials_requested_at: Mapped[datetime | None]
    decision_days_left: Mapped[int | None]
    #: "applicant" (tracking page) or "counter" (recorded by the officer).
    materials_received_via: Mapped[str | None] = mapped_column(String(16))
    #: Art. 44: early aid (a key of EARLY_AID_GROUNDS), the expiring date, and when it ended.
    early_aid_ground: Mapped[str | None] = mapped_column(String(24))
    early_aid_until: Mapped[date | None] = mapped_column(Date)
    early_aid_at: Mapped[datetime | None]
    early_aid_ended_at: Mapped[datetime | None]
    #: The decisions in writing: when each was made (None once revoked on the bureau's order).
    approved_at: Mapped[datetime | None]
    approval_note: Mapped[str | None] = mapped_column(Text)
    refused_at: Mapped[datetime | None]
    #: Art. 48: the ground (a key of TERMINATION_GROUNDS), the reasons, the time.
    termination_ground: Mapped[str | None] = mapped_column(String(24))
    termination_reasons: Mapped[str | None] = mapped_column(Text)
    terminated_at: Mapped[datetime | None]
    #: Art. 49: the objection (to "refused" or "terminated"), its review deadline and outcome.
    objection_to: Mapped[str | None] = mapped_column(String(16))
    objection_reasons: Mapped[str | None] = mapped_column(Text)
    objection_filed_at: Mapped[datetime | None]
    objection_due_at: Mapped[datetime | None]
    #: "upheld" or "corrected", with the reviewer's reasons.
    objection_outcome: Mapped[str | None] = mapped_column(String(16))
    objection_review: Mapped[str | None] = mapped_column(Text)

    #: The lawyer while the case is open, None once it is closed (kept by
    #: `keep_open_case_lawyer` on every flush): counting a person's open cases then reads
    #: only their open cases, not every case they ever had (issue #40). A copy of
    #: lawyer_id, whose foreign key already holds the account.
    open_case_lawyer_id: Mapped[int | None]

    lawyer = relationship("User", foreign_keys=[lawyer_id])

    @property
    def recipient_id_number(self) -> str | None:
        """The ID number of the person who would receive the aid."""
        return (
            self.represented_id_number if self.for_relative and self.represented_id_number else self.id_number
        )

    @property
    def in_custody(self) -> bool:
        """A notice or a detained person's passed-on application naming a place of detention:
        the centre's periods are not extended by holidays (刑事诉讼法 Art. 105)."""
        if self.source not in ("notice", "detention"):
            return False
        return self.custody == "detained" if self.custody else bool(self.detention_place)

    def deadline_moved(self, old: datetime, new: datetime) -> None:
        """The calendar moved the current deadline: the decision, assignment or objection
        deadline it mirrors moves with it."""
        for name in ("decision_due_at", "assign_due_at", "objection_due_at"):
            if getattr(self, name) == old:
                setattr(self, name, new)


class DeceptionRecord(db.Model):
    """Legal aid ended because it was obtained by deception or with important facts
    concealed (Art. 48(一)-(二)), recorded against the person. Under Hunan's rule that
    person may not rely on the truthful-statement pledge (Art. 41) again: officers see
    the record on every later application of theirs."""

    __tablename__ = "legal_aid_deception_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The resident ID number of the person the aid was for.
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    #: "deception" (Art. 48(一)) or "concealment" (Art. 48(二)).
    ground: Mapped[str] = mapped_column(String(16))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("legal_aid_application.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    application = relationship(LegalAidApplication, foreign_keys=[application_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])


# Tables kept by their own modules (one job each), imported here so the capability's
# models module names every table it owns.
from portal.legal_aid.numbering import DocumentNumber  # noqa: E402, F401
from portal.legal_aid.objection_decision import ObjectionOutcome  # noqa: E402, F401


@event.listens_for(LegalAidApplication, "before_insert")
@event.listens_for(LegalAidApplication, "before_update")
def keep_open_case_lawyer(mapper, connection, application: LegalAidApplication) -> None:
    """The open case's lawyer, in the row written: whatever changed the status or the lawyer."""
    application.open_case_lawyer_id = application.lawyer_id if application.is_open else None
