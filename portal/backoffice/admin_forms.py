"""Forms of the admin pages: staff accounts and the holiday calendar."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.choices import options
from portal.core.registry import all_roles


class RoleCheckboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


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
        validators=[Optional(), Length(min=10, max=128, message=_l("Use at least 10 characters."))],
        description=_l("Required for a new account; leave empty to keep the current one."),
    )
    roles = RoleCheckboxes(_l("Roles"), choices=role_choices, validators=[DataRequired(message=_l("Give at least one role."))])
    active = BooleanField(_l("Account active"), default=True)


class HolidayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter a date as YYYY-MM-DD."))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    is_workday = BooleanField(_l("Working day in exchange (调休): a weekend day that is worked"))
