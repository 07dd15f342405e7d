"""Admin pages for enterprise identity: see every enterprise's members, revoke a
membership, or hand an enterprise over to another account (e.g. a new clerk).

Both decisions are posted through form classes: a hand-over needs a valid mobile of
another enterprise account, shown next to the member's field when it is wrong."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from portal.accounts.enterprises import Enterprise, EnterpriseMember, MemberStatus, revoke, transfer
from portal.accounts.models import AccountType, User
from portal.accounts.roles import Role
from portal.core.fields import MobileNumber
from portal.extensions import db

bp = Blueprint("enterprise_admin", __name__, url_prefix="/staff/admin/enterprises")


class RevokeForm(FlaskForm):
    note = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class TransferForm(FlaskForm):
    #: Labelled per member by the page (admin/enterprises.html); MobileNumber refuses a blank.
    mobile = StringField(validators=[MobileNumber()])

    def __init__(self, member: EnterpriseMember, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.member, self.target = member, None

    def validate_mobile(self, field):
        target = db.session.scalar(
            select(User).where(User.mobile == field.data, User.account_type == AccountType.ENTERPRISE)
        )
        if target is None or target.id == self.member.user_id:
            raise ValidationError(_l("Give the mobile number of another enterprise account."))
        self.target = target


@bp.before_request
def admins_only():
    if not current_user.is_authenticated or not current_user.has_role(Role.ADMIN):
        abort(403)


def _page(failed: TransferForm | None = None, status: int = 200):
    q = (request.args.get("q") or "").strip()[:50]
    query = select(Enterprise).order_by(Enterprise.name).limit(200)
    if q:
        query = query.where(Enterprise.name.contains(q) | (Enterprise.uscc == q.upper()))
    return render_template(
        "admin/enterprises.html", enterprises=list(db.session.scalars(query)), q=q, failed=failed
    ), status


@bp.get("/")
def enterprises():
    """Every enterprise with its member accounts and their status."""
    return _page()


def _member(member_id: int, *states: str) -> EnterpriseMember:
    member = db.session.get(EnterpriseMember, member_id)
    if member is None:
        abort(404)
    if member.status not in states:
        abort(409)
    return member


@bp.post("/members/<int:member_id>/revoke")
def revoke_member(member_id: int):
    """End a membership: the account no longer acts for the enterprise."""
    member = _member(member_id, MemberStatus.PENDING, MemberStatus.VERIFIED, MemberStatus.REJECTED)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    revoke(member, current_user, (form.note.data or "").strip() or None)
    db.session.commit()
    flash(_l("Membership ended."), "success")
    return redirect(url_for("enterprise_admin.enterprises"), 303)


@bp.post("/members/<int:member_id>/transfer")
def transfer_member(member_id: int):
    """Hand the enterprise to another enterprise account, given by its mobile number."""
    member = _member(member_id, MemberStatus.VERIFIED)
    form = TransferForm(member)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(form, 400)
    transfer(member, form.target, current_user)
    db.session.commit()
    flash(_l("Handed over to %(name)s.", name=form.target.display_name), "success")
    return redirect(url_for("enterprise_admin.enterprises"), 303)
