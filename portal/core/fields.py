"""WTForms validators and fields that apply SPEC §8 and normalise what the user typed.

Every form uses these, so that each one accepts full-width digits and `Ｘ`, spaces and
lower case, and says which rule a number breaks.
"""

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core import identity
from portal.core.identity import normalise_mobile, parse_resident_id, resident_id_problem, uscc_problem

ID_PROBLEMS = {
    identity.FORMAT: _l("A resident ID number has 18 characters: 17 digits, then a digit or X."),
    identity.PROVINCE: _l("The first two digits are not a province code: check the number."),
    identity.BIRTH_DATE: _l(
        "The birth date in the number (digits 7 to 14) is not a real date: check the number."
    ),
    identity.CHECK_CHAR: _l("The last character does not match the others: check for a mistyped digit."),
}
USCC_PROBLEMS = {
    identity.FORMAT: _l(
        "A unified social credit code has 18 digits and capital letters (no I, O, S, V or Z)."
    ),
    identity.STRUCTURE: _l(
        "This is not how a unified social credit code starts: copy it from the business licence."
    ),
    identity.CHECK_CHAR: _l("The last character does not match the others: check for a mistyped character."),
}


def resident_id_message(value: str | None):
    """The message for an invalid resident ID number (None when it is valid)."""
    problem = resident_id_problem(value)
    return ID_PROBLEMS[problem] if problem else None


class ResidentIdNumber:
    """Accept a valid resident ID; store the parsed value on the field."""

    def __call__(self, form, field):
        parsed = parse_resident_id(field.data or "")
        if parsed is None:
            raise ValidationError(resident_id_message(field.data))
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
    """Accept a valid unified social credit code (USCC), checked for structure too."""

    def __call__(self, form, field):
        problem = uscc_problem(field.data or "")
        if problem is not None:
            raise ValidationError(USCC_PROBLEMS[problem])
        field.data = identity.compact(field.data)


class WholeNumberField(IntegerField):
    """A whole number typed any common way: full-width digits, spaces, thousands separators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = unicodedata.normalize("NFKC", valuelist[0] or "")
        cleaned = "".join(c for c in raw if not c.isspace() and c not in ",，、'")
        if not cleaned:
            self.data = None
            return
        if not (cleaned.isascii() and cleaned.isdigit()):
            self.data = None
            raise ValueError(_l("Enter a whole number in digits, for example 2400."))
        self.data = int(cleaned)


# Messages in plain words, one per question and rule (GOV.UK: "Enter your full name", not
# "This field is required"); the error summary shows them alone, so each says what to do.
ENTER_NAME = _l("Enter your full name.")
ENTER_MOBILE = _l("Enter your mobile number.")
ENTER_ID_NUMBER = _l("Enter your resident ID number.")
ENTER_ADDRESS = _l("Enter your address.")
ENTER_FACTS = _l("Say briefly what happened.")
ENTER_QUESTION = _l("Write your question in a few words.")
CHOOSE_TOPIC = _l("Choose what it is about.")
CHOOSE_TOWNSHIP = _l("Choose the township or street.")


def plain_required_messages(form) -> None:
    """Replace the library's "This field is required." left on a field that declares no
    message of its own by one that says what to do: enter, choose or tick."""
    from flask_babel import gettext

    for question in form:
        if not question.errors:
            continue
        generic = {question.gettext("This field is required."), "This field is required."}
        if not generic & set(map(str, question.errors)):
            continue
        if question.type == "BooleanField":
            plain = gettext("Tick this box to go on.")
        elif hasattr(question, "iter_choices"):
            plain = gettext("Choose an answer to “%(question)s”.", question=question.label.text)
        else:
            plain = gettext("Enter an answer to “%(question)s”.", question=question.label.text)
        question.errors[:] = [plain if str(e) in generic else e for e in question.errors]


class Checkboxes(SelectMultipleField):
    """Several choices as a list of checkboxes (macros.html renders it as a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
