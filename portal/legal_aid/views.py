"""Public legal aid pages: what it is, the self-check, the application, the confirmation."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.profiles import profile_of
from portal.core import attachments, documents, intake_state
from portal.core.access import applicant_may_see, applicant_request_or_proof, can_view
from portal.core.clock import local_today
from portal.core.identity import parse_resident_id
from portal.core.intake_lost import intake_page
from portal.core.pages import quick_exit
from portal.core.question_pages import CARRIED, PagedForm, run_pages
from portal.core.services import load_by_reference
from portal.extensions import db
from portal.i18n import current_language
from portal.legal_aid import numbering, objection_decision
from portal.legal_aid.apply_pages import PAGES, prepare
from portal.legal_aid.assignment import CLOSING_OUTCOMES, closing_report_late, role_in_case
from portal.legal_aid.citations import letter_addressee, letter_articles
from portal.legal_aid.closing import QUALITY_GRADES
from portal.legal_aid.decisions import DECISIONS, decision_of, decisions_of
from portal.legal_aid.eligibility import assess
from portal.legal_aid.forms import ApplicationForm, EligibilityForm
from portal.legal_aid.hardship import hardship_rule
from portal.legal_aid.matters import (
    ALL_MATTERS,
    AUTHORITIES,
    AUTHORITY_LABELS,
    CLAIM_EXEMPTIONS,
    EXEMPTION_LABELS,
    MATERIALS,
    MEANS_WAIVERS,
    RELATION_LABELS,
    STAGES,
)
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.notices import (
    CUSTODY,
    FORWARDED_FROM,
    ID_TYPES,
    NOTICE_GROUNDS,
    authority_party,
    forwarded_late,
)
from portal.legal_aid.services import (
    DECEPTION_GROUNDS,
    EARLY_AID_GROUNDS,
    TERMINATION_GROUNDS,
    materials_to_bring,
    pledge_history,
    receive_application,
)
from portal.legal_aid.states import LegalAidState

bp = Blueprint("legal_aid", __name__, url_prefix="/legal-aid")


def legal_aid_labels():
    """Labels and look-ups for the legal aid partials shown on shared pages (tracking, staff detail)."""
    return {
        "la_labels": {
            "matters": ALL_MATTERS,
            "stages": STAGES,
            "relations": RELATION_LABELS,
            "exemptions": EXEMPTION_LABELS,
            "authorities": AUTHORITIES,
            "authority": AUTHORITY_LABELS,
            "materials": MATERIALS,
            "claim_exemptions": CLAIM_EXEMPTIONS,
            "means_waivers": MEANS_WAIVERS,
            "grounds": DECEPTION_GROUNDS,
            "termination": TERMINATION_GROUNDS,
            "early_aid": EARLY_AID_GROUNDS,
            "notice_grounds": NOTICE_GROUNDS,
            "id_types": ID_TYPES,
            "custody": CUSTODY,
            "forwarded_from": FORWARDED_FROM,
        },
        "la_forwarded_late": forwarded_late,
        "la_decisions": decisions_of,
        "la_materials_to_bring": materials_to_bring,
        "la_parse_id": parse_resident_id,
        "la_today": local_today,
        "la_pledge_history": pledge_history,
        "la_person": profile_of,
        "la_outcomes": CLOSING_OUTCOMES,
        "la_closing_late": closing_report_late,
        "la_role_in_case": role_in_case,
        "la_letter_articles": letter_articles,
        "la_letter_addressee": letter_addressee,
        "la_objection_outcomes": objection_decision.outcomes_of,
        "la_objection_labels": objection_decision.OUTCOMES,
        "la_quality": QUALITY_GRADES,
        "LegalAidState": LegalAidState,
    }


@bp.route("/", methods=["GET", "POST"])
@quick_exit
def index():
    """What legal aid is, and the eligibility self-check: a POST, so that no answer is ever
    in an address (a shared phone's history, an access log); nothing is stored."""
    rule = hardship_rule()
    form = EligibilityForm(request.form if request.method == "POST" else None, rule=rule)
    assessment = None
    if request.method == "POST" and form.validate():
        assessment = assess(form.answers(), rule)
    return render_template("legal_aid/index.html", form=form, assessment=assessment, standard=rule.describe())


@bp.post("/apply-with-answers")
@quick_exit
def apply_with_answers():
    """ "Apply with these answers": the self-check's valid answers go into this browser's
    application (its intake state), and the application opens at its first page."""
    form = EligibilityForm(request.form, rule=hardship_rule())
    form.validate()
    carried = form.carried()
    state = intake_state.current("legal_aid.apply")
    live = state if state is not None and state.reference is None else None
    kept = [pair for pair in (live.answers if live else []) if pair[0] not in carried.values()]
    intake_state.save(
        kept + [[name, value] for name, value in carried.items()],
        key=live.one_time_key if live else intake_state.new_key(),
        staged=live.staged if live else [],
        step=CARRIED,
        endpoint="legal_aid.apply",
    )
    db.session.commit()
    return redirect(url_for("legal_aid.apply"), 303)


@bp.route("/apply", methods=["GET", "POST"], defaults={"page": None})
@bp.route("/apply/<page>", methods=["GET", "POST"])
@intake_page
@quick_exit
def apply(page: str | None):
    """The application as question pages (the self-check's answers already in, if any),
    then check your answers, the code, and a reference with a printable confirmation."""
    return run_pages(
        PagedForm(
            PAGES,
            _application_form,
            "legal_aid/apply.html",
            submit_application,
            confirmation="legal_aid.applied",
            prepare=prepare,
            carried_notice=_l(
                "Your answers from the self-check are filled in below: check them before you send the application."
            ),
        ),
        page,
    )


def _application_form(**kwargs) -> ApplicationForm:
    form = ApplicationForm(**kwargs)
    if request.method == "GET" and current_user.is_authenticated and not current_user.is_staff:
        form.applicant_name.data = form.applicant_name.data or current_user.display_name
        form.mobile.data = form.mobile.data or current_user.mobile
    return form


def submit_application(form: ApplicationForm, staged_files) -> LegalAidApplication:
    """Receive the application with the files staged for it."""
    applicant = current_user if current_user.is_authenticated and not current_user.is_staff else None
    application = receive_application(form.details(), user=applicant, locale=current_language())
    attachments.claim_all(application, staged_files, purpose="application")
    return application


@bp.get("/applied/<reference>")
@quick_exit
def applied(reference: str):
    """The printable confirmation, for the browser that submitted the application."""
    application = applicant_request_or_proof(reference, "LA")
    return render_template(
        "legal_aid/applied.html", application=application, to_bring=materials_to_bring(application)
    )


def _decision_or_404(reference: str, which: str):
    """The decision document for the applicant (or staff who may see the request), else 404."""
    found = load_by_reference(reference)
    if which not in DECISIONS or found is None or found.request_type != "LA":
        abort(404)
    if not (applicant_may_see(found) or can_view(current_user, found)):
        abort(404)
    decision = decision_of(found, which)
    if decision is None:
        abort(404)
    return found, decision


@bp.get("/decisions/<reference>/<which>")
@quick_exit
def decision(reference: str, which: str):
    """准予 / 不予 / 终止法律援助决定书 as a printable page."""
    application, doc = _decision_or_404(reference, which)
    return render_template("legal_aid/decision.html", application=application, decision=doc)


@bp.get("/decisions/<reference>/<which>/pdf")
def decision_pdf(reference: str, which: str):
    """The same decision document as a PDF (the printable page itself)."""
    application, doc = _decision_or_404(reference, which)
    return documents.pdf_response(
        "legal_aid/decision.html", f"{application.reference}-{which}", application=application, decision=doc
    )


def _letter_or_404(reference: str):
    """The assignment letter for the applicant, the assigned person and staff who may see
    the request; none before a person is assigned."""
    found = load_by_reference(reference)
    if found is None or found.request_type != "LA" or found.lawyer_id is None or found.assigned_at is None:
        abort(404)
    if not (applicant_may_see(found) or can_view(current_user, found)):
        abort(404)
    return found, profile_of(found.lawyer_id), authority_party(found)


def _letter_page(application, person, authority) -> dict:
    return {
        "application": application,
        "person": person,
        "authority": authority,
        "number": numbering.number_of(application, numbering.LETTER),
    }


@bp.get("/letters/<reference>")
@quick_exit
def letter(reference: str):
    """法律援助公函 (Art. 36): to the recipient, the assigned person and, for a notice, the authority."""
    return render_template("legal_aid/letter.html", **_letter_page(*_letter_or_404(reference)))


@bp.get("/letters/<reference>/pdf")
def letter_pdf(reference: str):
    page = _letter_page(*_letter_or_404(reference))
    return documents.pdf_response("legal_aid/letter.html", f"{reference}-letter", **page)


def _objection_decision_or_404(reference: str, number: int):
    """The bureau's n-th decision on an objection, for the applicant or staff who may see it."""
    found = load_by_reference(reference)
    if found is None or found.request_type != "LA":
        abort(404)
    if not (applicant_may_see(found) or can_view(current_user, found)):
        abort(404)
    doc = objection_decision.document_of(found, number)
    if doc is None:
        abort(404)
    return found, doc


@bp.get("/objection-decisions/<reference>/<int:number>")
@quick_exit
def objection_decision_page(reference: str, number: int):
    """法律援助异议审查决定书 (Art. 49): 维持 or 责令改正, with the remedy and its time limits."""
    application, doc = _objection_decision_or_404(reference, number)
    return render_template(
        "legal_aid/objection_decision.html", application=application, doc=doc, index=number
    )


@bp.get("/objection-decisions/<reference>/<int:number>/pdf")
def objection_decision_pdf(reference: str, number: int):
    application, doc = _objection_decision_or_404(reference, number)
    return documents.pdf_response(
        "legal_aid/objection_decision.html",
        f"{reference}-objection-{number}",
        application=application,
        doc=doc,
        index=number,
    )
