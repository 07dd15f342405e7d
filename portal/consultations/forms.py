"""Forms of consultation booking: booking, reschedule, desk record, walk-in, settings."""

from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.consultations.choices import CHANNELS, REFERRALS, TOPICS, WEEKDAYS
from portal.consultations.guards import rebook_window_passed, too_late_for_window
from portal.consultations.models import ConsultationSlot
from portal.consultations.services import BookingDetails
from portal.core.choices import options
from portal.core.clock import local_datetime, utcnow
from portal.core.fields import CHOOSE_TOPIC, ENTER_MOBILE, ENTER_NAME, ENTER_QUESTION, MobileNumber
from portal.core.forms import ActionForm
from portal.core.safe_contact import SafeContactMixin
from portal.extensions import db


def slot_label(slot) -> str:
    free = slot.capacity - slot.booked
    return f"{local_datetime(slot.starts_at, 'HH:mm')}–{local_datetime(slot.ends_at, 'HH:mm')} ({free})"


class BookingForm(SafeContactMixin, FlaskForm):
    """Book a free slot (the service point and date are chosen in the step before)."""

    slot = RadioField(_l("Time"), coerce=int, validators=[InputRequired(message=_l("Choose a time."))])
    # No answer chosen in advance: a default would be a guess (SPEC §13, issue 16).
    channel = RadioField(
        _l("How"),
        choices=options(CHANNELS),
        validators=[DataRequired(message=_l("Choose how you want the consultation."))],
    )
    topic = SelectField(_l("Topic"), choices=options(TOPICS), validators=[DataRequired(message=CHOOSE_TOPIC)])
    description = TextAreaField(
        _l("Your question in a few words"),
        validators=[DataRequired(message=ENTER_QUESTION), Length(min=5, max=1000)],
        description=_l("So that the lawyer can prepare. At least 5 characters."),
    )
    name = StringField(_l("Full name"), validators=[DataRequired(message=ENTER_NAME), Length(max=50)])
    mobile = StringField(_l("Mobile number"), validators=[DataRequired(message=ENTER_MOBILE), MobileNumber()])

    def details(self) -> BookingDetails:
        """The validated answers as the booking service takes them."""
        return BookingDetails(
            slot_id=self.slot.data,
            name=self.name.data.strip(),
            mobile=self.mobile.data,
            topic=self.topic.data,
            description=self.description.data.strip(),
            channel=self.channel.data,
        )

    def set_slots(self, slots) -> None:
        self.slot.choices = options((s.id, slot_label(s)) for s in slots)


class RescheduleForm(ActionForm):
    """Move a booking to a free slot: of the chosen service point (its own, or another) and
    day, chosen first with the GET form above it; the reference stays the same."""

    comment = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])
    slot = SelectField(_l("New time"), coerce=int, validators=[InputRequired(message=_l("Choose a time."))])

    def prepare(self, service_request) -> None:
        from portal.consultations.reschedule import choice_for

        self.booking = service_request
        self.choice = choice_for(service_request)
        self.slot.choices = options(
            (s.id, f"{format_datetime(s.starts_at, 'yyyy-MM-dd EEE')} {slot_label(s)}")
            for s in self.choice.slots
        )

    def validate_slot(self, field) -> None:
        """The office closed the booking's time: a new time after the window is refused here,
        next to the field (the form offers none; this answers a stale page or a crafted post)."""
        slot = db.session.get(ConsultationSlot, field.data) if field.data else None
        if slot is None or rebook_window_passed(self.booking, utcnow()):
            return  # once the window has passed no time is possible: the guard says so
        if outside := too_late_for_window(self.booking, slot.starts_at):
            raise ValidationError(outside)


class RecordForm(ActionForm):
    """The consultation record the desk writes when the consultation is done."""

    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=500)])
    summary = TextAreaField(_l("Summary of the question"), validators=[DataRequired(), Length(max=3000)])
    advice = TextAreaField(_l("Advice given"), validators=[DataRequired(), Length(max=3000)])
    referral = SelectField(_l("Referral"), choices=options(REFERRALS), default="")
    minutes = IntegerField(_l("Minutes spent"), validators=[InputRequired(), NumberRange(min=1, max=600)])


class StaffCancelForm(ActionForm):
    reason = TextAreaField(_l("Reason, told to the person"), validators=[DataRequired(), Length(max=500)])


class NoShowForm(ActionForm):
    """A no-show is recorded only once the desk confirms, by name and time, who did not come."""

    confirm = BooleanField(
        validators=[InputRequired(message=_l("Tick the box to confirm that this person did not come."))]
    )

    def prepare(self, service_request) -> None:
        from portal.core.clock import local_datetime

        minutes = current_app.config["NO_SHOW_TEXT_DELAY_MINUTES"]
        self.confirm.label.text = _l(
            "%(name)s did not come to the appointment at %(time)s",
            name=service_request.applicant_name,
            time=local_datetime(service_request.starts_at, "HH:mm"),
        )
        self.confirm.description = _l(
            "They are texted that they missed it after %(minutes)s minutes, unless it is undone before.",
            minutes=minutes,
        )


class WaitingListForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=50)])
    mobile = StringField(_l("Mobile number"), validators=[DataRequired(), MobileNumber()])


class WalkInForm(FlaskForm):
    slot = SelectField(_l("Time"), coerce=int, validators=[InputRequired(message=_l("Choose a time."))])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=50)])
    mobile = StringField(_l("Mobile number"), validators=[DataRequired(), MobileNumber()])
    topic = SelectField(_l("Topic"), choices=options(TOPICS), validators=[DataRequired()])
    description = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=1000)])

    def details(self) -> BookingDetails:
        return BookingDetails(
            slot_id=self.slot.data,
            name=self.name.data.strip(),
            mobile=self.mobile.data,
            topic=self.topic.data,
            description=self.description.data.strip(),
            channel="in_person",
        )


class TemplateForm(FlaskForm):
    weekday = SelectField(_l("Weekday"), coerce=int, choices=options(enumerate(WEEKDAYS)))
    start_time = TimeField(_l("Opens"), validators=[InputRequired(message=_l("Enter a time as HH:MM."))])
    end_time = TimeField(_l("Closes"), validators=[InputRequired(message=_l("Enter a time as HH:MM."))])
    slot_minutes = IntegerField(
        _l("Slot length (minutes)"), default=30, validators=[InputRequired(), NumberRange(min=10, max=240)]
    )
    capacity = IntegerField(
        _l("Lawyers on duty (seats per slot)"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=50)],
    )

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("Closing time must be after opening time."))


class CapacityForm(FlaskForm):
    capacity = IntegerField(_l("Seats per slot"), validators=[InputRequired(), NumberRange(min=1, max=50)])


class ClosureForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter a date as YYYY-MM-DD."))])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])
    confirm = BooleanField(_l("Close even though bookings exist that day (contact those people)"))


class DeskStaffForm(FlaskForm):
    """An admin adds a desk staff member to a service point, or removes one: a required
    choice among the active desk staff (anyone else, or no choice, is refused with 400)."""

    user_id = SelectField(_l("Add desk staff"), coerce=int, validators=[InputRequired()])
    remove = BooleanField()
