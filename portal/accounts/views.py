"""Register, sign in and out, "My requests", and looking after one's own account:
password change, a forgotten password reset by SMS code, a new mobile number."""

import logging
import secrets

from flask import (
    Blueprint,
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
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from portal.accounts import services, two_factor, verification
from portal.accounts.enterprises import (
    DOCUMENT_KINDS,
    MEMBER_STATUS_LABELS,
    join_enterprise,
    membership_of,
    send_for_verification,
)
from portal.accounts.forms import (
    ChangeMobileForm,
    ChangePasswordForm,
    EnterpriseDetailsForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SecondFactorForm,
    VerificationForm,
)
from portal.accounts.models import AccountKind, User, password_hash_method
from portal.accounts.services import authenticate, register_public_account
from portal.core import attachments, intake_state
from portal.core.access import own_requests_clause
from portal.core.clock import utcnow
from portal.core.identity import mask_mobile
from portal.core.intake import CHANGE_PARAM, LOST_MESSAGE, STEP_FIELD
from portal.core.intake_lost import intake_page
from portal.core.models import InboxMessage, ServiceRequest
from portal.extensions import db, limiter
from portal.security import LAST_SEEN_KEY, safe_next_url

bp = Blueprint("accounts", __name__, url_prefix="/account")
audit_log = logging.getLogger("portal.audit")
#: Where a person with a temporary password may go before choosing a new one.
OPEN_WITH_TEMPORARY_PASSWORD = {"accounts.change_password", "accounts.logout", "static"}


def login_rate():
    return current_app.config["RATELIMIT_LOGIN"]


def sign_in_page(staff: bool = False):
    """The one sign-in page, at /account/login and /staff/login."""
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(form.login.data, form.password.data, request.remote_addr or "unknown")
        db.session.commit()  # failures and the lock count whatever the answer
        if result.user is None:
            form.login.errors.append(result.error)
        elif two_factor.required_for(result.user):
            fresh_session()
            two_factor.start(result.user)  # half signed in: the second factor next
            return redirect(url_for("accounts.second_factor", next=request.args.get("next")))
        else:
            return complete_sign_in(result.user)
    return render_template("accounts/login.html", form=form, staff=staff)


def fresh_session() -> None:
    """A fresh session on sign-in (no fixation), keeping only the tracked requests."""
    tracked = session.get("tracked_requests", [])
    session.clear()
    session["tracked_requests"] = tracked


def start_session(user: User) -> None:
    """Sign `user` in on a fresh session, idle limit counted from now."""
    fresh_session()
    login_user(user)
    session[LAST_SEEN_KEY] = utcnow().isoformat(timespec="seconds")  # idle limit from the start


def complete_sign_in(user: User):
    start_session(user)
    if user.must_change_password:
        flash(_l("You signed in with a temporary password: choose your own now."), "info")
        return redirect(url_for("accounts.change_password"))
    fallback = "backoffice.home" if user.is_staff else "accounts.my_requests"
    return redirect(safe_next_url(request.args.get("next"), fallback))


@bp.before_app_request
def temporary_password_first():
    """A counter reset's temporary password opens nothing but the page to replace it."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in OPEN_WITH_TEMPORARY_PASSWORD
    ):
        return redirect(url_for("accounts.change_password"))
    return None


@bp.route("/two-factor", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
def second_factor():
    """Staff: the code from the authenticator app (or a recovery code); at the first
    sign-in, enrolment: the key to add to the app, confirmed by its first code."""
    user = two_factor.pending_user()
    if user is None:
        two_factor.finish()
        flash(_l("Please sign in to continue."), "info")
        return redirect(url_for("backoffice.login"))
    form = SecondFactorForm()
    enrolling = user.totp_secret is None
    secret = two_factor.new_secret() if enrolling else None
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        if enrolling:
            codes = two_factor.enrol(user, secret, form.code.data)
            if codes is not None:
                db.session.commit()
                two_factor.finish()
                response = complete_sign_in(user)
                return render_template(
                    "accounts/recovery_codes.html", codes=codes, next_url=response.headers["Location"]
                )
        elif services.second_factor_allowed(user.username or "", address, failed=False) and two_factor.check(
            user, form.code.data
        ):
            db.session.commit()  # a recovery code is used up
            two_factor.finish()
            return complete_sign_in(user)
        services.second_factor_allowed(user.username or "", address, failed=True)
        db.session.commit()
        form.code.errors.append(_l("The code is wrong or too old: type the current one."))
    uri = two_factor.provisioning_uri(user, secret) if enrolling else None
    return render_template(
        "accounts/two_factor.html", form=form, enrolling=enrolling, secret=secret, uri=uri
    ), 400 if form.is_submitted() else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
def login():
    """Sign in with mobile number (residents, enterprises) or username (staff)."""
    return sign_in_page()


@bp.post("/logout")
def logout():
    """Sign out (POST only, so that a link or image cannot sign anyone out).

    Ends every session of the account on the server, so a copied cookie opens nothing.
    """
    if current_user.is_authenticated:
        current_user.end_all_sessions()
        db.session.commit()
    logout_user()
    session.clear()
    flash(_l("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/register", methods=["GET", "POST"])
@intake_page
@limiter.limit(login_rate, methods=["POST"])
def register():
    """Create a resident or enterprise account.

    With MOBILE_VERIFICATION on, the mobile is proved by a code before anything else is
    said about it: only its owner learns that it has an account already. While the code
    is awaited the answers and the password's hash wait on the server (core.intake_state):
    the code page carries neither.
    """
    form = RegisterForm()
    if g.get("csrf_lost"):  # shown again as typed (never the password), nothing written
        return render_template("accounts/register.html", form=form, intake_notice=LOST_MESSAGE), 400
    state = intake_state.current()
    if request.method == "GET" and state is not None and request.args.get(CHANGE_PARAM):
        form.process(formdata=intake_state.formdata(state))  # the password is typed again
    if request.form.get(STEP_FIELD) == "code":
        if state is None or not state.secret:
            return render_template("accounts/register.html", form=form, intake_notice=LOST_MESSAGE), 400
        form.process(formdata=intake_state.formdata(state))
        return _register_proved(form, state)
    if form.validate_on_submit():
        if verification.needs_verification(form.mobile.data):
            answers = [(n, v) for n, v in request.form.items(multi=True) if n not in PASSWORD_FIELDS]
            secret = generate_password_hash(form.password.data, method=password_hash_method())
            state = intake_state.save(
                answers, key=intake_state.new_key(), step="code", mobile=form.mobile.data, secret=secret
            )
            db.session.commit()
            return _register_proved(form, state)
        if db.session.scalar(select(User.id).where(User.mobile == form.mobile.data)):
            form.mobile.errors.append(_l("An account with this mobile number exists already: sign in."))
        else:
            return _create_account(form, form.password.data, proved=False)
    return render_template("accounts/register.html", form=form)


#: Never written to the intake state nor to any page.
PASSWORD_FIELDS = {"password", "confirm", "current", "csrf_token"}


def _register_proved(form: RegisterForm, state):
    """The code step of a pending registration, then the account."""
    change = url_for("accounts.register", **{CHANGE_PARAM: 1}, _anchor="mobile")
    if (code_page := verification.verify_intake_mobile(state.mobile, change_url=change)) is not None:
        return code_page
    if db.session.scalar(select(User.id).where(User.mobile == state.mobile)):
        db.session.delete(state)
        db.session.commit()  # the owner of the number, proved: tell them where to go
        flash(
            _l(
                "This mobile number has an account already. Sign in, or set a new password if you have forgotten it."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"), 303)
    secret = state.secret
    db.session.delete(state)
    return _create_account(form, None, proved=True, password_hash=secret)


def _create_account(
    form: RegisterForm, password: str | None, *, proved: bool, password_hash: str | None = None
):
    enterprise = form.kind.data == "enterprise"
    user = register_public_account(
        AccountKind.ENTERPRISE if enterprise else AccountKind.RESIDENT,
        form.mobile.data,
        form.display_name.data.strip(),
        password or secrets.token_urlsafe(32),
        company_name=(form.company_name.data or "").strip() or None,
    )
    if password_hash:
        user.password_hash = password_hash  # hashed when typed; the text was never kept
    user.mobile_verified_at = utcnow() if proved else None
    if enterprise:
        # Knowing a credit code proves nothing: the account waits for verification.
        db.session.flush()
        join_enterprise(user, form.company_name.data.strip(), form.uscc.data)
    db.session.commit()
    session.clear()
    start_session(user)
    flash(_l("Your account is ready."), "success")
    if enterprise:
        return redirect(url_for("accounts.enterprise"))
    return redirect(url_for("accounts.my_requests"))


@bp.get("/requests")
@login_required
def my_requests():
    """Every request of the signed-in user (made while signed in, or with the mobile the
    account proved), newest first, with unread messages."""
    rows = list(
        db.session.scalars(
            select(ServiceRequest)
            .where(own_requests_clause(current_user))
            .order_by(ServiceRequest.id.desc())
            .limit(200)
        )
    )
    unread = dict(
        db.session.execute(
            select(InboxMessage.request_id, func.count())
            .where(InboxMessage.user_id == current_user.id, InboxMessage.read_at.is_(None))
            .group_by(InboxMessage.request_id)
        ).all()
    )
    return render_template("accounts/requests.html", requests=rows, unread=unread)


@bp.route("/enterprise", methods=["GET", "POST"])
@login_required
def enterprise():
    """An enterprise account's membership: send the licence and authorisation for
    verification, and, once verified, keep the enterprise's details."""
    member = membership_of(current_user)
    if member is None:
        abort(404)
    verification = VerificationForm(prefix="verify")
    details = EnterpriseDetailsForm(prefix="details", obj=member.enterprise)
    staged = {}
    status = 200
    if member.is_verified and details.validate_on_submit():
        details.populate_obj(member.enterprise)
        member.enterprise.township_id = details.township_id.data or None
        db.session.commit()
        flash(_l("The enterprise's details are saved."), "success")
        return redirect(url_for("accounts.enterprise"), 303)
    if not member.is_verified and verification.is_submitted():
        valid = verification.validate()
        staged = {
            kind: attachments.stage(getattr(verification, kind).checked)
            for kind in ("licence", "authorisation")
            if getattr(getattr(verification, kind), "checked", None)
        }
        if valid:
            send_for_verification(member, staged)
            db.session.commit()
            flash(_l("Sent. A coordinator checks the documents, usually within two working days."), "success")
            return redirect(url_for("accounts.enterprise"), 303)
        status = 400
    return render_template(
        "accounts/enterprise.html",
        member=member,
        verification=verification,
        details=details,
        statuses=MEMBER_STATUS_LABELS,
        kinds=DOCUMENT_KINDS,
    ), status


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
            User.mobile == mobile, User.kind != AccountKind.STAFF, User.is_active_account.is_(True)
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
