"""WTForms validators that apply SPEC §8 and normalise what the user typed."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.core.identity import normalise_mobile, normalise_uscc, parse_resident_id


class ResidentIdNumber:
    """Accept a valid resident ID; store the parsed value on the field."""

    def __call__(self, form, field):
        parsed = parse_resident_id(field.data or "")
        if parsed is None:
            raise ValidationError(
                _l("This is not a valid resident ID number: check the 18 characters and the birth date.")
            )
        field.parsed = parsed
        field.data = parsed.number


class MobileNumber:
    """Accept a mainland mobile number and normalise it to 11 digits."""

    def __call__(self, form, field):
        normalised = normalise_mobile(field.data or "")
        if normalised is None:
            raise ValidationError(_l("Enter an 11-digit mobile number starting with 13 to 19."))
        field.data = normalised


class CreditCode:
    """Accept a valid unified social credit code (USCC)."""

    def __call__(self, form, field):
        normalised = normalise_uscc(field.data or "")
        if normalised is None:
            raise ValidationError(
                _l("This is not a valid unified social credit code: check the 18 characters.")
            )
        field.data = normalised
