"""Public legal aid pages: what it is, the self-check, the application, the confirmation."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from portal.core import attachments
from portal.core.access import applicant_request_or_404
from portal.core.clock import utcnow
from portal.core.intake import Intake, run_intake
from portal.core.pages import quick_exit
from portal.core.services import submit
from portal.i18n import current_language
from portal.legal_aid.forms import ApplicationForm, EligibilityForm
from portal.legal_aid.matters import ALL_MATTERS, EXEMPTIONS, RELATIONS, STAGES, assess, hardship_threshold
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.states import LegalAidState

bp = Blueprint("legal_aid", __name__, url_prefix="/legal-aid")


@bp.app_context_processor
def legal_aid_labels():
    """Labels for the legal aid partials shown on shared pages (tracking, staff detail)."""
    return {"la_labels": {"matters": ALL_MATTERS, "stages": STAGES, "relations": RELATIONS, "exemptions": EXEMPTIONS},
            "LegalAidState": LegalAidState}


@bp.get("/")
@quick_exit
def index():
    """What legal aid is, and the eligibility self-check (nothing is stored)."""
    form = EligibilityForm(request.args)
    assessment = None
    if "matter" in request.args and form.validate():
        assessment = assess(
            form.matter.data,
            form.exemption.data,
            form.household_size.data,
            form.monthly_income.data,
            minimum_living=current_app.config["MINIMUM_LIVING_STANDARD_MONTHLY"],
            multiplier=current_app.config["HARDSHIP_MULTIPLIER"],
        )
    threshold = hardship_threshold(
        current_app.config["MINIMUM_LIVING_STANDARD_MONTHLY"], current_app.config["HARDSHIP_MULTIPLIER"]
    )
    return render_template("legal_aid/index.html", form=form, assessment=assessment, threshold=threshold)


@bp.route("/apply", methods=["GET", "POST"])
@quick_exit
def apply():
    """The application form; on success a reference and a printable confirmation."""
    form = ApplicationForm()
    if request.method == "GET" and current_user.is_authenticated and not current_user.is_staff:
        form.applicant_name.data = form.applicant_name.data or current_user.display_name
        form.mobile.data = form.mobile.data or current_user.mobile
    return run_intake(Intake(form, "legal_aid/apply.html", submit_application, confirmation="legal_aid.applied"))


def submit_application(form: ApplicationForm, staged_files) -> LegalAidApplication:
    """Receive the application with the files staged for it."""
    application = build_application(form)
    applicant = current_user if current_user.is_authenticated and not current_user.is_staff else None
    submit(application, user=applicant, locale=current_language())
    attachments.claim_all(application, staged_files, purpose="application")
    return application


def build_application(form: ApplicationForm) -> LegalAidApplication:
    """Turn a validated form into an application (the workflow does the rest)."""
    parsed = form.id_number.parsed
    for_relative = form.applying_for.data == "relative"
    now = utcnow()
    exemption = form.exemption.data or None
    return LegalAidApplication(
        applicant_name=form.applicant_name.data.strip(),
        applicant_mobile=form.mobile.data,
        township_id=form.township.data,
        id_number=parsed.number,
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        address=form.address.data.strip(),
        for_relative=for_relative,
        relation=form.relation.data if for_relative else None,
        represented_name=form.represented_name.data.strip() if for_relative else None,
        represented_id_number=form.represented_id_number.data if for_relative else None,
        matter_type=form.matter_type.data,
        stage=form.stage.data,
        opposing_party=(form.opposing_party.data or "").strip() or None,
        facts=form.facts.data.strip(),
        urgent=bool(form.urgent.data),
        exemption=exemption,
        household_size=None if exemption else form.household_size.data,
        monthly_income=None if exemption else form.monthly_income.data,
        pledge_accepted_at=now,
        consent_accepted_at=now,
    )


@bp.get("/applied/<reference>")
@quick_exit
def applied(reference: str):
    """The printable confirmation, for the browser that submitted the application."""
    return render_template("legal_aid/applied.html", application=applicant_request_or_404(reference, "LA"))
