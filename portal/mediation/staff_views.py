"""Staff pages of people's mediation: register a dispute that came in person, that a
committee took up itself or that a court, the police or another body referred (the shared
queue and detail pages do the rest)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core.access import works_queue
from portal.core.registry import kind_for_code
from portal.extensions import db
from portal.i18n import current_language
from portal.mediation.channels import ReferralRegisterForm
from portal.mediation.forms import dispute_from
from portal.mediation.services import receive

bp = Blueprint("mediation_staff", __name__, url_prefix="/staff/mediation")


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Enter a dispute on the applicant's behalf; no mobile code, and who entered it is kept."""
    from werkzeug.exceptions import Forbidden

    if not works_queue(current_user, kind_for_code("MD")):
        raise Forbidden()
    form = ReferralRegisterForm()
    if form.validate_on_submit():
        case = receive(
            dispute_from(form, channel=form.channel.data, referral=form.referral()),
            entered_by=current_user,
            locale=current_language(),
        )
        db.session.commit()
        flash(_l("Registered: %(reference)s.", reference=case.reference), "success")
        return redirect(url_for("backoffice.detail", reference=case.reference), 303)
    return render_template("mediation/register.html", form=form), 400 if request.method == "POST" else 200
