"""A legal aid application: the shared request plus what the Legal Aid Law asks for."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import ServiceRequest


class LegalAidApplication(ServiceRequest):
    """One application for legal aid (type LA)."""

    __tablename__ = "legal_aid_application"
    __table_args__ = (Index("ix_legal_aid_lawyer", "lawyer_id"),)
    __mapper_args__ = {"polymorphic_identity": "LA"}

    id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True)
    #: Full ID number: shown masked, in full only on request (and then read-audited).
    id_number: Mapped[str] = mapped_column(String(18))
    gender: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(200))
    for_relative: Mapped[bool] = mapped_column(default=False)
    relation: Mapped[str | None] = mapped_column(String(20))
    represented_name: Mapped[str | None] = mapped_column(String(100))
    represented_id_number: Mapped[str | None] = mapped_column(String(18))
    matter_type: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(32))
    opposing_party: Mapped[str | None] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text)
    #: Art. 44: a limitation period ends within 7 days.
    urgent: Mapped[bool] = mapped_column(default=False)
    exemption: Mapped[str | None] = mapped_column(String(32))
    household_size: Mapped[int | None]
    monthly_income: Mapped[int | None]
    pledge_accepted_at: Mapped[datetime]
    consent_accepted_at: Mapped[datetime]

    #: The 7-day decision deadline in force (restarts after a complete materials answer).
    decision_due_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    materials_checklist: Mapped[str | None] = mapped_column(Text)
    materials_due_at: Mapped[datetime | None]
    materials_answer: Mapped[str | None] = mapped_column(Text)
    refusal_reasons: Mapped[str | None] = mapped_column(Text)
    lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assign_due_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    closing_summary: Mapped[str | None] = mapped_column(Text)

    lawyer = relationship("User", foreign_keys=[lawyer_id])
