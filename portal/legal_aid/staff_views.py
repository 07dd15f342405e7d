"""Staff pages of legal aid beyond the shared queue: registering a notice (通知辩护, Art. 36)
and an application a person in custody handed in and the institution forwarded (Art. 39)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import attachments
from portal.extensions import db
from portal.legal_aid.notice_forms import ForwardedForm, NoticeForm
from portal.legal_aid.notices import forwarded_late, receive_forwarded, register_notice

bp = Blueprint("legal_aid_staff", __name__, url_prefix="/staff/legal-aid")
#: Officers only: the shared staff guard reads the capability's `staff_areas` for this
#: blueprint (legal_aid/capability.py), so no page here checks the role again.


def _done(application, form, purpose: str, message):
    staged = attachments.stage(getattr(form.attachments, "checked", []))
    attachments.claim_all(application, staged, purpose=purpose, by_applicant=False)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("backoffice.detail", reference=application.reference), 303)


@bp.route("/notices/new", methods=["GET", "POST"])
def register():
    """Register a notice: it enters approved, handled by the officer who registered it."""
    form = NoticeForm()
    if form.validate_on_submit():
        application = register_notice(form.details(), officer=current_user)
        message = _l("Notice registered as %(reference)s.", reference=application.reference)
        return _done(application, form, "notice", message)
    return render_template("legal_aid/notice.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/forwarded/new", methods=["GET", "POST"])
def forwarded():
    """Enter a forwarded application: it goes to review, handled by the officer who entered it."""
    form = ForwardedForm()
    if form.validate_on_submit():
        application = receive_forwarded(form.details(), officer=current_user)
        message = _l("Forwarded application entered as %(reference)s.", reference=application.reference)
        if forwarded_late(application):
            message = _l(
                "Forwarded application entered as %(reference)s. It was forwarded more than 24 hours after it was handed in (Art. 39): the delay is recorded.",
                reference=application.reference,
            )
        return _done(application, form, "application", message)
    return render_template("legal_aid/forwarded.html", form=form), 400 if form.is_submitted() else 200
