"""Pages of the team an enterprise can trust: a member's conflict declaration and pledge,
the enterprise's objection to a member before the visit, the coordinator's decision."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.enterprises import is_verified_member
from portal.core.access import works_queue
from portal.core.registry import kind_for_code
from portal.core.services import load_by_reference
from portal.extensions import db
from portal.health_checks.forms import ObjectionDecisionForm, ObjectionForm, PledgeForm
from portal.health_checks.models import HealthCheck, TeamMember
from portal.health_checks.team import (
    OBJECTION_STATES,
    accept_pledge,
    decide_objection,
    declare_conflict,
    object_to,
    pledge_text,
)

bp = Blueprint("health_checks_team", __name__, url_prefix="/health-checks")
staff_bp = Blueprint("health_checks_pledge", __name__, url_prefix="/staff/health-checks")


def _check_or_404(reference: str) -> HealthCheck:
    check = load_by_reference(reference)
    if not isinstance(check, HealthCheck):
        abort(404)
    return check


@staff_bp.route("/<reference>/pledge", methods=["GET", "POST"])
def pledge(reference: str):
    """A team member declares conflicts and accepts the pledge, once, before opening anything."""
    check = _check_or_404(reference)
    member = check.member_of(current_user)
    if member is None or not member.on_team:
        abort(403)
    if member.may_open:
        return redirect(url_for("health_checks_staff.findings", reference=check.reference), 303)
    form = PledgeForm()
    if form.validate_on_submit():
        if form.conflict.data == "declared":
            declare_conflict(member, current_user, form.conflict_note.data.strip())
            db.session.commit()
            flash(_l("You declared a conflict and are off the team. The coordinator is told."), "success")
            return redirect(url_for("backoffice.home"), 303)
        accept_pledge(member, current_user)
        db.session.commit()
        flash(_l("Pledge accepted. You may now open the enterprise's documents and findings."), "success")
        return redirect(url_for("health_checks_staff.findings", reference=check.reference), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("health_checks/pledge.html", check=check, form=form, pledge=pledge_text()), status


def _member_row(check: HealthCheck, member_id: int) -> TeamMember:
    member = db.session.get(TeamMember, member_id)
    if member is None or member.check_id != check.id:
        abort(404)
    return member


@bp.post("/<reference>/team/<int:member_id>/objection")
def objection(reference: str, member_id: int):
    """A verified member of the enterprise objects to a lawyer of the team, before the visit."""
    check = _check_or_404(reference)
    if not is_verified_member(current_user, check.enterprise_id):
        abort(404)
    member = _member_row(check, member_id)
    if check.status not in OBJECTION_STATES or not member.on_team or member.objection is not None:
        abort(409)
    form = ObjectionForm(prefix=f"object{member.id}")
    if not form.validate_on_submit():
        flash(_l("Say why: the coordinator decides on your reasons."), "error")
        return redirect(url_for("public.track_request", reference=check.reference), 303)
    object_to(member, current_user, form.reason.data.strip())
    db.session.commit()
    flash(
        _l("Your objection is sent. The coordinator decides before the visit and tells you why."), "success"
    )
    return redirect(url_for("public.track_request", reference=check.reference), 303)


@staff_bp.post("/<reference>/team/<int:member_id>/objection")
def decide(reference: str, member_id: int):
    """The coordinator upholds or dismisses an objection, with reasons."""
    if not works_queue(current_user, kind_for_code("HC")):
        abort(403)
    check = _check_or_404(reference)
    member = _member_row(check, member_id)
    if not member.objection_open:
        abort(409)
    form = ObjectionDecisionForm(prefix=f"decide{member.id}")
    if not form.validate_on_submit():
        flash(_l("Choose a decision and give the reasons."), "error")
        return redirect(url_for("backoffice.detail", reference=check.reference), 303)
    decide_objection(member, current_user, form.decision.data == "upheld", form.reasons.data.strip())
    db.session.commit()
    flash(_l("Decided; the enterprise is told why."), "success")
    return redirect(url_for("backoffice.detail", reference=check.reference), 303)
