"""The consultation booking status machine (SPEC §4) and its consequences."""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.consultations import forms, samples
from portal.consultations.choices import CHANNELS, TOPICS
from portal.consultations.demo import sample_booking
from portal.consultations.guards import (
    call_back_refused,
    cancel_refused,
    change_refused,
    check_in_refused,
    lapse_refused,
    last_day_to_rebook,
    no_show_refused,
    too_late_for_window,
    undo_refused,
)
from portal.consultations.models import ConsultationBooking, ConsultationSlot, ServicePoint
from portal.consultations.policy import points_of
from portal.consultations.roles import DESK as DESK_ROLE
from portal.consultations.slots import release_seat, take_seat
from portal.consultations.states import BookingState as S
from portal.consultations.waiting import offer_freed_seat
from portal.core.clock import local_datetime
from portal.core.models import ServiceRequest
from portal.core.notifications import public_url, withdraw
from portal.core.registry import QueueFilter, RequestKind
from portal.core.services import EVENT_COMMENT, template_key
from portal.core.workflow import APPLICANT, SYSTEM, GuardFailed, State, Transition, Workflow
from portal.extensions import db
from portal.i18n import Bilingual

DESK = frozenset({DESK_ROLE})


def _no_show_text_delay() -> timedelta:
    return timedelta(minutes=current_app.config["NO_SHOW_TEXT_DELAY_MINUTES"])


STATES = (
    State(
        S.BOOKED,
        _l("Booked"),
        public_hint=_l(
            "Your consultation is booked. If you come in person, please arrive a few minutes early."
        ),
    ),
    State(S.CHECKED_IN, _l("Checked in"), public_hint=_l("You are checked in; a lawyer will see you.")),
    State(S.COMPLETED, _l("Completed"), is_open=False),
    State(S.CANCELLED, _l("Cancelled"), is_open=False),
    State(S.NO_SHOW, _l("Missed"), is_open=False),
    State(
        S.OFFICE_CLOSED,
        _l("Closed by the office"),
        public_hint=_l(
            "The service point had to close at your time. Within 14 days of the closure you may choose "
            "another time under the same reference (see below)."
        ),
    ),
    State(
        S.OFFICE_CLOSED_LAPSED,
        _l("Closed by the office, no new time chosen"),
        is_open=False,
        public_hint=_l(
            "The service point had to close at your time, and no other time was chosen within 14 days, so this "
            "booking is closed. You are welcome to make a new booking."
        ),
    ),
)

