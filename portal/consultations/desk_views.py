"""Desk pages of consultation booking: the day view, walk-ins, closing a slot or the rest of
today (a point's settings: portal.consultations.desk_settings)."""

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from portal.consultations.closing import affected_bookings, close_slots, set_blocked
from portal.consultations.forms import WalkInForm, slot_label
from portal.consultations.guards import not_on_the_day
from portal.consultations.models import (
    Closure,
    ConsultationBooking,
    ConsultationSlot,
    ServicePoint,
)
from portal.consultations.policy import (
    can_manage_point,
    can_read_desk,
    can_serve_at,
    points_of,
    sees_every_point,
)
from portal.consultations.services import BookingError, register_walk_in
from portal.consultations.slots import slots_on
from portal.consultations.states import BookingState
from portal.core.choices import options
from portal.core.clock import local_today, to_local, utcnow
from portal.core.forms import ActionForm
from portal.core.offers import staff_offers
from portal.extensions import db

bp = Blueprint("desk", __name__, url_prefix="/staff/consultations")


def point_or_404(point_id: int, allowed=can_read_desk) -> ServicePoint:
    """The point, if the policy predicate `allowed` lets this user use it; else 404 or 403.

    The capability declares which roles reach these pages at all (its staff area); the
    predicates of `policy` decide per service point.
    """
    point = db.session.get(ServicePoint, point_id)
    if point is None:
        abort(404)
    if not allowed(current_user, point):
        abort(403)
    return point


@bp.get("/")
def points():
    """The service points this user works."""
    query = select(ServicePoint).order_by(ServicePoint.sort_order)
    if not sees_every_point(current_user):
        query = query.where(ServicePoint.id.in_(points_of(current_user)))
    return render_template("consultations/desk_points.html", points=list(db.session.scalars(query)))


def _day_arg() -> date:
    try:
        return date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return local_today()


def render_day(point: ServicePoint, day: date, walk_in_form=None, status=200):
    slots = slots_on(point.id, day)
    bookings = list(
        db.session.scalars(
            select(ConsultationBooking)
            .where(
                ConsultationBooking.slot_id.in_([s.id for s in slots])
                if slots
                else ConsultationBooking.id.is_(None)
            )
            .order_by(ConsultationBooking.starts_at, ConsultationBooking.id)
        )
    )
    is_today = day == local_today()
    # One count of free seats for the table and the walk-in box: the slot's own `free`,
    # and none in a slot that is over.
    now = utcnow()
    free_now = {s.id: (s.free if s.ends_at > now else 0) for s in slots}
    form = walk_in_form or WalkInForm(formdata=None)
    form.slot.choices = (
        options((s.id, slot_label(s)) for s in slots if free_now[s.id] > 0) if is_today else []
    )
    may_serve = can_serve_at(current_user, point)
    return render_template(
        "consultations/desk_day.html",
        point=point,
        day=day,
        slots=slots,
        bookings=bookings,
        walk_in_form=form,
        action_form=ActionForm(formdata=None),
        may_manage=can_manage_point(current_user, point),
        may_serve=may_serve,
        is_today=is_today,
        free_now=free_now,
        actions={b.id: booking_actions(b) for b in bookings},
        not_yet={b.id: _not_yet(b) for b in bookings},
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
    ), status


def booking_actions(booking) -> list:
    """The staff transitions this user may take on the booking now, as the engine says
    (a transition its guard refuses now, e.g. a check-in before the day, is not offered)."""
    return staff_offers(current_user, booking).allowed


def _not_yet(booking):
    """Why a booked appointment has no check-in here yet (its day has not come), or None."""
    if booking.status != BookingState.BOOKED:
        return None
    return not_on_the_day(booking, utcnow())


@bp.get("/<int:point_id>/day")
def day_view(point_id: int):
    """Today's (or a day's) bookings in time order, with check-in, no-show and record."""
    point = point_or_404(point_id)
    return render_day(point, _day_arg())


@bp.post("/<int:point_id>/walk-in")
def walk_in(point_id: int):
    """Register someone who came without a booking: they take a seat and are checked in."""
    point = point_or_404(point_id, can_serve_at)
    day = local_today()  # walk-ins are for today only, whatever day the page showed
    form = WalkInForm()
    form.slot.choices = options((s.id, "") for s in slots_on(point.id, day))
    if not form.validate_on_submit():
        return render_day(point, day, walk_in_form=form, status=400)
    try:
        booking = register_walk_in(point.id, form.details(), current_user)
    except BookingError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(error.message)
        return render_day(point, day, walk_in_form=form, status=409)
    db.session.commit()
    flash(_l("Walk-in registered: %(reference)s.", reference=booking.reference), "success")
    return redirect(url_for("desk.day_view", point_id=point.id), 303)


