"""Admin pages: staff accounts, roles and legal-service profiles, sign-in locks, and the
holiday calendar."""

import logging
import secrets
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import AccountType, LoginThrottle, User
from portal.accounts.profiles import LegalServicePerson, profile_of, save_profile
from portal.accounts.roles import Role
from portal.accounts.services import create_staff_user, current_locks
from portal.accounts.specialties import Profession
from portal.backoffice.admin_forms import HolidayForm, ServicePersonForm, StaffUserForm
from portal.core.clock import local_today, utcnow
from portal.core.deadline_moves import follow_calendar
from portal.core.holidays import HolidaySource, has_official_year
from portal.core.identity import normalise_mobile
from portal.core.models import Holiday
from portal.core.statutory_days import statutory_days_off
from portal.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
audit_log = logging.getLogger("portal.audit")
#: Letters and digits that cannot be mistaken for each other when read out at a counter.
TEMPORARY_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet, not a password

HOLIDAY_SOURCES = {
    HolidaySource.OFFICIAL: _l("Official (State Council notice, chinesecalendar)"),
    HolidaySource.STAFF: _l("Entered by staff"),
}


def _calendar_changed(*years: int) -> None:
    """Count again the open deadlines running through the changed years; say how many moved."""
    moved = follow_calendar(years)
    db.session.commit()
    flash(
        ngettext(
            "Calendar updated. %(num)d open deadline moved.",
            "Calendar updated. %(num)d open deadlines moved.",
            moved,
        ),
        "success",
    )


def admin_required(view):
    """Only administrators reach these pages."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.has_role(Role.ADMIN):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/users")
@admin_required
def users():
    """Staff and lawyer accounts."""
    staff = db.session.scalars(
        select(User)
        .where(User.account_type == AccountType.STAFF)
        .order_by(User.username)
        .options(selectinload(User.role_rows))  # the list shows each account's roles
    )
    profiles = {p.user_id: p for p in db.session.scalars(select(LegalServicePerson))}
    return render_template("admin/users.html", users=list(staff), profiles=profiles, now=utcnow())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Create a staff or lawyer account."""
    form = StaffUserForm()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_l("A new account needs a password."))
        elif db.session.scalar(select(User.id).where(User.username == form.username.data)):
            form.username.errors.append(_l("This username is taken."))
        else:
            user = create_staff_user(
                form.username.data, form.password.data, form.roles.data, form.display_name.data
            )
            user.is_active_account = form.active.data
            db.session.commit()
            flash(_l("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users"), 303)
    return render_template("admin/user_form.html", form=form, user=None), 400 if form.is_submitted() else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    """Change roles, name, password; activate, deactivate or unlock an account."""
    user = db.session.get(User, user_id)
    if user is None or user.account_type != AccountType.STAFF:
        abort(404)
    form = StaffUserForm(obj=user, roles=sorted(user.roles), active=user.is_active_account)
    if form.validate_on_submit():
        clash = db.session.scalar(
            select(User.id).where(User.username == form.username.data, User.id != user.id)
        )
        if clash:
            form.username.errors.append(_l("This username is taken."))
        else:
            user.username = form.username.data
            user.display_name = form.display_name.data
            user.set_roles(form.roles.data)
            if user.is_active_account and not form.active.data:
                user.end_all_sessions()  # a disabled account is signed out everywhere at once
            user.is_active_account = form.active.data
            if form.password.data:
                user.set_password(form.password.data)
            user.failed_logins = 0
            user.locked_until = None
            db.session.commit()
            flash(_l("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users"), 303)
    return render_template(
        "admin/user_form.html", form=form, user=user, profile=profile_of(user)
    ), 400 if form.is_submitted() else 200


