"""Sign-up and sign-in forms, and the password rules (SPEC §11)."""

from flask import request
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, MultipleFileField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, ValidationError

from portal.accounts.passwords import password_problem
from portal.core.attachments import AcceptedUploads
from portal.core.choices import options, township_options
from portal.core.fields import CreditCode, MobileNumber

#: Fields of a form whose values are the account's own words (never in its password).
PERSONAL_FIELDS = ("mobile", "username", "login", "id_number")


class StrongPassword:
    """At least PASSWORD_MIN_LENGTH characters (10), not breached or common, and not the
    account's own words: the form's mobile/username/ID number fields, the words a view put
    in `form.personal_words`, and, where the form names no account of its own (a password
    change), the signed-in user's mobile and username."""

    def __call__(self, form, field):
        personal = [getattr(form, name).data for name in PERSONAL_FIELDS if hasattr(form, name)]
        personal += list(getattr(form, "personal_words", ()))
        if not any(hasattr(form, name) for name in ("mobile", "username")) and current_user.is_authenticated:
            personal += [current_user.mobile, current_user.username]
        if problem := password_problem(field.data or "", personal):
            raise ValidationError(problem)


PASSWORD_RULES = [DataRequired(), Length(max=128), StrongPassword()]


def _login_label() -> str:
    """Residents and enterprises sign in with their mobile number, staff (at /staff/login)
    with their username: each page asks for its own."""
    return gettext("Username") if request.blueprint == "backoffice" else gettext("Mobile number")


class LoginForm(FlaskForm):
    login = StringField(LazyString(_login_label), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code from the authenticator app, or a recovery code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code"},
    )


class RegisterForm(FlaskForm):
    account_type = RadioField(
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
        if self.account_type.data == "enterprise" and not (field.data or "").strip():
            raise ValidationError(_l("Enter the company name."))

    def validate_uscc(self, field):
        if self.account_type.data == "enterprise":
            if not (field.data or "").strip():
                raise ValidationError(_l("Enter the unified social credit code."))
            CreditCode()(self, field)


class VerificationForm(FlaskForm):
    """The documents that show this account may act for the enterprise."""

    licence = MultipleFileField(
        _l("Business licence"),
        validators=[AcceptedUploads()],
        description=_l("A photo or scan of the licence (PDF, JPEG or PNG)."),
    )
    authorisation = MultipleFileField(
        _l("Authorisation letter"),
        validators=[AcceptedUploads()],
        description=_l(
            "A letter with the company seal saying that you act for the enterprise on this portal."
        ),
    )

    def validate_licence(self, field):
        if not getattr(field, "checked", None):
            raise ValidationError(_l("Attach the business licence."))

    def validate_authorisation(self, field):
        if not getattr(field, "checked", None):
            raise ValidationError(_l("Attach the authorisation letter."))


class EnterpriseDetailsForm(FlaskForm):
    """What the enterprise tells the bureau about itself (used by its health checks)."""

    industry = StringField(_l("Industry"), validators=[Optional(), Length(max=100)])
    employees = IntegerField(
        _l("Number of employees"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    township_id = SelectField(
        _l("Township or street"), coerce=lambda v: int(v) if v else None, validators=[Optional()]
    )
    park = StringField(_l("Industrial park (if any)"), validators=[Optional(), Length(max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township_id.choices = options(
            [("", _l("Choose…"))] + [(c.value, c.label) for c in township_options()]
        )


class ResetRequestForm(FlaskForm):
    mobile = StringField(
        _l("Mobile number"),
        validators=[DataRequired(message=_l("Enter your mobile number.")), MobileNumber()],
    )


class NewPasswordForm(FlaskForm):
    """A new password typed twice (reset by code, change, after a counter reset)."""

    password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ResetPasswordForm(NewPasswordForm):
    code = StringField(
        _l("Code from the text message"),
        validators=[DataRequired(message=_l("Enter the code from the text message.")), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password.")), Length(max=128)],
    )


class ChangeMobileForm(FlaskForm):
    mobile = StringField(
        _l("New mobile number"),
        validators=[DataRequired(message=_l("Enter the new mobile number.")), MobileNumber()],
    )
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(message=_l("Enter your password.")), Length(max=128)]
    )
