"""Counter staff move a request to the applicant's new mobile after checking the resident
ID card in person (SPEC §2 "Identity and tracking": migrant workers change numbers)."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.backoffice.views import _back, _conflict, _load_for_staff, bp, render_detail
from portal.core.access import can_change_mobile
from portal.core.forms import MobileChangeForm
from portal.core.services import change_mobile
from portal.core.workflow import WorkflowError
from portal.extensions import db


@bp.post("/requests/<reference>/mobile")
def change_request_mobile(reference: str):
    """The new mobile, with the ID check confirmed; an audit event records who and when."""
    found = _load_for_staff(reference)
    if not can_change_mobile(current_user, found):
        abort(403)
    form = MobileChangeForm()
    if not form.validate_on_submit():
        return render_detail(found, mobile_form=form, status=400)
    try:
        change_mobile(found, current_user, form.mobile.data)
        db.session.commit()
    except WorkflowError as error:
        return _conflict(found, error)
    return _back(found, _l("The request now follows the new mobile number."))