def _staff_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.account_type != AccountType.STAFF:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/profile", methods=["GET", "POST"])
@admin_required
def edit_profile(user_id: int):
    """The account's profile as a lawyer, grassroots legal service worker or volunteer."""
    user = _staff_user(user_id)
    profile = profile_of(user)
    if profile is not None:
        form = ServicePersonForm(obj=profile, specialties=profile.specialties)
    else:
        form = ServicePersonForm(profession=Profession.LAWYER if user.has_role(Role.LAWYER) else None)
    if form.validate_on_submit():
        save_profile(
            user,
            profession=form.profession.data,
            licence_number=form.licence_number.data,
            practising_since=form.practising_since.data,
            criminal_practice_since=form.criminal_practice_since.data,
            familiar_with_minors=bool(form.familiar_with_minors.data),
            firm=form.firm.data,
            work_phone=form.work_phone.data,
            specialties=form.specialties.data or [],
            active=form.active.data,
        )
        db.session.commit()
        flash(_l("Legal-service profile of %(name)s saved.", name=user.display_name), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    return render_template(
        "admin/profile_form.html", form=form, user=user, profile=profile
    ), 400 if form.is_submitted() else 200


@bp.post("/users/<int:user_id>/reset-two-factor")
@admin_required
def reset_two_factor(user_id: int):
    """Forget the account's second factor (phone and recovery codes lost): it enrols again."""
    user = _staff_user(user_id)
    user.totp_secret = None
    user.recovery_codes = None
    user.end_all_sessions()
    db.session.commit()
    flash(_l("The second factor of %(name)s is reset.", name=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.get("/residents")
@admin_required
def residents():
    """Find a resident's or enterprise clerk's account by mobile, for a counter reset."""
    typed = (request.args.get("mobile") or "").strip()[:32]
    mobile = normalise_mobile(typed)
    found = (
        list(
            db.session.scalars(
                select(User).where(User.mobile == mobile, User.account_type != AccountType.STAFF)
            )
        )
        if mobile
        else []
    )
    return render_template("admin/residents.html", typed=typed, searched=bool(typed), found=found)


@bp.post("/residents/<int:user_id>/temporary-password")
@admin_required
def temporary_password(user_id: int):
    """At the counter, after checking the person's ID card: a temporary password, shown
    once, that opens nothing but the page to choose a new one. Every session ends."""
    user = db.session.get(User, user_id)
    if user is None or user.account_type == AccountType.STAFF:
        abort(404)
    password = "".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(12))
    user.set_password(password)
    user.end_all_sessions()
    user.must_change_password = True
    db.session.commit()
    audit_log.info("temporary password set at the counter: account %s by admin %s", user.id, current_user.id)
    return render_template("admin/temporary_password.html", user=user, password=password)


@bp.get("/locks")
@admin_required
def locks():
    """Sign-in locks in force: an account from one address, or one address."""
    return render_template("admin/locks.html", locks=current_locks(), now=utcnow())


@bp.post("/locks/<int:lock_id>/clear")
@admin_required
def clear_lock(lock_id: int):
    """Lift one lock at once (the person called the bureau)."""
    lock = db.session.get(LoginThrottle, lock_id)
    if lock is None:
        abort(404)
    db.session.delete(lock)
    db.session.commit()
    flash(_l("The lock is lifted."), "success")
    return redirect(url_for("admin.locks"), 303)


@bp.route("/holidays", methods=["GET", "POST"])
@admin_required
def holidays():
    """Days off and exchanged working days; statutory deadlines skip days off.

    Official days come from chinesecalendar (`import-holidays`); a day added here is
    marked "staff", and imports leave it as it is.
    """
    form = HolidayForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Holiday.id).where(Holiday.day == form.day.data)):
            form.day.errors.append(_l("This date is in the calendar already."))
        else:
            db.session.add(
                Holiday(
                    day=form.day.data,
                    name=form.name.data,
                    is_workday=form.is_workday.data,
                    source=HolidaySource.STAFF,
                )
            )
            _calendar_changed(form.day.data.year)
            return redirect(url_for("admin.holidays"), 303)
    rows = db.session.scalars(select(Holiday).order_by(Holiday.day.desc()).limit(400))
    this_year = local_today().year
    # This year and next without their official arrangement: the law's days count.
    computed = {
        year: statutory_days_off(year) for year in (this_year, this_year + 1) if not has_official_year(year)
    }
    return render_template(
        "admin/holidays.html", form=form, holidays=list(rows), sources=HOLIDAY_SOURCES, computed=computed
    ), 400 if form.is_submitted() else 200


@bp.route("/holidays/<int:holiday_id>", methods=["GET", "POST"])
@admin_required
def edit_holiday(holiday_id: int):
    """Correct one day; it becomes a staff day that later imports leave as it is."""
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        abort(404)
    form = HolidayForm(obj=holiday)
    if form.validate_on_submit():
        if db.session.scalar(
            select(Holiday.id).where(Holiday.day == form.day.data, Holiday.id != holiday.id)
        ):
            form.day.errors.append(_l("This date is in the calendar already."))
        else:
            old_year = holiday.day.year
            holiday.day = form.day.data
            holiday.name = form.name.data
            holiday.is_workday = form.is_workday.data
            holiday.source = HolidaySource.STAFF
            _calendar_changed(old_year, form.day.data.year)
            return redirect(url_for("admin.holidays"), 303)
    return render_template(
        "admin/holiday_form.html", form=form, holiday=holiday, sources=HOLIDAY_SOURCES
    ), 400 if form.is_submitted() else 200


@bp.post("/holidays/<int:holiday_id>/delete")
@admin_required
def delete_holiday(holiday_id: int):
    """Remove a day from the calendar."""
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        abort(404)
    year = holiday.day.year
    db.session.delete(holiday)
    _calendar_changed(year)
    return redirect(url_for("admin.holidays"), 303)
