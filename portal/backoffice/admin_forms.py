"""Forms of the admin pages: staff accounts, legal-service profiles and the holiday calendar."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation, ValidationError

from portal.accounts.forms import StrongPassword
from portal.accounts.specialties import PROFESSION_LABELS, Profession, specialty_choices
from portal.core.choices import options
from portal.core.clock import local_today
from portal.core.fields import Checkboxes
from portal.core.registry import all_roles


def role_choices():
    return options((name, role.label) for name, role in all_roles().items())


class StaffUserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(),
            Length(min=3, max=64),
            Regexp(r"^[a-z0-9_.-]+$", message=_l("Use lower-case letters, digits, dot, dash or underscore.")),
        ],
    )
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(max=128), StrongPassword()],
        description=_l("Required for a new account; leave empty to keep the current one."),
    )
    roles = Checkboxes(
        _l("Roles"), choices=role_choices, validators=[DataRequired(message=_l("Give at least one role."))]
    )
    active = BooleanField(_l("Account active"), default=True)


class HolidayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter a date as YYYY-MM-DD."))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    is_workday = BooleanField(_l("Working day in exchange (调休): a weekend day that is worked"))


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
PHONE = re.compile(r"^\+?[0-9]+(?:-[0-9]+)*$")


def clean_text(value):
    """Typed text without control characters and surrounding spaces."""
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


def clean_phone(value):
    """Full-width digits and dashes made plain, spaces removed: 0731-8401 1234 -> 0731-84011234."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFKC", value).replace("\u2014", "-").replace("\u2013", "-")
    return re.sub(r"[\s()]", "", value)


class WorkPhone:
    """A landline or mobile in digits: an optional +, digit groups joined by dashes, 7 to 15 digits."""

    def __call__(self, form, field):
        digits = sum(ch.isdigit() for ch in field.data or "")
        if not PHONE.match(field.data or "") or not 7 <= digits <= 15:
            field.data = field.raw_data[0] if field.raw_data else field.data  # shown again as typed
            raise ValidationError(_l("Enter the work phone in digits, for example 0731-84011234."))


class ServicePersonForm(FlaskForm):
    """A staff account's profile as a lawyer, grassroots legal service worker or volunteer."""

    profession = RadioField(
        _l("Kind"),
        choices=options(PROFESSION_LABELS),
        validators=[DataRequired(message=_l("Choose the kind of legal-service person."))],
    )
    licence_number = StringField(
        _l("Licence number"),
        filters=[clean_text],
        validators=[Length(max=40)],
        description=_l("The number on the practising certificate (执业证号); required for a lawyer."),
    )
    practising_since = DateField(
        _l("Practising since"),
        validators=[Optional()],
        description=_l("The date of the first practising certificate, as YYYY-MM-DD."),
    )
    criminal_practice_since = DateField(
        _l("Criminal practice since"),
        validators=[Optional()],
        description=_l(
            "When the person began criminal defence or representation, as YYYY-MM-DD. Cases with a possible life or death sentence need 3 years of it (Legal Aid Law, Art. 26)."
        ),
    )
    familiar_with_minors = BooleanField(
        _l("Familiar with minors"),
        description=_l("Knows the physical and mental traits of minors: offered first for a minor's case."),
    )
    firm = StringField(
        _l("Law firm or legal service office"), filters=[clean_text], validators=[Optional(), Length(max=200)]
    )
    work_phone = StringField(
        _l("Work phone"),
        filters=[clean_phone],
        validators=[Optional(), Length(max=20), WorkPhone()],
        description=_l("Shown to colleagues, for example 0731-84011234."),
    )
    specialties = Checkboxes(_l("Specialties"), choices=specialty_choices)
    active = BooleanField(_l("Offered for new cases and teams"), default=True)

    def validate_licence_number(self, field):
        if self.profession.data == Profession.LAWYER and not field.data:
            raise StopValidation(_l("A lawyer's profile needs the licence number."))

    def validate_practising_since(self, field):
        if field.data is None and field.raw_data and field.raw_data[0].strip():
            field.errors[:] = []
            raise StopValidation(_l("Enter a date as YYYY-MM-DD."))
        if field.data and field.data > local_today():
            raise ValidationError(_l("The date cannot be in the future."))

    def validate_criminal_practice_since(self, field):
        self.validate_practising_since(field)
        if field.data and self.practising_since.data and field.data < self.practising_since.data:
            raise ValidationError(_l("Criminal practice cannot start before practising."))
