"""Register, sign in and out, "My requests" and an enterprise's members; looking after
one's own account (password, reset, mobile) is in portal.accounts.own_account."""

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
    DOCUMENT_TYPES,
    MEMBER_STATUS_LABELS,
    join_enterprise,
    membership_of,
    send_for_verification,
)
from portal.accounts.forms import (
    EnterpriseDetailsForm,
    LoginForm,
    RegisterForm,
    SecondFactorForm,
    VerificationForm,
)
from portal.accounts.models import AccountType, User, password_hash_method
from portal.accounts.services import authenticate, register_public_account
from portal.core import attachments, intake_state
from portal.core.access import own_requests_clause
from portal.core.clock import utcnow
from portal.core.intake import CHANGE_PARAM, LOST_MESSAGE, STEP_FIELD
from portal.core.intake_lost import intake_page
from portal.core.models import InboxMessage, ServiceRequest
from portal.extensions import db, limiter
from portal.safe_urls import safe_next_url
from portal.security import LAST_SEEN_KEY

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
    enterprise = form.account_type.data == "enterprise"
    user = register_public_account(
        AccountType.ENTERPRISE if enterprise else AccountType.RESIDENT,
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
            document_type: attachments.stage(getattr(verification, document_type).checked)
            for document_type in ("licence", "authorisation")
            if getattr(getattr(verification, document_type), "checked", None)
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
        document_types=DOCUMENT_TYPES,
    ), status
