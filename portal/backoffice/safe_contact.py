"""Staff record that a notice reached a safe-contact applicant by a call or at the counter
(portal.core.safe_contact): an audited event, which jobs acting on silence look for."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from portal.backoffice.actions import back_to_detail
from portal.backoffice.detail_views import load_for_staff, render_detail
from portal.backoffice.views import bp
from portal.core import safe_contact
from portal.core.access import can_change_mobile
from portal.core.choices import options
from portal.core.services import record_event
from portal.extensions import db

PIN_UNLOCKED = "contact_pin_unlocked"
CHANNELS = {"call": _l("By the call the applicant asked for"), "counter": _l("In person at the counter")}


class NoticeDeliveredForm(FlaskForm):
    channel = SelectField(
        _l("How the notice was delivered"),
        choices=options(CHANNELS.items()),
        validators=[DataRequired(message=_l("Choose how the notice was delivered."))],
    )
    what = StringField(
        _l("Which notice, and when"),
        validators=[DataRequired(message=_l("Say which notice was delivered, and when.")), Length(max=300)],
    )


class PinUnlockForm(FlaskForm):
    id_checked = BooleanField(
        _l("I checked the applicant's resident ID card in person"),
        validators=[DataRequired(message=_l("Only after checking the ID card in person: tick the box."))],
    )


@bp.post("/requests/<reference>/contact-pin")
def unlock_contact_pin(reference: str):
    """After too many wrong PINs, the applicant proves who they are at the counter: staff
    let the PIN be tried again (audited)."""
    found = load_for_staff(reference)
    if not can_change_mobile(current_user, found):
        abort(403)
    if not found.safe_contact:
        abort(404)  # no such step for a request that takes texts
    form = PinUnlockForm(prefix="pin")
    if not form.validate_on_submit():
        return render_detail(found, status=400)
    found.pin_tries = 0
    record_event(found, PIN_UNLOCKED, user=current_user)
    db.session.commit()
    return back_to_detail(found, _l("The tracking PIN may be tried again."))


@bp.post("/requests/<reference>/contact-notice")
def record_contact_notice(reference: str):
    """Record one delivery; staff who may act on the request's queue (as for the mobile)."""
    found = load_for_staff(reference)
    if not can_change_mobile(current_user, found):
        abort(403)
    if not found.safe_contact:
        abort(404)  # no such step for a request that takes texts
    form = NoticeDeliveredForm()
    if not form.validate_on_submit():
        return render_detail(found, delivery_form=form, status=400)
    how = f"{CHANNELS[form.channel.data]}: {form.what.data.strip()}"
    safe_contact.record_delivery(found, current_user, how)
    db.session.commit()
    return back_to_detail(found, _l("The delivery of the notice is recorded."))
