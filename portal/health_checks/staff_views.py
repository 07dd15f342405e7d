"""Staff pages of the health check: verifying enterprise members, and the team's findings.

The coordinator verifies memberships (licence and authorisation checked); the lawyers of
a check's team, and the coordinator, record findings while the report is prepared and
the follow-up results at the follow-up visit. Everything else is on the shared pages.
"""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.enterprises import EnterpriseDocument, EnterpriseMember, MemberStatus, decide
from portal.core.access import can_view, is_participant, works_queue
from portal.core.attachments import send_attachment
from portal.core.registry import kind_for_code
from portal.core.services import load_by_reference
from portal.extensions import db
from portal.health_checks.forms import FindingForm, FollowUpResultForm, MemberDecisionForm
from portal.health_checks.models import Finding, HealthCheck
from portal.health_checks.services import FindingDetails, add_finding, record_follow_up_result
from portal.health_checks.states import HealthCheckState
from portal.health_checks.team import may_open

bp = Blueprint("health_checks_staff", __name__, url_prefix="/staff/health-checks")


def _coordinator_only() -> None:
    if not works_queue(current_user, kind_for_code("HC")):
        abort(403)


@bp.get("/members")
def members():
    """Enterprise memberships waiting for verification (documents sent first)."""
    _coordinator_only()
    rows = list(
        db.session.scalars(
            select(EnterpriseMember)
            .where(EnterpriseMember.status == MemberStatus.PENDING)
            .order_by(
                EnterpriseMember.submitted_at.is_(None), EnterpriseMember.submitted_at, EnterpriseMember.id
            )
        )
    )
    return render_template("health_checks/staff_members.html", rows=rows)


def _member_or_404(member_id: int) -> EnterpriseMember:
    _coordinator_only()
    member = db.session.get(EnterpriseMember, member_id)
    if member is None:
        abort(404)
    return member


@bp.route("/members/<int:member_id>", methods=["GET", "POST"])
def member(member_id: int):
    """Check a member's licence and authorisation; verify, or refuse with a note."""
    found = _member_or_404(member_id)
    form = MemberDecisionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)  # no decision, or one that is not offered: nothing is decided
        verified = form.decision.data == "verify"
        note = (form.note.data or "").strip()
        if not verified and not note:
            flash(_l("Say why the membership is not verified: the clerk reads it."), "error")
            return render_template(
                "health_checks/staff_member.html", member=found, form=form, note_error=True
            ), 400
        if verified and not found.documents:
            flash(_l("No documents were sent: nothing to verify yet."), "error")
            return render_template("health_checks/staff_member.html", member=found, form=form), 409
        decide(found, verified, current_user, note)
        db.session.commit()
        flash(_l("Verified.") if verified else _l("Not verified; the clerk is told why."), "success")
        return redirect(url_for("health_checks_staff.members"), 303)
    return render_template("health_checks/staff_member.html", member=found, form=form)


@bp.get("/members/<int:member_id>/documents/<int:document_id>")
def member_document(member_id: int, document_id: int):
    found = _member_or_404(member_id)
    document = db.session.get(EnterpriseDocument, document_id)
    if document is None or document.member_id != found.id:
        abort(404)
    return send_attachment(document)


def _check_for_team(reference: str) -> HealthCheck:
    check = load_by_reference(reference)
    if not isinstance(check, HealthCheck):
        abort(404)
    if not (
        can_view(current_user, check)
        and (is_participant(current_user, check) or works_queue(current_user, kind_for_code("HC")))
    ):
        abort(403)
    if not may_open(current_user, check):
        # On the team, but no declaration and pledge yet: nothing of the enterprise opens.
        abort(Response(render_template("health_checks/pledge_first.html", check=check), 403))
    return check


def _render_findings(check, form=None, status=200, results=None):
    form = form or FindingForm(formdata=None)
    form.set_areas(check.area_codes)
    return render_template(
        "health_checks/staff_findings.html",
        check=check,
        form=form,
        writable=check.status == HealthCheckState.IN_REVIEW,
        following_up=check.status == HealthCheckState.FOLLOW_UP_SCHEDULED,
        results=results
        or {
            f.id: FollowUpResultForm(
                prefix=f"result{f.id}", formdata=None, result=f.follow_up_result, note=f.follow_up_note
            )
            for f in check.findings
        },
    ), status


@bp.get("/<reference>/findings")
def findings(reference: str):
    """The team's findings: written while the report is prepared, checked at the follow-up."""
    return _render_findings(_check_for_team(reference))


@bp.post("/<reference>/findings")
def add(reference: str):
    check = _check_for_team(reference)
    if check.status != HealthCheckState.IN_REVIEW:
        abort(409)
    form = FindingForm()
    form.set_areas(check.area_codes)
    if not form.validate_on_submit():
        return _render_findings(check, form, 400)
    add_finding(
        check,
        current_user,
        FindingDetails(
            area=form.area.data,
            risk=form.risk.data,
            finding=form.finding.data.strip(),
            legal_basis=form.legal_basis.data.strip(),
            recommendation=form.recommendation.data.strip(),
            fix_by=form.fix_by.data,
        ),
    )
    db.session.commit()
    flash(_l("Finding added."), "success")
    return redirect(url_for("health_checks_staff.findings", reference=check.reference), 303)


@bp.post("/<reference>/findings/<int:finding_id>/delete")
def delete(reference: str, finding_id: int):
    check = _check_for_team(reference)
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.check_id != check.id:
        abort(404)
    if check.status != HealthCheckState.IN_REVIEW:
        abort(409)  # a published finding stays: a correction is a new report version
    from portal.core.forms import ActionForm

    if not ActionForm().validate_on_submit():
        abort(400)
    db.session.delete(finding)
    db.session.commit()
    flash(_l("Finding removed."), "success")
    return redirect(url_for("health_checks_staff.findings", reference=check.reference), 303)


@bp.post("/<reference>/findings/<int:finding_id>/follow-up")
def follow_up(reference: str, finding_id: int):
    """At the follow-up visit: is the finding resolved?"""
    check = _check_for_team(reference)
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.check_id != check.id:
        abort(404)
    if check.status != HealthCheckState.FOLLOW_UP_SCHEDULED:
        abort(409)
    form = FollowUpResultForm(prefix=f"result{finding.id}")
    if not form.validate_on_submit():
        return _render_findings(
            check,
            status=400,
            results={
                f.id: (
                    form if f.id == finding.id else FollowUpResultForm(prefix=f"result{f.id}", formdata=None)
                )
                for f in check.findings
            },
        )
    record_follow_up_result(finding, current_user, form.result.data, (form.note.data or "").strip())
    db.session.commit()
    flash(_l("Follow-up result recorded."), "success")
    return redirect(url_for("health_checks_staff.findings", reference=check.reference), 303)
