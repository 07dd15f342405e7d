"""Public pages: service points with their next free times, booking, confirmation, .ics."""

from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import verification
from portal.consultations.calendar import booking_ics
from portal.consultations.choices import CHANNELS, POINT_TYPES, REFERRALS, TOPICS, WHAT_TO_BRING
from portal.consultations.forms import BookingForm, WaitingListForm
from portal.consultations.free_days import by_week, free_days
from portal.consultations.guards import rebooking_status
from portal.consultations.models import ServicePoint
from portal.consultations.services import book
from portal.consultations.slots import (
    MAX_DAYS_AHEAD,
    bookable_window,
    days_off_between,
    free_slots,
    free_slots_clause,
    next_free_by_point,
    next_year_opens,
    slots_on,
)
from portal.consultations.states import BookingState
from portal.consultations.waiting import join
from portal.core import intake_state
from portal.core.access import applicant_request_or_proof
from portal.core.clock import local_today, to_local, utcnow
from portal.core.identity import normalise_mobile
from portal.core.intake import STEP_FIELD, Intake, run_intake
from portal.core.intake_limits import count_submission, submission_refused
from portal.core.intake_lost import intake_page
from portal.core.models import Township
from portal.core.pages import public_page, quick_exit
from portal.extensions import db
from portal.i18n import current_language

bp = Blueprint("consultations", __name__, url_prefix="/consultations")


def consultation_labels():
    """Labels for the booking partials shown on shared pages (tracking, staff detail)."""
    return {
        "cb_labels": {
            "channels": CHANNELS,
            "topics": TOPICS,
            "referrals": REFERRALS,
            "point_types": POINT_TYPES,
            "bring": WHAT_TO_BRING,
        },
        "BookingState": BookingState,
        # (last day to choose another time, passed?) of a booking the office closed, or None.
        "cb_rebooking": lambda booking: rebooking_status(booking, utcnow()),
    }


def active_points() -> list[ServicePoint]:
    return list(
        db.session.scalars(
            select(ServicePoint).where(ServicePoint.is_active.is_(True)).order_by(ServicePoint.sort_order)
        )
    )


def point_choices() -> list:
    """The active points as the booking page shows them (id and names, in order): rows,
    not full service points, which cost the page a tenth of its time (#40)."""
    return db.session.execute(
        select(ServicePoint.id, ServicePoint.name, ServicePoint.name_en)
        .where(ServicePoint.is_active.is_(True))
        .order_by(ServicePoint.sort_order)
    ).all()


def points_near(points: list[ServicePoint], township_id: int | None) -> list[ServicePoint]:
    """With a township chosen: its own office(s) first, then the county centre; else every point."""
    if township_id is None:
        return points
    return [p for p in points if p.township_id == township_id and p.point_type != "centre"] + [
        p for p in points if p.point_type == "centre"
    ]


def _chosen_township(townships) -> int | None:
    wanted = request.args.get("township", "")
    return next((t.id for t in townships if str(t.id) == wanted), None)


@bp.get("/")
@public_page
def index():
    """The service points (those of a chosen township, then the county centre) with address,
    hours, phone, services, a map link, what to bring and their next free times."""
    points = active_points()
    township_ids = {p.township_id for p in points if p.township_id is not None}
    townships = list(
        db.session.scalars(select(Township).where(Township.id.in_(township_ids)).order_by(Township.code))
    )
    chosen = _chosen_township(townships)
    return render_template(
        "consultations/index.html",
        points=points_near(points, chosen),
        townships=townships,
        township=chosen,
        next_free=by_day(next_free_by_point()),
    )


def by_day(by_point: dict) -> dict:
    """Each point's next free slots grouped by local day, [(day, [slot, ...]), ...]: the
    page links each day once (its times open the same booking page), which keeps it light."""
    grouped = {}
    for point_id, slots in by_point.items():
        days: dict[date, list] = {}
        for slot in slots:
            days.setdefault(to_local(slot.starts_at).date(), []).append(slot)
        grouped[point_id] = list(days.items())
    return grouped


def _chosen_point(points) -> ServicePoint | None:
    wanted = request.values.get("point", "")
    return next((p for p in points if str(p.id) == wanted), None)


def _chosen_day() -> date:
    try:
        day = date.fromisoformat(request.values.get("date", ""))
    except ValueError:
        day = local_today()
    return min(max(day, local_today()), local_today() + timedelta(days=MAX_DAYS_AHEAD))


