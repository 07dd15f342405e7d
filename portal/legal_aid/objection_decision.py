"""The bureau's decision on an objection (Art. 49) as a written document, and the history
of outcomes: every 维持 or 责令改正 is kept as its own row (with its 文号), never overwritten,
so the figures count objections by outcome and the documents stay printable.

The document names the decision objected to, the objection, the bureau's decision and
reasons, the legal basis (Art. 49) and, for a decision upheld, the remedy and its time
limits: administrative reconsideration within 60 days (行政复议法 Art. 20) to the body in
LEGAL_AID_RECONSIDERATION_BODY, or a lawsuit within 6 months (行政诉讼法 Art. 46) in
LEGAL_AID_COURT. An order to correct says what the centre must do and by when.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.extensions import db
from portal.legal_aid import numbering

UPHELD, CORRECTED = "upheld", "corrected"
OUTCOMES = {UPHELD: _l("Upheld"), CORRECTED: _l("Ordered to correct")}
#: The decision objected to (its state) -> the series of its document.
OBJECTED = {"refused": numbering.REFUSAL, "terminated": numbering.TERMINATION}
RECONSIDERATION_DAYS, LAWSUIT_MONTHS = 60, 6


class ObjectionOutcome(db.Model):
    """One decision of the bureau on one objection."""

    __tablename__ = "legal_aid_objection_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("legal_aid_application.id", ondelete="CASCADE"), index=True
    )
    #: "refused" or "terminated": the decision objected to, and that decision's 文号.
    objected_to: Mapped[str] = mapped_column(String(16))
    objected_number: Mapped[str | None] = mapped_column(String(60))
    objection_reasons: Mapped[str | None] = mapped_column(Text)
    objection_filed_at: Mapped[datetime | None]
    #: "upheld" or "corrected", with the reviewer's reasons.
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    reasons: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(String(60))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


def record_outcome(application, outcome: str, now: datetime) -> ObjectionOutcome:
    """Keep the bureau's decision (called while the objection is still on the application)."""
    objected = application.objection_to or ""
    series = OBJECTED.get(objected)
    reviewer = current_user.id if has_request_context() and current_user.is_authenticated else None
    row = ObjectionOutcome(
        application_id=application.id,
        objected_to=objected,
        objected_number=numbering.number_of(application, series) if series else None,
        objection_reasons=application.objection_reasons,
        objection_filed_at=application.objection_filed_at,
        outcome=outcome,
        reasons=(application.objection_review or "").strip(),
        number=numbering.issue(application, numbering.OBJECTION, now).text,
        decided_at=now,
        reviewer_id=reviewer,
    )
    db.session.add(row)
    return row


def outcomes_of(application) -> list[ObjectionOutcome]:
    """The bureau's decisions on this application's objections, oldest first."""
    if application.objection_filed_at is None:  # never cleared once set: no objection, no outcome
        return []
    return list(
        db.session.scalars(
            select(ObjectionOutcome)
            .where(ObjectionOutcome.application_id == application.id)
            .order_by(ObjectionOutcome.id)
        )
    )


@dataclass(frozen=True)
class ObjectionDocument:
    row: ObjectionOutcome
    title: object
    objected_title: object
    decision: object
    legal_basis: str
    remedies: object


def legal_basis() -> str:
    """Art. 49 (the objection and the bureau's review), cited as every decision cites."""
    from portal.legal_aid.citations import cite

    return cite([(49,)])


def document(application, row: ObjectionOutcome) -> ObjectionDocument:
    from portal.legal_aid.decisions import DECISIONS

    objected_title = DECISIONS.get(OBJECTED.get(row.objected_to, ""), "")
    if row.outcome == UPHELD:
        decision = _l("The bureau upholds the legal aid centre's decision.")
        remedies = _l(
            "If you disagree with this decision, you may apply to %(body)s for administrative reconsideration within %(days)s days of receiving it, or bring an administrative lawsuit in %(court)s within %(months)s months of receiving it.",
            body=current_app.config["LEGAL_AID_RECONSIDERATION_BODY"],
            days=RECONSIDERATION_DAYS,
            court=current_app.config["LEGAL_AID_COURT"],
            months=LAWSUIT_MONTHS,
        )
    elif row.objected_to == "refused":
        decision = _l(
            "The bureau orders the legal aid centre to correct its decision: the centre revokes the refusal and decides on the application again within %(days)s days.",
            days=current_app.config["LEGAL_AID_DECISION_DAYS"],
        )
        remedies = None
    else:
        decision = _l(
            "The bureau orders the legal aid centre to correct its decision: the termination is revoked and legal aid continues; a person not yet assigned is assigned within %(days)s days.",
            days=current_app.config["LEGAL_AID_ASSIGN_DAYS"],
        )
        remedies = None
    return ObjectionDocument(
        row,
        _l("Decision on an objection to a legal aid decision"),
        objected_title,
        decision,
        legal_basis(),
        remedies,
    )


def document_of(application, number: int) -> ObjectionDocument | None:
    """The n-th (1-based) decision of the bureau on this application's objections."""
    rows = outcomes_of(application)
    if not 1 <= number <= len(rows):
        return None
    return document(application, rows[number - 1])
