"""Public pages of people's mediation: what it is, the application, the confirmation."""

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext
from flask_login import current_user

from portal.core.access import applicant_may_see, applicant_request_or_proof, party_viewing
from portal.core.calendar_files import UID_DOMAIN, event_file
from portal.core.clock import utcnow
from portal.core.intake_lost import intake_page
from portal.core.pages import public_page, quick_exit
from portal.core.question_pages import PagedForm, run_pages
from portal.core.services import load_by_reference
from portal.extensions import db
from portal.i18n import current_language
from portal.mediation.agreement_forms import LABELS as AGREEMENT_LABELS
from portal.mediation.apply_pages import PAGES
from portal.mediation.escalation import TITLE as RISK_TITLE
from portal.mediation.forms import ApplicationForm, dispute_from
from portal.mediation.models import MediationCase, MediationSession
from portal.mediation.records import LABELS as RECORD_LABELS
from portal.mediation.services import receive
from portal.mediation.states import MediationState
from portal.mediation.vocabulary import (
    AGREEMENT_FORMS,
    CHANNELS,
    CONFIRMATION_RESULTS,
    DISPUTE_TYPES,
    ESCALATION_LEVELS,
    ESCALATION_STEPS,
    PERFORMANCE,
    PRIVACY,
)

bp = Blueprint("mediation", __name__, url_prefix="/mediation")


def mediation_labels():
    """Labels for the mediation partials shown on shared pages (tracking, staff detail)."""
    return {
        "md_labels": {
            "disputes": DISPUTE_TYPES,
            "channels": CHANNELS,
            "forms": AGREEMENT_FORMS,
            "performance": PERFORMANCE,
            "privacy": PRIVACY,
            "escalation": ESCALATION_LEVELS,
            "steps": ESCALATION_STEPS,
            "records": RECORD_LABELS,
            "risk": RISK_TITLE,
            "confirmation": CONFIRMATION_RESULTS,
            "agreement": AGREEMENT_LABELS,
        },
        "MediationState": MediationState,
    }


@bp.get("/")
@public_page
def index():
    """What people's mediation is: free, voluntary, who may apply, what happens."""
    return render_template("mediation/index.html")


@bp.route("/apply", methods=["GET", "POST"], defaults={"page": None})
@bp.route("/apply/<page>", methods=["GET", "POST"])
@intake_page
@quick_exit
def apply(page: str | None):
    """Ask a people's mediation committee to mediate a dispute: the question pages, then
    check your answers, the code, and a reference."""
    return run_pages(
        PagedForm(PAGES, _application_form, "mediation/apply.html", _send, confirmation="mediation.applied"),
        page,
    )


def _applicant():
    return current_user if current_user.is_authenticated and not current_user.is_staff else None


def _application_form(**kwargs) -> ApplicationForm:
    form = ApplicationForm(**kwargs)
    applicant = _applicant()
    if applicant is not None and request.method == "GET":
        form.applicant_name.data = form.applicant_name.data or applicant.display_name
        form.mobile.data = form.mobile.data or applicant.mobile
    return form


def _send(form: ApplicationForm, _staged) -> MediationCase:
    return receive(dispute_from(form), user=_applicant(), locale=current_language())


@bp.get("/applied/<reference>")
@quick_exit
def applied(reference: str):
    """The printable confirmation, for the browser that sent the application."""
    return render_template("mediation/applied.html", case=applicant_request_or_proof(reference, "MD"))


@bp.get("/<reference>/sessions/<int:session_id>.ics")
def session_calendar(reference: str, session_id: int):
    """A mediation session as a calendar event, for the applicant or the other party."""
    found = load_by_reference(reference)
    if found is None or not (applicant_may_see(found) or party_viewing(found)):
        abort(404)
    session = db.session.get(MediationSession, session_id)
    if session is None or session.case_id != found.id:
        abort(404)
    body = event_file(
        uid=f"{found.reference}-{session.id}@{UID_DOMAIN}",
        sequence=session.sequence,
        start=session.starts_at,
        end=session.ends_at,
        stamp=utcnow(),
        location=session.place,
        summary=f"{gettext('Mediation session')} {found.reference}",
        description=gettext("Mediation is free and voluntary. Bring any papers about the dispute."),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{found.reference}-{session.id}.ics"'},
    )