TRANSITIONS = (
    Transition(
        "check_in",
        frozenset({S.BOOKED}),
        S.CHECKED_IN,
        _l("Check in"),
        roles=DESK,
        handler_only=False,
        guard=check_in_refused,
    ),
    # A call-back is served by phone: "called" takes the place of the check-in.
    Transition(
        "called",
        frozenset({S.BOOKED}),
        S.CHECKED_IN,
        _l("Called"),
        roles=DESK,
        handler_only=False,
        guard=call_back_refused,
    ),
    Transition(
        "complete",
        frozenset({S.CHECKED_IN}),
        S.COMPLETED,
        _l("Record and complete"),
        roles=DESK,
        handler_only=False,
        form=forms.RecordForm,
        notice=_l("Thank you for visiting. Consultation %(reference)s is recorded as completed."),
    ),
    Transition(
        "no_show",
        frozenset({S.BOOKED}),
        S.NO_SHOW,
        _l("Mark as missed"),
        roles=DESK,
        handler_only=False,
        form=forms.NoShowForm,
        style="danger",
        guard=no_show_refused,
        notice=_l("You missed consultation %(reference)s. You are welcome to book again."),
        # The text waits: a no-show recorded by mistake is undone before anyone is told.
        notice_delay=_no_show_text_delay,
    ),
    Transition(
        "undo_check_in",
        frozenset({S.CHECKED_IN}),
        S.BOOKED,
        _l("Undo the check-in"),
        roles=DESK,
        handler_only=False,
        public=False,
        guard=undo_refused,
    ),
    Transition(
        "undo_no_show",
        frozenset({S.NO_SHOW}),
        S.BOOKED,
        _l("Undo “missed”"),
        roles=DESK,
        handler_only=False,
        public=False,
        guard=undo_refused,
    ),
    Transition(
        "staff_cancel",
        frozenset({S.BOOKED}),
        S.CANCELLED,
        _l("Cancel the booking"),
        roles=DESK,
        handler_only=False,
        form=forms.StaffCancelForm,
        style="danger",
        notice=_l(
            "Consultation %(reference)s on %(when)s is cancelled by the service point; please remove it from "
            "your calendar. Reason: %(reason)s"
        ),
    ),
    # The office closes a day or a slot (desk_views.close_*): the person is told and
    # chooses another time; the booking is not cancelled.
    Transition(
        "office_close",
        frozenset({S.BOOKED}),
        S.OFFICE_CLOSED,
        _l("Closed by the office"),
        actor=SYSTEM,
        notice=_l(
            "We are sorry: the service point must close at the time of consultation %(reference)s (%(when)s). "
            "Please choose another time within 14 days at %(url)s; your reference stays the same."
        ),
    ),
    # The days to choose another time have passed (the close-lapsed-rebookings job): closed for
    # good, with the reason in the person's timeline; no text (they were told the deadline).
    Transition(
        "office_close_lapse",
        frozenset({S.OFFICE_CLOSED}),
        S.OFFICE_CLOSED_LAPSED,
        _l("No new time chosen within 14 days"),
        actor=SYSTEM,
        guard=lapse_refused,
    ),
    Transition(
        "reschedule",
        frozenset({S.BOOKED, S.OFFICE_CLOSED}),
        S.BOOKED,
        _l("Change the time"),
        actor=APPLICANT,
        form=forms.RescheduleForm,
        guard=change_refused,
        done_message=_l("Your booking has been moved to the new time."),
        notice=_l(
            "Consultation %(reference)s is moved to %(when)s at %(place)s. If it is in your calendar, please "
            "update your calendar."
        ),
    ),
    Transition(
        "cancel",
        frozenset({S.BOOKED, S.OFFICE_CLOSED}),
        S.CANCELLED,
        _l("Cancel my booking"),
        actor=APPLICANT,
        guard=cancel_refused,
        style="danger",
        confirm_question=_l("Cancel your booking?"),
        confirm_hint=_l(
            "The time is given to someone else and you cannot take this back. You may book again."
        ),
        done_message=_l("Your booking has been cancelled."),
        notice=_l(
            "Consultation %(reference)s on %(when)s is cancelled. If it is in your calendar, please remove it "
            "from your calendar."
        ),
    ),
)


def _when(booking) -> dict:
    point = booking.service_point or db.session.get(ServicePoint, booking.service_point_id)
    return {"when": booking.starts_at, "place": Bilingual(point.name, point.name_en)}


def on_submit(booking: ConsultationBooking, data, now) -> dict:
    booking.set_due(booking.starts_at)  # the queue sorts by appointment time
    return _when(booking)


def on_reschedule(booking: ConsultationBooking, data, now) -> dict:
    new_slot = db.session.get(ConsultationSlot, data["slot"])
    if new_slot is not None and (outside := too_late_for_window(booking, new_slot.starts_at)):
        raise GuardFailed(outside)  # the form says so first; this holds for any caller
    if new_slot is None or not new_slot.service_point.is_active or not take_seat(new_slot.id):
        raise GuardFailed(_l("That time was just filled. Please choose another."))
    release_seat(booking.slot_id)
    offer_freed_seat(booking.service_point_id, booking.slot_id)
    # The person may move to another service point; the reference stays the same.
    booking.service_point_id = new_slot.service_point_id
    booking.service_point = new_slot.service_point
    booking.township_id = new_slot.service_point.township_id
    booking.slot_id = new_slot.id
    booking.starts_at = new_slot.starts_at
    booking.set_due(new_slot.starts_at)
    booking.reminder_sent_at = None
    booking.ics_sequence += 1  # the calendar file of the new time replaces the old one
    return _when(booking)


def on_cancel(booking: ConsultationBooking, data, now) -> dict:
    release_seat(booking.slot_id)
    offer_freed_seat(booking.service_point_id, booking.slot_id)
    booking.set_due(None)
    booking.ics_sequence += 1  # the cancellation file supersedes the booking's
    return {**_when(booking), "reason": (data.get("reason") or "").strip()}


def on_check_in(booking: ConsultationBooking, data, now) -> dict:
    booking.checked_in_at = now
    return {}


def on_complete(booking: ConsultationBooking, data, now) -> dict:
    booking.summary = data["summary"].strip()
    booking.advice = data["advice"].strip()
    booking.referral = data.get("referral") or None
    booking.minutes_spent = data["minutes"]
    booking.set_due(None)
    return {}


def on_no_show(booking: ConsultationBooking, data, now) -> dict:
    booking.set_due(None)
    return {}


