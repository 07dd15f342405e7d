"""Looking after one's own account: a password change, a forgotten password reset by SMS
code, and a new mobile number proved by a code (routes on the accounts blueprint)."""

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.accounts import verification
from portal.accounts.forms import (
    ChangeMobileForm,
    ChangePasswordForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from portal.accounts.models import AccountType, User
from portal.accounts.views import audit_log, bp, login_rate, start_session
from portal.core import intake_state
from portal.core.clock import utcnow
from portal.core.identity import mask_mobile
from portal.core.intake import CHANGE_PARAM, LOST_MESSAGE, STEP_FIELD
from portal.core.intake_lost import intake_page
from portal.extensions import db, limiter


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Choose a new password (also after a counter reset). Every other session ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_l("The current password is wrong."))
        else:
            user = current_user._get_current_object()
            user.set_password(form.password.data)  # raises the session epoch: all sessions end
            user.must_change_password = False
            db.session.commit()
            audit_log.info("password changed by its owner: account %s", user.id)
            start_session(user)  # this browser goes on under the new epoch
            flash(_l("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("backoffice.home" if user.is_staff else "accounts.my_requests"), 303)
    return render_template("accounts/change_password.html", form=form), 400 if form.is_submitted() else 200


RESET_MOBILE_KEY = "reset_mobile"
RESET_CODE_KEY = "reset_code_id"
RESET_TRIES_KEY = "reset_tries"
RESET_DEMO_KEY = "reset_demo_code"


def public_account_with_mobile(mobile: str) -> User | None:
    return db.session.scalar(
        select(User).where(
            User.mobile == mobile, User.account_type != AccountType.STAFF, User.is_active_account.is_(True)
        )
    )


@bp.route("/reset-password", methods=["GET", "POST"])
@intake_page
@limiter.limit(login_rate, methods=["POST"])
def reset_password():
    """A forgotten password: a code by SMS to the account's mobile (SPEC §11).

    The answer and the counted send are the same whether or not the number has an
    account, so the page tells nobody which numbers are registered. Without SMS the
    page sends people to the counter, where an administrator resets it.
    """
    if not current_app.config.get("MOBILE_VERIFICATION", True):
        return render_template("accounts/reset_password.html", form=None)
    form = ResetRequestForm()
    if g.get("csrf_lost"):
        return render_template("accounts/reset_password.html", form=form, intake_notice=LOST_MESSAGE), 400
    if form.validate_on_submit():
        mobile = form.mobile.data
        if not verification.take_sms_allowance(mobile):
            form.mobile.errors.append(
                _l("Too many codes were sent to this number. Wait a while, or call 12348.")
            )
            return render_template("accounts/reset_password.html", form=form), 429
        row = None
        if public_account_with_mobile(mobile) is not None:
            row, code = verification.new_code(mobile, template="password_reset_code")
            db.session.commit()
            if verification.shows_code_on_page():
                session[RESET_DEMO_KEY] = code
        session[RESET_MOBILE_KEY] = mobile
        session[RESET_CODE_KEY] = row.id if row is not None else None
        session[RESET_TRIES_KEY] = 0
        return redirect(url_for("accounts.reset_password_code"), 303)
    return render_template("accounts/reset_password.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/reset-password/code", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
def reset_password_code():
    """The code from the text message and the new password."""
    mobile = session.get(RESET_MOBILE_KEY)
    if not mobile or not current_app.config.get("MOBILE_VERIFICATION", True):
        return redirect(url_for("accounts.reset_password"))
    form = ResetPasswordForm()
    form.personal_words = [mobile]
    if form.validate_on_submit():
        from portal.accounts.models import MobileCode

        code_id = session.get(RESET_CODE_KEY)
        row = db.session.get(MobileCode, code_id) if isinstance(code_id, int) else None
        typed = "".join(ch for ch in form.code.data if ch.isdigit())
        user = public_account_with_mobile(mobile)
        if user is not None and verification.code_matches(row, mobile, typed):
            user.set_password(form.password.data)  # every session of the account ends
            user.must_change_password = False
            user.mobile_verified_at = utcnow()
            db.session.commit()
            audit_log.info("password reset by SMS code: account %s", user.id)
            for key in (RESET_MOBILE_KEY, RESET_CODE_KEY, RESET_TRIES_KEY, RESET_DEMO_KEY):
                session.pop(key, None)
            flash(_l("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("accounts.login"), 303)
        db.session.commit()  # a wrong try counts
        session[RESET_TRIES_KEY] = session.get(RESET_TRIES_KEY, 0) + 1
        too_many = session[RESET_TRIES_KEY] >= current_app.config["MOBILE_CODE_MAX_TRIES"]
        form.code.errors.append(
            _l("The code is wrong too often: ask for a new one.")
            if too_many
            else _l("The code is wrong or too old.")
        )
    return render_template(
        "accounts/reset_password_code.html",
        form=form,
        masked=mask_mobile(mobile),
        demo_code=session.get(RESET_DEMO_KEY),
    ), 400 if form.is_submitted() else 200


@bp.route("/mobile", methods=["GET", "POST"])
@login_required
def change_mobile():
    """A new mobile number, proved by a code sent to it; other sessions end and the old
    number is told, so that a stolen session cannot quietly take the account. The
    password is checked before the code step; the code page never carries it."""
    if current_user.is_staff:
        abort(404)
    form = ChangeMobileForm()
    user = current_user._get_current_object()
    owner = f"user:{user.id}"  # the state's mark: this account's password was checked
    state = intake_state.current()
    if (
        request.method == "GET"
        and state is not None
        and state.secret == owner
        and request.args.get(CHANGE_PARAM)
    ):
        form.mobile.data = state.mobile
    if request.form.get(STEP_FIELD) == "code":
        if state is None or state.secret != owner:
            return render_template(
                "accounts/change_mobile.html",
                form=form,
                current=mask_mobile(user.mobile),
                intake_notice=LOST_MESSAGE,
            ), 400
        return _mobile_proved(form, user, state)
    if form.validate_on_submit():
        new = form.mobile.data
        if not user.check_password(form.password.data):
            form.password.errors.append(_l("The password is wrong."))
        elif new == user.mobile:
            form.mobile.errors.append(_l("This is your number already."))
        elif verification.needs_verification(new):
            state = intake_state.save(
                [("mobile", new)], key=intake_state.new_key(), step="code", mobile=new, secret=owner
            )
            db.session.commit()
            return _mobile_proved(form, user, state)
        elif db.session.scalar(select(User.id).where(User.mobile == new, User.id != user.id)):
            form.mobile.errors.append(
                _l("This number belongs to another account. Call 12348 if it is yours.")
            )
        else:
            _move_to_mobile(user, new, proved=False)
            flash(_l("Your mobile number is changed. Other devices are signed out."), "success")
            return redirect(url_for("accounts.my_requests"), 303)
    return render_template(
        "accounts/change_mobile.html", form=form, current=mask_mobile(user.mobile)
    ), 400 if form.is_submitted() else 200


def _mobile_proved(form: ChangeMobileForm, user: User, state):
    new = state.mobile
    change = url_for("accounts.change_mobile", **{CHANGE_PARAM: 1}, _anchor="mobile")
    if (code_page := verification.verify_intake_mobile(new, change_url=change)) is not None:
        return code_page
    db.session.delete(state)
    if db.session.scalar(select(User.id).where(User.mobile == new, User.id != user.id)):
        db.session.commit()
        form.mobile.data = new
        form.mobile.errors = [_l("This number belongs to another account. Call 12348 if it is yours.")]
        return render_template(
            "accounts/change_mobile.html", form=form, current=mask_mobile(user.mobile)
        ), 400
    _move_to_mobile(user, new, proved=True)
    flash(_l("Your mobile number is changed. Other devices are signed out."), "success")
    return redirect(url_for("accounts.my_requests"), 303)


def _move_to_mobile(user: User, new: str, proved: bool) -> None:
    from portal.core.notifications import queue_message

    old = user.mobile
    user.mobile = new
    user.mobile_verified_at = utcnow() if proved else None
    user.end_all_sessions()
    if old:
        queue_message(
            old,
            str(
                _l(
                    "The sign-in number of your legal services account was changed to %(mobile)s. "
                    "If this was not you, call 12348 at once.",
                    mobile=mask_mobile(new),
                )
            ),
            template="mobile_changed",
            params={"mobile": mask_mobile(new)},
        )
    db.session.commit()
    audit_log.info("mobile changed by its owner: account %s", user.id)
    start_session(user)
