"""A service point's settings for the desk and the admin: weekly slot templates, publishing
slots, capacities, closures and the desk staff (routes on the desk blueprint)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.services import active_staff_with_role
from portal.consultations.closing import close_slots, set_blocked
from portal.consultations.desk_views import bp, point_or_404, report_closed
from portal.consultations.forms import CapacityForm, ClosureForm, DeskStaffForm, TemplateForm
from portal.consultations.models import (
    Closure,
    SlotTemplate,
    StaffServicePoint,
)
from portal.consultations.policy import (
    can_manage_point,
)
from portal.consultations.roles import DESK
from portal.consultations.slots import apply_template_capacity, ensure_slots, slots_on
from portal.core.choices import options
from portal.core.clock import local_today
from portal.core.forms import ActionForm
from portal.extensions import db


def render_settings(point, template_form=None, closure_form=None, status=200):
    desk_users = list(
        db.session.scalars(
            select(User)
            .join(StaffServicePoint)
            .where(StaffServicePoint.service_point_id == point.id)
            .order_by(User.display_name)
        )
    )
    candidates = active_staff_with_role(DESK)
    closures = list(
        db.session.scalars(
            select(Closure)
            .where(Closure.service_point_id == point.id, Closure.day >= local_today())
            .order_by(Closure.day)
        )
    )
    return render_template(
        "consultations/desk_settings.html",
        point=point,
        template_form=template_form or TemplateForm(formdata=None),
        closure_form=closure_form or ClosureForm(formdata=None),
        capacity_form=CapacityForm(formdata=None),
        action_form=ActionForm(formdata=None),
        closures=closures,
        desk_users=desk_users,
        candidates=[u for u in candidates if u not in desk_users],
    ), status


@bp.get("/<int:point_id>/settings")
def settings(point_id: int):
    """Weekly slot templates, closures and desk staff of a service point."""
    return render_settings(point_or_404(point_id, can_manage_point))


@bp.post("/<int:point_id>/templates")
def add_template(point_id: int):
    point = point_or_404(point_id, can_manage_point)
    form = TemplateForm()
    if not form.validate_on_submit():
        return render_settings(point, template_form=form, status=400)
    template = SlotTemplate(service_point_id=point.id)
    form.populate_obj(template)
    db.session.add(template)
    db.session.flush()
    ensure_slots([point.id])
    db.session.commit()
    flash(_l("Opening hours added."), "success")
    return redirect(url_for("desk.settings", point_id=point.id), 303)


def _template_or_404(point, template_id) -> SlotTemplate:
    template = db.session.get(SlotTemplate, template_id)
    if template is None or template.service_point_id != point.id:
        abort(404)
    return template


@bp.post("/<int:point_id>/publish-slots")
def publish_slots(point_id: int):
    """Publish the next 30 days of slots from the opening hours now (the daily job does it too)."""
    point = point_or_404(point_id, can_manage_point)
    if not ActionForm().validate_on_submit():
        abort(400)
    created = ensure_slots([point.id])
    db.session.commit()
    flash(ngettext("%(num)d new slot published.", "%(num)d new slots published.", created), "success")
    return redirect(url_for("desk.settings", point_id=point.id), 303)


@bp.post("/<int:point_id>/templates/<int:template_id>/capacity")
def template_capacity(point_id: int, template_id: int):
    """Change the seats per slot; future slots follow, but never below their bookings."""
    point = point_or_404(point_id, can_manage_point)
    template = _template_or_404(point, template_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        flash(_l("Enter a number of seats from 1 to 50."), "error")
        return redirect(url_for("desk.settings", point_id=point.id), 303)
    template.capacity = form.capacity.data
    updated, kept = apply_template_capacity(template)
    db.session.commit()
    flash(_l("Capacity changed for %(updated)s future slots.", updated=updated), "success")
    if kept:
        flash(
            _l(
                "%(kept)s slots have more bookings than the new capacity: they keep those bookings.",
                kept=kept,
            ),
            "info",
        )
    return redirect(url_for("desk.settings", point_id=point.id), 303)


@bp.post("/<int:point_id>/templates/<int:template_id>/delete")
def delete_template(point_id: int, template_id: int):
    """Stop making new slots from this opening; slots already made (and bookings) stay."""
    point = point_or_404(point_id, can_manage_point)
    if not ActionForm().validate_on_submit():
        abort(400)
    db.session.delete(_template_or_404(point, template_id))
    db.session.commit()
    flash(_l("Opening hours removed. Slots already published stay; block them if needed."), "info")
    return redirect(url_for("desk.settings", point_id=point.id), 303)


@bp.post("/<int:point_id>/closures")
def add_closure(point_id: int):
    """Close the point on a day: its free slots are blocked; bookings are never dropped."""
    point = point_or_404(point_id, can_manage_point)
    form = ClosureForm()
    if not form.validate_on_submit():
        return render_settings(point, closure_form=form, status=400)
    slots = slots_on(point.id, form.day.data)
    booked = sum(s.booked for s in slots)
    if booked and not form.confirm.data:
        form.confirm.errors = [
            ngettext(
                "%(num)d booking exists that day. Tick the box to close anyway.",
                "%(num)d bookings exist that day. Tick the box to close anyway.",
                booked,
            )
        ]
        return render_settings(point, closure_form=form, status=409)
    if db.session.scalar(
        select(Closure.id).where(Closure.service_point_id == point.id, Closure.day == form.day.data)
    ):
        form.day.errors = [_l("This day is closed already.")]
        return render_settings(point, closure_form=form, status=400)
    db.session.add(Closure(service_point_id=point.id, day=form.day.data, reason=form.reason.data))
    moved = close_slots(point, slots, current_user, form.reason.data)
    db.session.commit()
    report_closed(point, moved, _l("Closure added."))
    return redirect(url_for("desk.settings", point_id=point.id), 303)


@bp.post("/<int:point_id>/closures/<int:closure_id>/delete")
def delete_closure(point_id: int, closure_id: int):
    """Reopen a closed day."""
    point = point_or_404(point_id, can_manage_point)
    if not ActionForm().validate_on_submit():
        abort(400)
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.service_point_id != point.id:
        abort(404)
    set_blocked(point, [s.id for s in slots_on(point.id, closure.day)], False)
    db.session.delete(closure)
    db.session.commit()
    flash(_l("The day is open again."), "success")
    return redirect(url_for("desk.settings", point_id=point.id), 303)


@bp.post("/<int:point_id>/desk-staff")
def desk_staff(point_id: int):
    """Admins assign desk staff to service points."""
    point = point_or_404(point_id, can_manage_point)
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    form = DeskStaffForm()
    linked = db.session.scalars(
        select(User).join(StaffServicePoint).where(StaffServicePoint.service_point_id == point.id)
    )
    people = {u.id: u for u in (*active_staff_with_role(DESK), *linked)}  # who may be added or removed
    form.user_id.choices = options((u.id, u.display_name) for u in people.values())
    if not form.validate_on_submit():
        abort(400)  # no one chosen, or someone who is not active desk staff
    user_id = form.user_id.data
    link = db.session.scalar(
        select(StaffServicePoint).where(
            StaffServicePoint.user_id == user_id, StaffServicePoint.service_point_id == point.id
        )
    )
    if form.remove.data and link:
        db.session.delete(link)
    elif not form.remove.data and not link:
        db.session.add(StaffServicePoint(user_id=user_id, service_point_id=point.id))
    db.session.commit()
    return redirect(url_for("desk.settings", point_id=point.id), 303)
