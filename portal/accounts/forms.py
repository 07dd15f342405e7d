"""Sign-up and sign-in forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from portal.core.choices import options
from portal.core.fields import CreditCode, MobileNumber

PASSWORD_RULES = [DataRequired(), Length(min=8, max=128, message=_l("Use at least 8 characters."))]


class LoginForm(FlaskForm):
    login = StringField(
        _l("Mobile number or staff username"), validators=[DataRequired(), Length(max=64)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


class RegisterForm(FlaskForm):
    kind = RadioField(
        _l("Account for"),
        choices=options([("resident", _l("Myself (resident)")), ("enterprise", _l("An enterprise"))]),
        default="resident",
        validators=[DataRequired()],
    )
    display_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=50)])
    mobile = StringField(_l("Mobile number"), validators=[DataRequired(), MobileNumber()])
    company_name = StringField(_l("Company name"), validators=[Optional(), Length(max=200)])
    uscc = StringField(
        _l("Unified social credit code"),
        validators=[Optional()],
        description=_l("18 characters, on the business licence."),
    )
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )

    def validate_company_name(self, field):
        if self.kind.data == "enterprise" and not (field.data or "").strip():
            raise ValidationError(_l("Enter the company name."))

    def validate_uscc(self, field):
        if self.kind.data == "enterprise":
            if not (field.data or "").strip():
                raise ValidationError(_l("Enter the unified social credit code."))
            CreditCode()(self, field)