@quick_exit  # a family topic may be chosen here
def book_page():
    """Choose a service point and a day, then a free time; the seat is taken atomically."""
    points = point_choices()
    point = _chosen_point(points)
    day = _chosen_day()
    form = BookingForm()
    slots, any_free = [], True
    # Only days with a free seat are offered (no weekend, holiday, full day or today once
    # it is full): the chosen point's, or before a choice, any point's.
    # The calendar read once for the days and the times.
    days_off = days_off_between(*bookable_window())
    free = free_slots_clause(days_off=days_off)
    days = free_days([point.id] if point is not None else [p.id for p in points], days_off=days_off)
    if days and day not in days and not request.values.get("date"):
        day = days[0]
    if point is not None:
        slots = free_slots(point.id, day, free=free)
        any_free = bool(days)
    # A POST is checked against every slot of the day, so that a seat taken meanwhile
    # is answered "just filled" rather than "not a valid choice".
    form.set_slots(slots_on(point.id, day) if point is not None and request.method == "POST" else slots)
    if request.method == "GET" and current_user.is_authenticated and not current_user.is_staff:
        form.name.data = form.name.data or current_user.display_name
        form.mobile.data = form.mobile.data or current_user.mobile
    context = {
        "points": points,
        "point": point,
        "day": day,
        "weeks": by_week(days),
        "any_free": any_free,
        # Offered only when the chosen point has no free time in the window.
        "waiting_form": WaitingListForm(formdata=None) if point is not None and not any_free else None,
        "next_year": next_year_opens(),
        "max_days_ahead": MAX_DAYS_AHEAD,
    }
    if point is None:  # step 1: no form to submit yet
        return render_template(
            "consultations/book.html", form=form, **context
        ), 400 if form.is_submitted() else 200
    applicant = current_user if current_user.is_authenticated and not current_user.is_staff else None

    def take_seat(form: BookingForm, _staged):
        return book(point.id, form.details(), user=applicant, locale=current_language())

    return run_intake(
        Intake(
            form,
            "consultations/book.html",
            take_seat,
            confirmation="consultations.booked",
            context=context,
            on_refused=lambda refused: refused.set_slots(free_slots(point.id, day)),
        )
    )


# The stable address is /consultations/book (SPEC §10).
bp.add_url_rule("/book", endpoint="book", view_func=intake_page(book_page), methods=["GET", "POST"])


@bp.post("/waiting-list")
def waiting_list():
    """Join a service point's waiting list when no seat is free in the next 30 days."""
    points = active_points()
    point = _chosen_point(points)
    if point is None:
        abort(404)
    form = WaitingListForm()
    state = intake_state.current()
    if request.form.get(STEP_FIELD) == "code" and state is not None:
        form.process(formdata=intake_state.formdata(state, csrf_token=request.form.get("csrf_token", "")))
    if not form.validate_on_submit():
        return render_template(
            "consultations/book.html",
            form=BookingForm(formdata=None),
            points=points,
            point=point,
            day=local_today(),
            weeks=[],
            any_free=False,
            waiting_form=form,
        ), 400
    # Each freed seat is texted to the first waiting: the number is proved by a code, as
    # in any intake, and joins count against the same per-address and per-mobile limits.
    mobile = normalise_mobile(form.mobile.data)
    if (refused := submission_refused(mobile)) is not None:
        return refused
    if verification.needs_verification(mobile):
        # The name and mobile wait on the server while the code is awaited: the code page
        # carries no answer (core.intake_state), and its form posts back here.
        answers = [("name", form.name.data), ("mobile", mobile)]
        intake_state.save(answers, key=intake_state.new_key(), step="code", mobile=mobile)
        db.session.commit()
        if (code_page := verification.verify_intake_mobile(mobile)) is not None:
            return code_page
    join(point, form.name.data.strip(), mobile, current_language())
    if state is not None or (state := intake_state.current()) is not None:
        db.session.delete(state)
    db.session.commit()
    count_submission(None, mobile)
    return render_template("consultations/waiting.html", point=point)


def _booking_for_applicant(reference: str):
    return applicant_request_or_proof(reference, "CB")


@bp.get("/booked/<reference>")
def booked(reference: str):
    """The confirmation page of a booking."""
    return render_template("consultations/booked.html", booking=_booking_for_applicant(reference))


@bp.get("/booked/<reference>/calendar.ics")
def calendar_file(reference: str):
    """The booking as a calendar event with reminders; once cancelled, its cancellation
    (the same UID, a higher SEQUENCE, METHOD:CANCEL)."""
    booking = _booking_for_applicant(reference)
    body = booking_ics(booking, gettext("Legal consultation"), utcnow())
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{booking.reference}.ics"'},
    )