def on_office_close(booking: ConsultationBooking, data, now) -> dict:
    # The seat stays counted in its (now blocked) slot until the person moves or cancels.
    return {**_when(booking), "url": public_url("public.track")}


def on_office_close_lapse(booking: ConsultationBooking, data, now) -> dict:
    # The seat the closed time still held is given back (the slot may be reopened).
    release_seat(booking.slot_id)
    booking.set_due(None)
    with force_locale(booking.locale):
        reason = str(
            _l(
                "No other time was chosen by %(day)s, within 14 days of the service point closing at your "
                "time: the booking is closed. You are welcome to make a new booking.",
                day=last_day_to_rebook(booking).isoformat(),
            )
        )
    return {EVENT_COMMENT: reason}


def on_undo_check_in(booking: ConsultationBooking, data, now) -> dict:
    booking.checked_in_at = None
    return {}


def on_undo_no_show(booking: ConsultationBooking, data, now) -> dict:
    booking.set_due(booking.starts_at)
    withdraw(booking, template_key(booking, "no_show"))  # the text has not gone yet: it never will
    return {}


WORKFLOW = Workflow(
    states=STATES,
    transitions=TRANSITIONS,
    initial=S.BOOKED,
    submitted_notice=_l("Consultation %(reference)s is booked for %(when)s at %(place)s."),
    effects={
        "submit": on_submit,
        "reschedule": on_reschedule,
        "cancel": on_cancel,
        "staff_cancel": on_cancel,
        "check_in": on_check_in,
        "called": on_check_in,
        "complete": on_complete,
        "no_show": on_no_show,
        "office_close": on_office_close,
        "office_close_lapse": on_office_close_lapse,
        "undo_check_in": on_undo_check_in,
        "undo_no_show": on_undo_no_show,
    },
)

_booking = ConsultationBooking.__table__


def _desk_scope(user):
    """Desk staff see bookings of their service points only."""
    return ServiceRequest.id.in_(
        select(_booking.c.id).where(_booking.c.service_point_id.in_(points_of(user)))
    )


def _desk_in_scope(booking, user) -> bool:
    return booking.service_point_id in set(db.session.scalars(points_of(user)))


def _column_filter(column):
    return lambda value: ServiceRequest.id.in_(select(_booking.c.id).where(column == value))


def _appointment_between(start, end):
    clauses = []
    if start is not None:
        clauses.append(_booking.c.starts_at >= start)
    if end is not None:
        clauses.append(_booking.c.starts_at < end)
    return ServiceRequest.id.in_(select(_booking.c.id).where(*clauses))


def _point_choices():
    rows = db.session.execute(select(ServicePoint.id, ServicePoint.name).order_by(ServicePoint.sort_order))
    return [(str(point_id), name) for point_id, name in rows]


CONSULTATIONS = RequestKind(
    ratable_states=frozenset({S.COMPLETED}),
    code="CB",
    slug="consultations",
    label=_l("Consultation booking"),
    model=ConsultationBooking,
    workflow=WORKFLOW,
    staff_roles=DESK,
    detail_template="consultations/_detail.html",
    public_template="consultations/_public.html",
    staff_scope=_desk_scope,
    staff_in_scope=_desk_in_scope,
    date_range_clause=_appointment_between,
    date_attribute="starts_at",
    make_sample=sample_booking,
    # No duplicate key: a second booking is another appointment, seen on the desk's day view.
    sample_work=samples.sample_work,
    # Marriage and family: someone at home may be watching the screen (SPEC §13).
    quick_exit=lambda booking: booking.topic == "family",
    date_range_label=_l("Appointment"),
    extra_filters=(
        QueueFilter(
            "point",
            _l("Service point"),
            _point_choices,
            lambda v: _column_filter(_booking.c.service_point_id)(int(v)) if v.isdigit() else None,
        ),
        QueueFilter(
            "topic",
            _l("Topic"),
            lambda: [(k, str(v)) for k, v in TOPICS.items()],
            _column_filter(_booking.c.topic),
        ),
        QueueFilter(
            "channel",
            _l("Channel"),
            lambda: [(k, str(v)) for k, v in CHANNELS.items()],
            _column_filter(_booking.c.channel),
        ),
    ),
    export_columns=(
        (_l("Appointment"), lambda b: local_datetime(b.starts_at)),
        (_l("Service point"), lambda b: b.service_point.name),
        (_l("Topic"), lambda b: str(TOPICS.get(b.topic, b.topic))),
        (_l("Channel"), lambda b: str(CHANNELS.get(b.channel, b.channel))),
    ),
)
