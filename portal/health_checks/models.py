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
    #: Comma-separated codes of the organising partners (vocabulary.PARTNERS), e.g. 工信局.
    partners: Mapped[str | None] = mapped_column(String(100))

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
    def partner_codes(self) -> list[str]:
        return [p for p in (self.partners or "").split(",") if p]

    @property
    def active_team(self) -> list["TeamMember"]:
        """The members still on the team (not taken off for a conflict or an objection)."""
        return [m for m in self.team if m.on_team]

    @property
    def lead(self):
        return next((m.user for m in self.active_team if m.is_lead), None)

    def member_of(self, user) -> "TeamMember | None":
        return next(
            (m for m in self.team if user is not None and m.user_id == getattr(user, "id", None)), None
        )

    @property
    def current_report(self) -> "Report | None":
        return self.reports[-1] if self.reports else None


class TeamMember(db.Model):
    """A lawyer of the check's team; one of them leads.

    Before opening the enterprise's documents or findings a member declares whether they
    have a conflict of interest and accepts the confidentiality and no-soliciting pledge;
    a declared conflict, or an enterprise's objection the coordinator upholds, takes them
    off the team (the row stays, as the record).
    """

    __table_args__ = (UniqueConstraint("check_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("health_check.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)
    #: "none" (no retainer with the enterprise or its group, no matter against it) or "declared".
    conflict: Mapped[str | None] = mapped_column(String(12))
    conflict_note: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime | None]
    #: The pledge as the member accepted it (the text may change later).
    pledge_text: Mapped[str | None] = mapped_column(Text)
    pledged_at: Mapped[datetime | None]
    #: Why the member is off the team: "conflict" or "objection"; None while on it.
    removed_reason: Mapped[str | None] = mapped_column(String(12))
    #: The enterprise's objection to this member before the visit, and the coordinator's decision.
    objection: Mapped[str | None] = mapped_column(Text)
    objected_at: Mapped[datetime | None]
    #: "upheld" (off the team) or "dismissed" (stays), with the reasons told to the enterprise.
    objection_decision: Mapped[str | None] = mapped_column(String(12))
    objection_reasons: Mapped[str | None] = mapped_column(Text)
    objection_decided_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined")

    @property
    def on_team(self) -> bool:
        return self.removed_reason is None

    @property
    def may_open(self) -> bool:
        """Declared no conflict and accepted the pledge: may open documents and findings."""
        return self.on_team and self.conflict == "none" and self.pledged_at is not None

    @property
    def objection_open(self) -> bool:
        return self.objection is not None and self.objection_decision is None


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
    #: Who looked at what, frozen with the version (JSON): team with firms, visit dates,
    #: areas, documents seen, limits, organiser and partners.
    context: Mapped[str | None] = mapped_column(Text)

    check: Mapped[HealthCheck] = relationship(back_populates="reports")

    @property
    def findings(self) -> list[dict]:
        return json.loads(self.content)

    @property
    def facts(self) -> dict:
        return json.loads(self.context) if self.context else {}
