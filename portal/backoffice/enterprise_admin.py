"""Admin pages for enterprise identity: see every enterprise's members, revoke a
membership, or hand an enterprise over to another account (e.g. a new clerk)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.enterprises import Enterprise, EnterpriseMember, MemberStatus, revoke, transfer
from portal.accounts.models import AccountKind, User
from portal.accounts.roles import Role
from portal.core.forms import ActionForm
from portal.core.identity import normalise_mobile
from portal.extensions import db

bp = Blueprint("enterprise_admin", __name__, url_prefix="/staff/admin/enterprises")


@bp.before_request
def admins_only():
    if not current_user.is_authenticated or not current_user.has_role(Role.ADMIN):
        abort(403)


@bp.get("/")
def enterprises():
    """Every enterprise with its member accounts and their status."""
    q = (request.args.get("q") or "").strip()[:50]
    query = select(Enterprise).order_by(Enterprise.name).limit(200)
    if q:
        query = query.where(Enterprise.name.contains(q) | (Enterprise.uscc == q.upper()))
    return render_template("admin/enterprises.html", enterprises=list(db.session.scalars(query)), q=q)


def _member_or_404(member_id: int) -> EnterpriseMember:
    member = db.session.get(EnterpriseMember, member_id)
    if member is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return member


@bp.post("/members/<int:member_id>/revoke")
def revoke_member(member_id: int):
    """End a membership: the account no longer acts for the enterprise."""
    member = _member_or_404(member_id)
    revoke(member, current_user, (request.form.get("note") or "").strip()[:500] or None)
    db.session.commit()
    flash(_l("Membership ended."), "success")
    return redirect(url_for("enterprise_admin.enterprises"), 303)


@bp.post("/members/<int:member_id>/transfer")
def transfer_member(member_id: int):
    """Hand the enterprise to another enterprise account, given by its mobile number."""
    member = _member_or_404(member_id)
    mobile = normalise_mobile(request.form.get("mobile") or "")
    target = (
        db.session.scalar(select(User).where(User.mobile == mobile, User.kind == AccountKind.ENTERPRISE))
        if mobile
        else None
    )
    if target is None or target.id == member.user_id or member.status != MemberStatus.VERIFIED:
        flash(
            _l(
                "Give the mobile number of another enterprise account; only a verified membership can be handed over."
            ),
            "error",
        )
        return redirect(url_for("enterprise_admin.enterprises"), 303)
    transfer(member, target, current_user)
    db.session.commit()
    flash(_l("Handed over to %(name)s.", name=target.display_name), "success")
    return redirect(url_for("enterprise_admin.enterprises"), 303)
