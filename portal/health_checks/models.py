"""Tables of enterprise legal health checks: the check, its team, findings and report versions."""

import json
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.enterprises import Enterprise
from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.extensions import db


class HealthCheck(ServiceRequest):
    """One enterprise's request for a legal health check (type HC)."""

    __tablename__ = "health_check"
    __mapper_args__ = {"polymorphic_identity": "HC"}

    id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    #: Comma-separated area codes (vocabulary.AREAS).
    areas: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(8), default="onsite")
    preferred_dates: Mapped[str | None] = mapped_column(String(200))
    enterprise_notes: Mapped[str | None] = mapped_column(Text)
    #: {area: "yes" | "no" | "unsure"} as JSON: answers that flag likely risks.
    self_assessment: Mapped[str | None] = mapped_column(Text)
    visit_at: Mapped[datetime | None]
    visit_place: Mapped[str | None] = mapped_column(String(200))
    #: Raised with each change of the visit, so calendar apps update their copy.
    visit_sequence: Mapped[int] = mapped_column(default=0)
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    #: The enterprise reported that the team solicited paid business (their pledge).
    breach_reported_at: Mapped[datetime | None]
    breach_report: Mapped[str | None] = mapped_column(Text)

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    team: Mapped[list["TeamMember"]] = relationship(
        order_by="TeamMember.id", cascade="all, delete-orphan", lazy="selectin"
    )
    findings: Mapped[list["Finding"]] = relationship(
        order_by="Finding.id", cascade="all, delete-orphan", back_populates="check"
    )
    reports: Mapped[list["Report"]] = relationship(
        order_by="Report.version", cascade="all, delete-orphan", back_populates="check"
    )

    @property
    def area_codes(self) -> list[str]:
        return [a for a in (self.areas or "").split(",") if a]

    @property
    def answers(self) -> dict[str, str]:
        return json.loads(self.self_assessment) if self.self_assessment else {}

    @property
    def lead(self):
        return next((m.user for m in self.team if m.is_lead), None)

    @property
    def current_report(self) -> "Report | None":
        return self.reports[-1] if self.reports else None


class TeamMember(db.Model):
    """A lawyer of the check's team; one of them leads."""

    __table_args__ = (UniqueConstraint("check_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("health_check.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)

    user = relationship("User", lazy="joined")


class Finding(db.Model):
    """One finding of the lawyers in one area: risk, what they found, the law, what to do."""

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("health_check.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(16))
    risk: Mapped[str] = mapped_column(String(8))
    finding: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(300))
    recommendation: Mapped[str] = mapped_column(Text)
    fix_by: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The enterprise marked it fixed (整改), with what it did.
    fixed_at: Mapped[datetime | None]
    fixed_note: Mapped[str | None] = mapped_column(Text)
    #: At the follow-up visit (回访): resolved or unresolved, with a note.
    follow_up_result: Mapped[str | None] = mapped_column(String(12))
    follow_up_note: Mapped[str | None] = mapped_column(Text)

    check: Mapped[HealthCheck] = relationship(back_populates="findings")


class Report(db.Model):
    """A published version of the report: fixed once published; a correction is a new version."""

    __table_args__ = (UniqueConstraint("check_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("health_check.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    #: The findings as published (JSON list), so that later edits never change this version.
    content: Mapped[str] = mapped_column(Text)
    #: Why a new version was published (a correction), shown with it.
    correction_note: Mapped[str | None] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    check: Mapped[HealthCheck] = relationship(back_populates="reports")

    @property
    def findings(self) -> list[dict]:
        return json.loads(self.content)
