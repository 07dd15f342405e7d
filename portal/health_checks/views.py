"""Public and enterprise pages of the legal health check: what it is, the request, the
report (printable, PDF, Excel) with fixes and follow-up, the visit's calendar file."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.enterprises import is_verified_member, membership_of
from portal.core.access import applicant_may_see, applicant_request_or_proof, can_view, works_queue
from portal.core.calendar_files import UID_DOMAIN, event_file
from portal.core.clock import utcnow
from portal.core.intake_lost import intake_page
from portal.core.pages import public_page
from portal.core.question_pages import PagedForm, run_pages
from portal.core.registry import kind_for_code
from portal.core.services import load_by_reference
from portal.extensions import db
from portal.health_checks.forms import BreachForm, FixedForm, RequestForm
from portal.health_checks.models import Finding, HealthCheck
from portal.health_checks.reports import report_pdf, report_xlsx, summary
from portal.health_checks.request_pages import ENTERPRISE_FIELDS, request_pages
from portal.health_checks.services import CheckRequest, mark_fixed, report_breach, request_check
from portal.health_checks.states import HealthCheckState
from portal.health_checks.team import OBJECTION_STATES, firm_of, may_open, pledge_text
from portal.health_checks.vocabulary import (
    ANSWERS,
    AREAS,
    FOLLOW_UP_RESULTS,
    MODES,
    PARTNERS,
    QUESTIONS,
    RISK_LEVELS,
    is_risky,
)
from portal.i18n import current_language

bp = Blueprint("health_checks", __name__, url_prefix="/health-checks")


def health_check_labels():
    """Labels for the health-check partials shown on shared pages (tracking, staff detail)."""
    return {
        "hc_labels": {
            "areas": AREAS,
            "modes": MODES,
            "risks": RISK_LEVELS,
            "answers": ANSWERS,
            "questions": QUESTIONS,
            "follow_up": FOLLOW_UP_RESULTS,
            "partners": PARTNERS,
            "is_risky": is_risky,
            "may_open": lambda check: may_open(current_user, check),
            "is_member": lambda check: is_verified_member(current_user, check.enterprise_id),
            "firm_of": firm_of,
            "objection_states": OBJECTION_STATES,
            "coordinates": lambda: works_queue(current_user, kind_for_code("HC")),
        },
        "HealthCheckState": HealthCheckState,
    }


@bp.get("/")
@public_page
def index():
    """What the check looks at, that it is free, what the enterprise gets, the lawyers' pledge."""
    return render_template("health_checks/index.html")


@bp.route("/request", methods=["GET", "POST"], defaults={"page": None})
@bp.route("/request/<page>", methods=["GET", "POST"])
@intake_page
def request_page(page: str | None):
    """A verified member of an enterprise asks for a check, as question pages; anyone
    else learns how to get there."""
    member = membership_of(current_user)
    if member is None or not member.is_verified:
        return render_template("health_checks/not_verified.html", member=member)
    enterprise = member.enterprise
    # Asked once: what "My enterprise" already holds is shown, not asked again.
    known = bool(enterprise.industry and enterprise.employees is not None and enterprise.township_id)

    def make_form(**kwargs) -> RequestForm:
        form = RequestForm(
            data={
                "industry": enterprise.industry,
                "employees": enterprise.employees,
                "township_id": str(enterprise.township_id or ""),
                "park": enterprise.park,
            },
            **kwargs,
        )
        if known:
            for name in ENTERPRISE_FIELDS:
                del form[name]
        return form

    def send(form: RequestForm, _staged) -> HealthCheck:
        if known:
            return request_check(
                enterprise, current_user, _known_request(form, enterprise), current_language()
            )
        details = CheckRequest(
            areas=form.areas.data,
            mode=form.mode.data,
            preferred_dates=(form.preferred_dates.data or "").strip() or None,
            notes=(form.notes.data or "").strip() or None,
            answers=form.answers(),
            industry=form.industry.data.strip(),
            employees=form.employees.data,
            township_id=int(form.township_id.data),
            park=(form.park.data or "").strip() or None,
        )
        return request_check(enterprise, current_user, details, locale=current_language())

    return run_pages(
        PagedForm(
            request_pages(known),
            make_form,
            "health_checks/request.html",
            send,
            confirmation="health_checks.requested",
            context={"enterprise": enterprise, "questions": QUESTIONS, "known": known},
        ),
        page,
    )


