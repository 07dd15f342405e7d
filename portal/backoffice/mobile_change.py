"""Counter staff move a request to the applicant's new mobile after checking the resident
ID card in person (SPEC §2 "Identity and tracking": migrant workers change numbers)."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.backoffice.actions import back_to_detail, conflict_page
from portal.backoffice.detail_views import load_for_staff, render_detail
from portal.backoffice.views import bp
from portal.core.access import can_change_mobile
from portal.core.forms import MobileChangeForm
from portal.core.services import change_mobile
from portal.core.workflow import WorkflowError
from portal.extensions import db


@bp.post("/requests/<reference>/mobile")
def change_request_mobile(reference: str):
    """The new mobile, with the ID check confirmed; an audit event records who and when."""
    found = load_for_staff(reference)
    if not can_change_mobile(current_user, found):
        abort(403)
    form = MobileChangeForm()
    if not form.validate_on_submit():
        return render_detail(found, mobile_form=form, status=400)
    try:
        change_mobile(found, current_user, form.mobile.data)
        db.session.commit()
    except WorkflowError as error:
        return conflict_page(found, error)
    return back_to_detail(found, _l("The request now follows the new mobile number."))