def _slot_or_404(point: ServicePoint, slot_id: int) -> ConsultationSlot:
    slot = db.session.get(ConsultationSlot, slot_id)
    if slot is None or slot.service_point_id != point.id:
        abort(404)
    return slot


def _confirm_closing(point, slots, question, action_url, day, status=200):
    """The page that lists whom a closure affects before it is made (a GET: it changes nothing)."""
    return render_template(
        "consultations/close_confirm.html",
        point=point,
        question=question,
        bookings=affected_bookings(slots),
        action_url=action_url,
        day=day,
    ), status


def report_closed(point, moved, message) -> None:
    flash(message, "success")
    if moved:
        flash(
            ngettext(
                "%(num)d booking moved to “closed by the office”; the person was texted a link to choose another time.",
                "%(num)d bookings moved to “closed by the office”; each person was texted a link to choose another time.",
                len(moved),
            ),
            "info",
        )


@bp.get("/<int:point_id>/slots/<int:slot_id>/close")
def confirm_slot_closing(point_id: int, slot_id: int):
    """Whom blocking this slot affects, and the button that does it."""
    point = point_or_404(point_id, can_manage_point)
    slot = _slot_or_404(point, slot_id)
    return _confirm_closing(
        point,
        [slot],
        _l("Close the slot at %(time)s?", time=slot_label(slot)),
        url_for("desk.change_slot", point_id=point.id, slot_id=slot.id, change="block"),
        to_local(slot.starts_at).date(),
    )


@bp.post("/<int:point_id>/slots/<int:slot_id>/<any(block, reopen):change>")
def change_slot(point_id: int, slot_id: int, change: str):
    """Block a single slot (no new bookings; its bookings move to "closed by the office",
    after a confirmation listing them) or reopen it."""
    point = point_or_404(point_id, can_manage_point)
    if not ActionForm().validate_on_submit():
        abort(400)
    slot = _slot_or_404(point, slot_id)
    day = to_local(slot.starts_at).date().isoformat()
    if change == "reopen":
        set_blocked(point, [slot.id], False)
        db.session.commit()
        flash(_l("Slot updated."), "success")
    elif affected_bookings([slot]) and request.form.get("confirmed") != "1":
        return redirect(url_for("desk.confirm_slot_closing", point_id=point.id, slot_id=slot.id), 303)
    else:
        moved = close_slots(point, [slot], current_user)
        db.session.commit()
        report_closed(point, moved, _l("Slot blocked."))
    return redirect(url_for("desk.day_view", point_id=point.id, date=day), 303)


def _rest_of_today(point):
    return [s for s in slots_on(point.id, local_today()) if s.starts_at > utcnow()]


@bp.get("/<int:point_id>/close-today")
def confirm_close_today(point_id: int):
    """Whom closing the rest of today affects, and the button that does it."""
    point = point_or_404(point_id, can_manage_point)
    return _confirm_closing(
        point,
        _rest_of_today(point),
        _l("Close %(point)s for the rest of today?", point=point.name),
        url_for("desk.close_today", point_id=point.id),
        local_today(),
    )


@bp.post("/<int:point_id>/close-today")
def close_today(point_id: int):
    """Close the point for the rest of today: every remaining slot is blocked and its
    bookings move to "closed by the office" (whoever is checked in is still served)."""
    point = point_or_404(point_id, can_manage_point)
    if not ActionForm().validate_on_submit():
        abort(400)
    day = local_today()
    moved = close_slots(point, _rest_of_today(point), current_user, str(_l("Closed today")))
    if not db.session.scalar(
        select(Closure.id).where(Closure.service_point_id == point.id, Closure.day == day)
    ):
        db.session.add(Closure(service_point_id=point.id, day=day, reason=str(_l("Closed today"))))
    db.session.commit()
    report_closed(point, moved, _l("Closed for the rest of today."))
    return redirect(url_for("desk.day_view", point_id=point.id), 303)


# The settings pages share this blueprint; importing them here mounts their routes with it.
from portal.consultations import desk_settings  # noqa: E402, F401
