"""Escalation risk (People's Mediation Law Art. 25): when a dispute may turn violent or
criminal (民转刑), the mediator or coordinator flags it with a level and the preventive steps
taken (parties kept apart, the village committee told, a report to the police). The flag
shows on the queue row and is counted in the reports."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from portal.core.choices import options
from portal.core.clock import utcnow
from portal.core.fields import Checkboxes
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter
from portal.core.services import record_event
from portal.extensions import db
from portal.mediation.models import MediationCase
from portal.mediation.vocabulary import ESCALATION_LEVELS, ESCALATION_STEPS

bp = Blueprint("mediation_escalation", __name__, url_prefix="/staff/mediation/cases")
_table = MediationCase.__table__
TITLE = _l("Escalation risk")


class RiskForm(FlaskForm):
    level = SelectField(
        _l("Risk that the dispute turns violent or criminal"),
        choices=options([("", _l("No risk seen")), *ESCALATION_LEVELS.items()]),
        validators=[Optional()],
    )
    steps = Checkboxes(_l("Steps taken"), choices=options(ESCALATION_STEPS), validators=[Optional()])
    note = TextAreaField(
        _l("What was seen and done"),
        validators=[Length(max=2000)],
        description=_l("For example: threats at the session; the police station was called at 15:10."),
    )

    turned_criminal = BooleanField(_l("The dispute turned into a criminal case"))

    def validate_note(self, field):
        if self.level.data and not (field.data or "").strip():
            raise ValidationError(_l("Say what was seen and what was done."))


def risk_flags(ids: list[int]) -> dict[int, str]:
    """The risk level of each flagged case among `ids`, for its queue row."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(_table.c.id, _table.c.escalation_level).where(
            _table.c.id.in_(ids), _table.c.escalation_level.is_not(None)
        )
    )
    return {row.id: str(ESCALATION_LEVELS.get(row.escalation_level, row.escalation_level)) for row in rows}


def _risk_condition(value: str):
    if value == "any":
        return _table.c.escalation_level.is_not(None)
    return _table.c.escalation_level == value if value in ESCALATION_LEVELS else None


RISK_FILTER = QueueFilter(
    "risk",
    TITLE,
    lambda: [("any", str(_l("Any risk flagged"))), *((k, str(v)) for k, v in ESCALATION_LEVELS.items())],
    lambda value: (
        ServiceRequest.id.in_(select(_table.c.id).where(condition))
        if (condition := _risk_condition(value)) is not None
        else None
    ),
)


@bp.route("/<reference>/risk", methods=["GET", "POST"])
def risk(reference: str):
    """Set, change or lift the flag; each change is an internal note on the case's trail."""
    from portal.mediation.records import _case_for_staff

    case = _case_for_staff(reference)
    form = RiskForm()
    if not form.is_submitted():
        form.level.data = case.escalation_level or ""
        form.steps.data = (case.escalation_steps or "").split(",") if case.escalation_steps else []
        form.note.data = case.escalation_note
        form.turned_criminal.data = bool(case.turned_criminal)
    if form.validate_on_submit():
        level = form.level.data or None
        steps = [s for s in form.steps.data or [] if s in ESCALATION_STEPS]
        case.escalation_level = level
        case.escalation_steps = ",".join(steps) or None
        case.escalation_note = (form.note.data or "").strip() or None
        case.escalation_set_at = utcnow() if level else None
        case.turned_criminal = bool(form.turned_criminal.data)
        said = str(ESCALATION_LEVELS[level]) if level else str(_l("No risk seen"))
        done = "、".join(str(ESCALATION_STEPS[s]) for s in steps)
        record_event(
            case,
            "note",
            user=current_user,
            comment=" · ".join(p for p in (said, done, case.escalation_note) if p),
        )
        db.session.commit()
        flash(_l("Escalation risk saved."), "success")
        return redirect(url_for("backoffice.detail", reference=case.reference), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("mediation/risk.html", case=case, form=form), status
