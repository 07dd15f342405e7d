"""Staff pages of legal aid beyond the shared queue: registering a notice (通知辩护) or a
detained person's application passed on by the detention authority (Art. 39)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import attachments
from portal.core.access import works_queue
from portal.core.registry import kind_for_code
from portal.extensions import db
from portal.legal_aid.forms import NoticeForm
from portal.legal_aid.roles import OFFICER
from portal.legal_aid.services import register_notice

bp = Blueprint("legal_aid_staff", __name__, url_prefix="/staff/legal-aid")


@bp.route("/notices/new", methods=["GET", "POST"])
def register():
    """Register a notice: it enters approved, handled by the officer who registered it."""
    if not (works_queue(current_user, kind_for_code("LA")) and current_user.has_role(OFFICER)):
        abort(403)
    form = NoticeForm()
    if form.validate_on_submit():
        application = register_notice(form.details(), officer=current_user)
        staged = attachments.stage(getattr(form.attachments, "checked", []))
        attachments.claim_all(application, staged, purpose="notice", by_applicant=False)
        db.session.commit()
        flash(_l("Notice registered as %(reference)s.", reference=application.reference), "success")
        return redirect(url_for("backoffice.detail", reference=application.reference), 303)
    return render_template("legal_aid/notice.html", form=form), 400 if form.is_submitted() else 200