def _known_request(form: RequestForm, enterprise) -> CheckRequest:
    return CheckRequest(
        areas=form.areas.data,
        mode=form.mode.data,
        preferred_dates=(form.preferred_dates.data or "").strip() or None,
        notes=(form.notes.data or "").strip() or None,
        answers=form.answers(),
        industry=enterprise.industry,
        employees=enterprise.employees,
        township_id=enterprise.township_id,
        park=enterprise.park,
    )


@bp.get("/requested/<reference>")
def requested(reference: str):
    return render_template("health_checks/requested.html", check=applicant_request_or_proof(reference, "HC"))


def _check_for_report(reference: str) -> HealthCheck:
    """The check, for a verified member of its enterprise or the staff who may see it."""
    found = load_by_reference(reference)
    if not isinstance(found, HealthCheck):
        abort(404)
    if is_verified_member(current_user, found.enterprise_id):
        return found
    if current_user.is_authenticated and current_user.is_staff and can_view(current_user, found):
        if not may_open(current_user, found):
            abort(403)  # a team member opens the findings only after the pledge
        return found
    abort(404)  # unverified members and strangers learn nothing, not even that it exists


def _report_or_404(check: HealthCheck, version: int | None):
    report = (
        check.current_report
        if version is None
        else next((r for r in check.reports if r.version == version), None)
    )
    if report is None:
        abort(404)
    return report


@bp.get("/<reference>/report")
@bp.get("/<reference>/report/v<int:version>")
def report(reference: str, version: int | None = None):
    """The report as a printable page; the enterprise marks findings fixed here."""
    check = _check_for_report(reference)
    shown = _report_or_404(check, version)
    findings = {f.id: f for f in check.findings}
    member_view = is_verified_member(current_user, check.enterprise_id)
    return render_template(
        "health_checks/report.html",
        check=check,
        report=shown,
        live=findings,
        summary=summary(shown),
        member_view=member_view,
        fixed_form=FixedForm(formdata=None),
        breach_form=BreachForm(formdata=None),
        pledge=pledge_text(),
    )


@bp.get("/<reference>/report.pdf")
def report_pdf_download(reference: str):
    check = _check_for_report(reference)
    return report_pdf(check, _report_or_404(check, None))


@bp.get("/<reference>/report.xlsx")
def report_xlsx_download(reference: str):
    check = _check_for_report(reference)
    return report_xlsx(check, _report_or_404(check, None))


def _member_check(reference: str) -> HealthCheck:
    check = _check_for_report(reference)
    if not is_verified_member(current_user, check.enterprise_id):
        abort(403)
    return check


@bp.post("/<reference>/findings/<int:finding_id>/fixed")
def finding_fixed(reference: str, finding_id: int):
    """The enterprise says what it did about a finding (整改)."""
    check = _member_check(reference)
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.check_id != check.id:
        abort(404)
    form = FixedForm(prefix=f"fixed{finding.id}")
    if not form.validate_on_submit():
        flash(_l("Say what you did about the finding."), "error")
        return redirect(url_for("health_checks.report", reference=check.reference), 303)
    mark_fixed(finding, current_user, form.note.data.strip())
    db.session.commit()
    flash(_l("Marked as fixed. The lawyers check it at a follow-up visit, if you ask for one."), "success")
    return redirect(url_for("health_checks.report", reference=check.reference), 303)


@bp.post("/<reference>/breach")
def breach(reference: str):
    """Report that the lawyer team used the check to solicit paid business (their pledge)."""
    check = _member_check(reference)
    form = BreachForm()
    if not form.validate_on_submit():
        flash(_l("Describe what happened."), "error")
        return redirect(url_for("health_checks.report", reference=check.reference), 303)
    report_breach(check, current_user, form.report.data.strip())
    db.session.commit()
    flash(_l("Thank you. The bureau looks into it and contacts you."), "success")
    return redirect(url_for("health_checks.report", reference=check.reference), 303)


@bp.get("/<reference>/visit.ics")
def visit_calendar(reference: str):
    """The visit as a calendar event, for the applicant or a verified member."""
    found = load_by_reference(reference)
    if (
        not isinstance(found, HealthCheck)
        or found.visit_at is None
        or not (applicant_may_see(found) or is_verified_member(current_user, found.enterprise_id))
    ):
        abort(404)
    from datetime import timedelta

    body = event_file(
        uid=f"{found.reference}-visit@{UID_DOMAIN}",
        sequence=found.visit_sequence,
        start=found.visit_at,
        end=found.visit_at + timedelta(hours=3),
        stamp=utcnow(),
        location=found.visit_place or "",
        summary=f"{gettext('Legal health check visit')} {found.reference}",
        description=gettext("The lawyers pledge not to use the check to offer paid services."),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{found.reference}-visit.ics"'},
    )
