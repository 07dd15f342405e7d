"""The record of each mediation session (People's Mediation Law Art. 27) and the printable
case file (SPEC §12 round 3). Staff only: the coordinator and the case's mediators write
records; the case's own mediator signs each off; the case file gathers the case, its
sessions and records on one page to print."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import Forbidden
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.core import documents
from portal.core.access import can_view
from portal.core.choices import options
from portal.core.clock import local_today, to_local, utcnow
from portal.core.services import load_by_reference
from portal.extensions import db
from portal.mediation.models import MediationCase, MediationRecord
from portal.mediation.roles import COORDINATOR, MEDIATOR

#: Who opens the records pages; each view narrows to the case's own staff.
RECORD_KEEPERS = frozenset({str(COORDINATOR), str(MEDIATOR)})

bp = Blueprint("mediation_records", __name__, url_prefix="/staff/mediation/cases")

NEEDED = _l("Write what was said; “none” if nothing.")
#: The words of a record, shared by its form, its page, the case file and the staff detail.
LABELS = {
    "attendees": _l("Who attended"),
    "applicant_statement": _l("What the applicant stated and proposed"),
    "party_statement": _l("What the other party stated and proposed"),
    "mediator_proposals": _l("The mediator's proposals"),
    "result": _l("Result of the session"),
    "next_step": _l("Next step"),
    "records": _l("Session records"),
    "case_file": _l("Case file to print"),
    "none_yet": _l("No session recorded yet."),
}


class RecordForm(FlaskForm):
    session = SelectField(_l("Session"), validators=[Optional()])
    held_on = DateField(_l("Held on"), default=local_today, validators=[InputRequired()])
    attendees = StringField(
        LABELS["attendees"],
        validators=[DataRequired(message=_l("Say who attended.")), Length(max=1000)],
        description=_l("The parties, their companions, the mediators and anyone else present."),
    )
    applicant_statement = TextAreaField(
        LABELS["applicant_statement"], validators=[DataRequired(message=NEEDED), Length(max=5000)]
    )
    party_statement = TextAreaField(
        LABELS["party_statement"], validators=[DataRequired(message=NEEDED), Length(max=5000)]
    )
    mediator_proposals = TextAreaField(
        LABELS["mediator_proposals"], validators=[DataRequired(message=NEEDED), Length(max=5000)]
    )
    result = TextAreaField(
        LABELS["result"], validators=[DataRequired(message=_l("Say what came of it.")), Length(max=3000)]
    )
    next_step = TextAreaField(LABELS["next_step"], validators=[Optional(), Length(max=2000)])

    def __init__(self, case: MediationCase, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session.choices = options(
            [("", _l("Not a scheduled session"))]
            + [(str(s.id), f"{to_local(s.starts_at):%Y-%m-%d %H:%M} {s.place}") for s in case.sessions]
        )


def _case_for_staff(reference: str) -> MediationCase:
    """The case, for the coordinator or one of its own mediators; 403 for other staff."""
    found = load_by_reference(reference)
    if not isinstance(found, MediationCase):
        abort(404)
    if not (current_user.has_role(*RECORD_KEEPERS) and can_view(current_user, found)):
        raise Forbidden()
    return found


def is_case_mediator(case: MediationCase, user) -> bool:
    return user.has_role(MEDIATOR) and user.id in (case.mediator_id, case.second_mediator_id)


@bp.route("/<reference>/records", methods=["GET", "POST"])
def records(reference: str):
    case = _case_for_staff(reference)
    form = RecordForm(case)
    if form.validate_on_submit():
        session_id = int(form.session.data) if (form.session.data or "").isdigit() else None
        record = MediationRecord(
            case_id=case.id,
            session_id=session_id if session_id in {s.id for s in case.sessions} else None,
            held_on=form.held_on.data,
            attendees=form.attendees.data.strip(),
            applicant_statement=form.applicant_statement.data.strip(),
            party_statement=form.party_statement.data.strip(),
            mediator_proposals=form.mediator_proposals.data.strip(),
            result=form.result.data.strip(),
            next_step=(form.next_step.data or "").strip() or None,
            written_by_id=current_user.id,
        )
        db.session.add(record)
        db.session.commit()
        flash(_l("Session record saved. The mediator signs it off."), "success")
        return redirect(url_for("mediation_records.records", reference=case.reference), 303)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "mediation/records.html", case=case, form=form, may_sign=is_case_mediator(case, current_user)
    ), status


@bp.post("/<reference>/records/<int:record_id>/sign")
def sign(reference: str, record_id: int):
    """The case's mediator signs the record off (调解员签名); signed once, by them only."""
    case = _case_for_staff(reference)
    record = db.session.get(MediationRecord, record_id)
    if record is None or record.case_id != case.id:
        abort(404)
    if not is_case_mediator(case, current_user):
        raise Forbidden()
    if not FlaskForm().validate_on_submit():  # the CSRF token
        abort(400)
    if record.signed_at is None:
        record.signed_by_id, record.signed_at = current_user.id, utcnow()
        db.session.commit()
    flash(_l("Signed off."), "success")
    return redirect(url_for("mediation_records.records", reference=case.reference), 303)


@bp.get("/<reference>/file")
def case_file(reference: str):
    """The case file (调解卷宗) on one printable page."""
    case = _case_for_staff(reference)
    return render_template("mediation/case_file.html", case=case, printed_on=local_today())


@bp.get("/<reference>/file.pdf")
def case_file_pdf(reference: str):
    """The same case file as a PDF (staff only, like the page)."""
    case = _case_for_staff(reference)
    return documents.pdf_response(
        "mediation/case_file.html", f"{case.reference}-case-file", case=case, printed_on=local_today()
    )
