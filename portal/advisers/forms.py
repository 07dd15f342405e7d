"""Forms of the adviser pages: the contact request, and staff management."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.accounts.roles import Role
from portal.accounts.services import active_staff_with_role
from portal.advisers.vocabulary import (
    ADVISER_PROFESSIONS,
    PREFERRED_TIMES,
    SERVICE_TYPES,
    TOPICS,
    VILLAGE_TYPES,
    normalise_phone,
)
from portal.core.choices import options, township_options
from portal.core.fields import CHOOSE_TOPIC, ENTER_MOBILE, ENTER_NAME, ENTER_QUESTION, MobileNumber
from portal.core.safe_contact import SafeContactMixin


class ContactForm(SafeContactMixin, FlaskForm):
    """ "Contact my adviser": a short request that becomes an AC request."""

    topic = SelectField(
        _l("What is it about?"), choices=options(TOPICS), validators=[DataRequired(message=CHOOSE_TOPIC)]
    )
    description = TextAreaField(
        _l("Describe your question briefly"),
        validators=[DataRequired(message=ENTER_QUESTION), Length(min=5, max=1000)],
        description=_l("A few sentences are enough; the adviser will call you back."),
    )
    name = StringField(_l("Your name"), validators=[DataRequired(message=ENTER_NAME), Length(max=50)])
    mobile = StringField(_l("Mobile number"), validators=[DataRequired(message=ENTER_MOBILE), MobileNumber()])
    preferred_time = SelectField(
        _l("When may the adviser call you?"),
        choices=options(PREFERRED_TIMES),
        default="any",
        validators=[DataRequired()],
    )
    consent = BooleanField(
        _l(
            "I agree that the justice bureau and the adviser use my name and number only to answer this request."
        ),
        validators=[DataRequired(message=_l("Your consent is needed to pass your request to the adviser."))],
    )


class PhoneNumber:
    """A mobile or a landline with its area code, stored normalised."""

    def __call__(self, form, field):
        normalised = normalise_phone(field.data or "")
        if normalised is None:
            raise ValidationError(
                _l("Enter a mobile number or a landline with its area code, e.g. 0731-84000000.")
            )
        field.data = normalised


def lawyer_options():
    lawyers = active_staff_with_role(Role.LAWYER)
    return options([(0, _l("No account")), *((u.id, f"{u.display_name} ({u.username})") for u in lawyers)])


class AdviserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    profession = SelectField(
        _l("Kind of adviser"), choices=options(ADVISER_PROFESSIONS), validators=[DataRequired()]
    )
    law_firm = StringField(
        _l("Law firm or legal service office"), validators=[DataRequired(), Length(max=100)]
    )
    work_phone = StringField(_l("Public work phone"), validators=[DataRequired(), PhoneNumber()])
    schedule = TextAreaField(
        _l("On-site schedule"),
        validators=[Optional(), Length(max=500)],
        description=_l("For example: on site at the village office the 2nd Wednesday morning each month."),
    )
    specialties = StringField(_l("Specialties"), validators=[Optional(), Length(max=200)])
    user_id = SelectField(
        _l("Portal account (role lawyer)"),
        coerce=int,
        default=0,
        description=_l("With an account, the adviser sees and answers their own contact requests."),
    )
    is_active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = lawyer_options()


class VillageForm(FlaskForm):
    name = StringField(_l("Name of the village or community"), validators=[DataRequired(), Length(max=50)])
    village_type = SelectField(_l("Kind"), choices=options(VILLAGE_TYPES), validators=[DataRequired()])
    township_id = SelectField(_l("Township or street"), coerce=int, validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township_id.choices = township_options()


class ReassignForm(FlaskForm):
    adviser_id = IntegerField(
        _l("Number of the new adviser"),
        validators=[InputRequired(), NumberRange(min=1)],
        description=_l("The number shown in the adviser list (No.)."),
    )
    start_date = DateField(_l("Serves from"), validators=[InputRequired()], default=date.today)
    note = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class ServiceLogForm(FlaskForm):
    service_type = SelectField(
        _l("Kind of service"), choices=options(SERVICE_TYPES), validators=[DataRequired()]
    )
    served_on = DateField(_l("Date"), validators=[InputRequired()], default=date.today)
    count = IntegerField(
        _l("How many"), default=1, validators=[InputRequired(), NumberRange(min=1, max=10000)]
    )
    village_id = SelectField(_l("Village or community"), coerce=int, default=0)
    description = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=1000)])

    def validate_served_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date cannot be in the future."))


class RosterImportForm(FlaskForm):
    roster = FileField(
        _l("Roster file"),
        validators=[DataRequired(message=_l("Choose a CSV or Excel file."))],
        description=_l("CSV (UTF-8) or Excel (.xlsx) with the columns of the export."),
    )
