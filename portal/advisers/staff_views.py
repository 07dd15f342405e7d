"""Staff pages under /staff/advisers/: advisers, villages, reassignment, roster, service log.

Adviser administrators manage everything; an adviser with a linked account (role
lawyer) sees their own page and keeps their own service log.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.advisers import roster, services
from portal.advisers.forms import AdviserForm, ReassignForm, RosterImportForm, ServiceLogForm, VillageForm
from portal.advisers.models import Adviser, ServiceLogEntry, Village
from portal.advisers.roles import ADVISER_ADMIN
from portal.core.choices import options
from portal.core.export import csv_response, xlsx_response
from portal.core.models import Township
from portal.extensions import db, login_manager
from portal.i18n import current_language

bp = Blueprint("adviser_admin", __name__, url_prefix="/staff/advisers")
PAGE_SIZE = 50


@bp.record_once
def _staff_sign_in(state) -> None:
    # Anonymous visitors of these staff pages go to the staff sign-in, like /staff/ itself.
    login_manager.blueprint_login_views.setdefault(bp.name, "backoffice.login")


def is_adviser_admin() -> bool:
    return current_user.is_authenticated and current_user.is_staff and current_user.has_role(ADVISER_ADMIN)


@bp.before_request
def require_role():
    """Every page here needs an adviser administrator, except the adviser's own pages."""
    if request.endpoint in ("adviser_admin.me", "adviser_admin.detail", "adviser_admin.add_service"):
        return  # checked per adviser below
    if not is_adviser_admin():
        abort(403)


def _adviser_for_current_user(adviser_id: int) -> Adviser:
    """Administrators open any adviser; an adviser's own account opens only their own."""
    if is_adviser_admin():
        return db.get_or_404(Adviser, adviser_id)
    found = db.session.scalar(
        select(Adviser).where(Adviser.id == adviser_id, Adviser.user_id == current_user.id)
    )
    if found is None:
        abort(403)
    return found


def _english() -> bool:
    return current_language() == "en"


def _cursor() -> int | None:
    value = request.args.get("after", "")
    return int(value) if value.isdigit() else None


@bp.get("/")
def advisers():
    """Advisers, newest number last, with a name search; keyset pages."""
    q = request.args.get("q", "").strip()[:50]
    query = select(Adviser).order_by(Adviser.id).limit(PAGE_SIZE + 1)
    if q.isdigit():
        query = query.where(Adviser.id == int(q))
    elif q:
        query = query.where(Adviser.name.startswith(q, autoescape=True))
    if (after := _cursor()) is not None:
        query = query.where(Adviser.id > after)
    rows = list(db.session.scalars(query))
    next_cursor = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return render_template(
        "advisers/staff/advisers.html", advisers=rows[:PAGE_SIZE], q=q, next_cursor=next_cursor
    )


@bp.route("/new", methods=["GET", "POST"])
def new_adviser():
    form = AdviserForm()
    if form.validate_on_submit():
        adviser = Adviser()
        if _fill_adviser(form, adviser):
            db.session.commit()
            flash(_l("Adviser saved."), "success")
            return redirect(url_for("adviser_admin.detail", adviser_id=adviser.id), 303)
    return render_template(
        "advisers/staff/adviser_form.html", form=form, adviser=None
    ), 400 if form.is_submitted() else 200


