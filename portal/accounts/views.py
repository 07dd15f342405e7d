"""Register, sign in and out, and "My requests"."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from portal.accounts.forms import LoginForm, RegisterForm
from portal.accounts.models import AccountKind, User
from portal.accounts.services import authenticate, register_public_account
from portal.core.models import InboxMessage, ServiceRequest
from portal.extensions import db, limiter
from portal.security import LAST_SEEN_KEY, safe_next_url

bp = Blueprint("accounts", __name__, url_prefix="/account")


def login_rate():
    return current_app.config["RATELIMIT_LOGIN"]


def sign_in_page(staff: bool = False):
    """The one sign-in page, at /account/login and /staff/login."""
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(form.login.data, form.password.data)
        db.session.commit()  # failures and the lock count whatever the answer
        if result.user is None:
            form.login.errors.append(result.error)
        else:
            tracked = session.get("tracked_requests", [])
            session.clear()  # a fresh session on sign-in: no fixation
            session["tracked_requests"] = tracked
            login_user(result.user)
            fallback = "backoffice.home" if result.user.is_staff else "accounts.my_requests"
            return redirect(safe_next_url(request.args.get("next"), fallback))
    return render_template("accounts/login.html", form=form, staff=staff)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
def login():
    """Sign in with mobile number (residents, enterprises) or username (staff)."""
    return sign_in_page()


@bp.post("/logout")
def logout():
    """Sign out (POST only, so that a link or image cannot sign anyone out)."""
    logout_user()
    session.pop(LAST_SEEN_KEY, None)
    session.pop("tracked_requests", None)
    flash(_l("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
def register():
    """Create a resident or enterprise account."""
    form = RegisterForm()
    if form.validate_on_submit():
        if db.session.scalar(select(User.id).where(User.mobile == form.mobile.data)):
            form.mobile.errors.append(_l("An account with this mobile number exists already: sign in."))
        elif form.kind.data == "enterprise" and db.session.scalar(select(User.id).where(User.uscc == form.uscc.data)):
            form.uscc.errors.append(_l("This enterprise has an account already."))
        else:
            enterprise = form.kind.data == "enterprise"
            user = register_public_account(
                AccountKind.ENTERPRISE if enterprise else AccountKind.RESIDENT,
                form.mobile.data,
                form.display_name.data.strip(),
                form.password.data,
                company_name=(form.company_name.data or "").strip() or None,
                uscc=form.uscc.data or None,
            )
            db.session.commit()
            login_user(user)
            flash(_l("Your account is ready."), "success")
            return redirect(url_for("accounts.my_requests"))
    return render_template("accounts/register.html", form=form)


@bp.get("/requests")
@login_required
def my_requests():
    """Every request of the signed-in user, newest first, with unread messages."""
    rows = list(
        db.session.scalars(
            select(ServiceRequest)
            .where(ServiceRequest.applicant_user_id == current_user.id)
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
