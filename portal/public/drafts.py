"""Opening a draft again (issue #30, core.drafts): `/continue/<form>` asks the mobile typed
in the draft, then a code texted to it, or the PIN the draft chose when it asked for no
text messages. Whether a draft exists or not, every page says the same thing; only the
proof shows it. The quick exit's "also delete what I typed" posts to `/leave`."""

import hmac
from functools import partial

from flask import abort, current_app, redirect, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.accounts import verification
from portal.accounts.models import MobileCode
from portal.core import drafts
from portal.core.clock import utcnow
from portal.core.fields import MobileNumber
from portal.core.identity import mask_mobile, normalise_mobile
from portal.core.pages import quick_exit
from portal.extensions import db
from portal.public.views import bp

#: The mobile being proved for a draft, and its form (this browser's session).
PROOF_KEY = "draft_proof"
#: Where the quick exit goes (templates/_quick_exit.html).
QUICK_EXIT_URL = "https://www.weather.com.cn/"
NOT_OPENED = _l("No draft was opened: the number, the code or the PIN is not right.")


class DraftMobileForm(FlaskForm):
    mobile = StringField(
        _l("The mobile number you typed in the form"),
        validators=[DataRequired(message=_l("Enter the mobile number.")), Length(max=20), MobileNumber()],
    )
    pin = PasswordField(
        _l("Your PIN, if you asked for no text messages"),
        description=_l("Then no code is sent: the PIN you chose on the form opens what you typed."),
        validators=[Length(max=40)],
    )


class DraftCodeForm(FlaskForm):
    code = StringField(
        _l("Code from the text message"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=12)],
    )


def _form_endpoint(endpoint: str) -> str:
    """Only a public form with a quick exit has drafts opened this way."""
    view = current_app.view_functions.get(endpoint)
    if view is None or not getattr(view, "keeps_typed_on_lost_token", False):
        abort(404)
    if not drafts.intake_state.needs_proof(endpoint):
        abort(404)
    return endpoint


@bp.route("/continue/<form_name>", methods=["GET", "POST"])
@quick_exit
def continue_draft(form_name):
    """Step 1: the mobile (and the PIN, for a draft that asked for no texts)."""
    endpoint = _form_endpoint(form_name)
    form = DraftMobileForm()
    if not form.validate_on_submit():
        return _page(form=form, status=400 if form.is_submitted() else 200)
    mobile = normalise_mobile(form.mobile.data)
    state = drafts.find(endpoint, mobile)
    if form.pin.data:
        if drafts.opens_with_pin(state, form.pin.data):
            return redirect(drafts.open_here(state), 303)
        form.pin.errors.append(NOT_OPENED)
        return _page(form=form, status=400)
    if drafts.may_open(state) and drafts.pin_hash(state) is None:
        sent = verification.send_code(mobile) is not None
    else:  # no draft, or one that asked for no texts: nothing sent, the same count and page
        sent = verification.take_sms_allowance(mobile)
    session[PROOF_KEY] = {  # no mobile in the cookie (signed, not encrypted): its keyed hash
        "endpoint": endpoint,
        "mobile": verification.mobile_key(mobile),
        "masked": mask_mobile(mobile),
        "limited": not sent,
    }
    return redirect(request.path + "/code", 303)


@bp.route("/continue/<form_name>/code", methods=["GET", "POST"])
@quick_exit
def continue_draft_code(form_name):
    """Step 2: the code texted to the mobile, if a draft with it exists."""
    endpoint = _form_endpoint(form_name)
    proof = session.get(PROOF_KEY) or {}
    if proof.get("endpoint") != endpoint or not proof.get("mobile"):
        return redirect(request.path.removesuffix("/code"), 303)
    form = DraftCodeForm()
    page = partial(_page, code_form=form, masked=proof.get("masked"), limited=proof.get("limited"))
    if not form.validate_on_submit():
        return page(status=400 if form.is_submitted() else 200)
    row = _latest_code(proof["mobile"])  # whoever asked for it: the code proves the phone
    mobile = row.mobile if row is not None else None
    typed = "".join(ch for ch in form.code.data if ch.isdigit())
    state = drafts.find(endpoint, mobile)
    if row is not None and verification.code_matches(row, mobile, typed) and drafts.may_open(state):
        session.pop(PROOF_KEY, None)
        verification.remember_proven(mobile)
        return redirect(drafts.open_here(state), 303)
    db.session.commit()  # the wrong try counted on the code (MOBILE_CODE_MAX_TRIES), not the draft
    form.code.errors.append(NOT_OPENED)
    return page(status=400)


def _latest_code(key: str) -> MobileCode | None:
    """The newest live code sent to the mobile whose keyed hash is `key` (codes live
    minutes: few rows)."""
    live = db.session.scalars(
        select(MobileCode)
        .where(MobileCode.verified_at.is_(None), MobileCode.expires_at > utcnow())
        .order_by(MobileCode.id.desc())
        .limit(500)
    )
    return next((row for row in live if hmac.compare_digest(verification.mobile_key(row.mobile), key)), None)


def _page(*, form=None, code_form=None, masked=None, limited=False, status=200):
    page = render_template(
        "public/continue_draft.html",
        form=form,
        code_form=code_form,
        limited=limited,
        masked=masked,
    )
    return current_app.make_response((page, status))


@bp.post("/leave")
def leave_intake():
    """The quick exit from a form: what was typed is hidden behind a proof, or deleted
    with its files when the person asked for it; then straight to the weather. The script's
    beacon (the page is already leaving) gets an empty answer: a redirect would send the beacon
    itself on to the weather site, which the page's CSP refuses (connect-src is 'self')."""
    drafts.leave(forget=request.form.get("forget") == "1")
    if request.form.get("beacon") == "1":
        return "", 204
    return redirect(QUICK_EXIT_URL, 303)