@bp.route("/<int:adviser_id>/edit", methods=["GET", "POST"])
def edit_adviser(adviser_id: int):
    adviser = db.get_or_404(Adviser, adviser_id)
    form = AdviserForm(obj=adviser)
    if request.method == "GET":
        form.user_id.data = adviser.user_id or 0
    if form.validate_on_submit() and _fill_adviser(form, adviser):
        db.session.commit()
        flash(_l("Adviser saved."), "success")
        return redirect(url_for("adviser_admin.detail", adviser_id=adviser.id), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("advisers/staff/adviser_form.html", form=form, adviser=adviser), status


def _fill_adviser(form: AdviserForm, adviser: Adviser) -> bool:
    user_id = form.user_id.data or None
    if user_id is not None:
        taken = db.session.scalar(
            select(Adviser.id).where(Adviser.user_id == user_id, Adviser.id != adviser.id)
        )
        if taken:
            form.user_id.errors = [*form.user_id.errors, _l("This account is linked to another adviser.")]
            return False
    adviser.name = form.name.data.strip()
    adviser.profession = form.profession.data
    adviser.law_firm = form.law_firm.data.strip()
    adviser.work_phone = form.work_phone.data
    adviser.schedule = (form.schedule.data or "").strip() or None
    adviser.specialties = (form.specialties.data or "").strip() or None
    adviser.user_id = user_id
    adviser.is_active = bool(form.is_active.data)
    services.save_adviser(adviser)
    return True


def _service_form(adviser: Adviser, formdata=None) -> ServiceLogForm:
    form = ServiceLogForm(formdata=formdata)
    served = services.villages_of(adviser.id, current=False)
    seen = {}
    for assignment in served:
        seen.setdefault(assignment.village_id, assignment.village)
    form.village_id.choices = options(
        [(0, _l("Not about one village")), *((v.id, f"{v.township.name} {v.name}") for v in seen.values())]
    )
    return form


def render_adviser(adviser: Adviser, service_form=None, status=200):
    log = list(
        db.session.scalars(
            select(ServiceLogEntry)
            .where(ServiceLogEntry.adviser_id == adviser.id)
            .order_by(ServiceLogEntry.served_on.desc(), ServiceLogEntry.id.desc())
            .limit(100)
        )
    )
    assignments = services.villages_of(adviser.id, current=False)
    return (
        render_template(
            "advisers/staff/adviser.html",
            adviser=adviser,
            assignments=assignments,
            log=log,
            totals=services.service_totals(adviser.id),
            service_form=service_form or _service_form(adviser),
            may_manage=is_adviser_admin(),
        ),
        status,
    )


@bp.get("/<int:adviser_id>")
def detail(adviser_id: int):
    """An adviser: villages now and before, service log and its totals."""
    return render_adviser(_adviser_for_current_user(adviser_id))


@bp.get("/me")
def me():
    """The signed-in adviser's own page, when their account is linked to an adviser."""
    if not current_user.has_role(Role.LAWYER, ADVISER_ADMIN):
        abort(403)
    mine = db.session.scalar(select(Adviser).where(Adviser.user_id == current_user.id))
    if mine is None:
        return render_template("advisers/staff/not_linked.html")
    return redirect(url_for("adviser_admin.detail", adviser_id=mine.id))


@bp.post("/<int:adviser_id>/service-log")
def add_service(adviser_id: int):
    """Add an entry to the adviser's service log (the adviser or an administrator)."""
    adviser = _adviser_for_current_user(adviser_id)
    form = _service_form(adviser, request.form)
    if not form.validate_on_submit():
        return render_adviser(adviser, service_form=form, status=400)
    village_id = form.village_id.data or None
    services.log_service(
        adviser,
        service_type=form.service_type.data,
        served_on=form.served_on.data,
        count=form.count.data,
        village_id=village_id,
        description=(form.description.data or "").strip(),
        user=current_user,
    )
    db.session.commit()
    flash(_l("Service recorded."), "success")
    return redirect(url_for("adviser_admin.detail", adviser_id=adviser.id), 303)


@bp.get("/villages")
def villages():
    """Villages of a township with their current adviser."""
    townships = list(db.session.scalars(select(Township).order_by(Township.sort_order)))
    chosen = request.args.get("township", "")
    township = next((t for t in townships if str(t.id) == chosen), townships[0] if townships else None)
    rows, next_cursor = [], None
    if township is not None:
        query = (
            select(Village)
            .where(Village.township_id == township.id)
            .order_by(Village.id)
            .limit(PAGE_SIZE + 1)
        )
        if (after := _cursor()) is not None:
            query = query.where(Village.id > after)
        found = list(db.session.scalars(query))
        next_cursor = found[PAGE_SIZE - 1].id if len(found) > PAGE_SIZE else None
        rows = services.village_rows([v.id for v in found[:PAGE_SIZE]])
    return render_template(
        "advisers/staff/villages.html",
        townships=townships,
        township=township,
        rows=rows,
        next_cursor=next_cursor,
    )


@bp.route("/villages/new", methods=["GET", "POST"])
def new_village():
    form = VillageForm()
    if request.method == "GET" and request.args.get("township", "").isdigit():
        form.township_id.data = int(request.args["township"])
    if form.validate_on_submit():
        village = services.save_village(
            Village(
                name=form.name.data.strip(),
                village_type=form.village_type.data,
                township_id=form.township_id.data,
            )
        )
        db.session.commit()
        flash(_l("Village saved."), "success")
        return redirect(url_for("adviser_admin.village", village_id=village.id), 303)
    return render_template("advisers/staff/village_form.html", form=form), 400 if form.is_submitted() else 200


def render_village(village: Village, form=None, reassign_form=None, status=200):
    return (
        render_template(
            "advisers/staff/village.html",
            village=village,
            form=form or VillageForm(obj=village, formdata=None),
            reassign_form=reassign_form or ReassignForm(formdata=None),
            history=services.history(village.id),
        ),
        status,
    )


@bp.route("/villages/<int:village_id>", methods=["GET", "POST"])
def village(village_id: int):
    """Edit a village; its assignment history, and the form to reassign it."""
    found = db.get_or_404(Village, village_id)
    if request.method == "GET":
        return render_village(found)
    form = VillageForm()
    if not form.validate_on_submit():
        return render_village(found, form=form, status=400)
    found.name = form.name.data.strip()
    found.village_type = form.village_type.data
    found.township_id = form.township_id.data
    services.save_village(found)
    db.session.commit()
    flash(_l("Village saved."), "success")
    return redirect(url_for("adviser_admin.village", village_id=found.id), 303)


@bp.post("/villages/<int:village_id>/reassign")
def reassign(village_id: int):
    """Give the village a new adviser: the old assignment ends and stays in the history."""
    found = db.get_or_404(Village, village_id)
    form = ReassignForm()
    if not form.validate_on_submit():
        return render_village(found, reassign_form=form, status=400)
    adviser = db.session.get(Adviser, form.adviser_id.data)
    if adviser is None or not adviser.is_active:
        form.adviser_id.errors = [*form.adviser_id.errors, _l("No active adviser has this number.")]
        return render_village(found, reassign_form=form, status=400)
    current = services.current_assignment(found.id)
    if current is not None and form.start_date.data < current.start_date:
        form.start_date.errors = [
            *form.start_date.errors,
            _l("The new assignment cannot start before the current one."),
        ]
        return render_village(found, reassign_form=form, status=400)
    services.assign(found, adviser, start=form.start_date.data, user=current_user, note=form.note.data)
    db.session.commit()
    flash(
        _l("%(village)s is now served by %(adviser)s.", village=found.name, adviser=adviser.name), "success"
    )
    return redirect(url_for("adviser_admin.village", village_id=found.id), 303)


@bp.route("/roster", methods=["GET", "POST"])
def roster_import():
    """Import a roster file: checked row by row; imported only when every row is valid."""
    form = RosterImportForm()
    report, problem = None, None
    if form.validate_on_submit():
        upload = form.roster.data
        try:
            report = roster.check(roster.read_table(upload.filename or "", upload.read()))
        except roster.RosterFileError as error:
            problem = str(error)
        if report is not None and report.ok:
            try:
                roster.apply(report, current_user)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            flash(gettext("Roster imported: %(n)s rows.", n=len(report.rows)), "success")
        elif report is not None:
            db.session.rollback()
    status = 400 if form.is_submitted() and (problem or form.errors or (report and not report.ok)) else 200
    return render_template("advisers/staff/roster.html", form=form, report=report, problem=problem), status


@bp.get("/roster/export.<fmt>")
def roster_export(fmt: str):
    """The whole roster as CSV or Excel, in the import's format (formula cells neutralised)."""
    if fmt == "csv":
        return csv_response("advisers-roster", roster.headers(), roster.export_rows())
    if fmt == "xlsx":
        return xlsx_response("advisers-roster", gettext("Advisers"), roster.headers(), roster.export_rows())
    abort(404)
