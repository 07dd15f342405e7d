"""Forms of legal aid: the self-check, the application and the officers' decisions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts.roles import Role
from portal.accounts.services import active_staff_with_role
from portal.core.attachments import AcceptedUploads
from portal.core.choices import options, township_options
from portal.core.fields import MobileNumber, ResidentIdNumber
from portal.core.forms import ActionForm
from portal.core.identity import parse_resident_id
from portal.legal_aid.matters import EXEMPTIONS, RELATIONS, STAGES, matter_choices

NO_EXEMPTION = ""


def exemption_choices():
    return options([(NO_EXEMPTION, _l("None of these")), *EXEMPTIONS.items()])


class EligibilityForm(FlaskForm):
    """The self-check: a GET form, nothing stored."""

    class Meta:
        csrf = False

    matter = SelectField(_l("What is the matter about?"), choices=matter_choices, validators=[DataRequired()])
    exemption = SelectField(_l("Does any of these apply to you?"), choices=exemption_choices, default=NO_EXEMPTION)
    household_size = IntegerField(
        _l("People in your household"), validators=[Optional(), NumberRange(min=1, max=30)]
    )
    monthly_income = IntegerField(
        _l("Household income per month (yuan)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)]
    )


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplicationForm(FlaskForm):
    """The application for legal aid (SPEC §3)."""

    applicant_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=50)])
    id_number = StringField(
        _l("Resident ID number"),
        validators=[DataRequired(), ResidentIdNumber()],
        description=_l("18 characters; your birth date and gender are read from it."),
    )
    mobile = StringField(_l("Mobile number"), validators=[DataRequired(), MobileNumber()])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)])
    township = SelectField(_l("Township or street where you live"), coerce=int, validators=[DataRequired()])
    applying_for = RadioField(
        _l("Who needs legal aid?"),
        choices=options([("self", _l("Myself")), ("relative", _l("A close relative I apply for"))]),
        default="self",
        validators=[DataRequired()],
    )
    relation = SelectField(
        _l("Their relation to you"), choices=options([("", _l("Choose…")), *RELATIONS.items()]), default=""
    )
    represented_name = StringField(_l("Their full name"), validators=[Optional(), Length(max=50)])
    represented_id_number = StringField(_l("Their resident ID number"), validators=[Optional()])

    matter_type = SelectField(_l("What is the matter about?"), choices=matter_choices, validators=[DataRequired()])
    stage = SelectField(_l("Where does the matter stand?"), choices=options(STAGES), validators=[DataRequired()])
    opposing_party = StringField(_l("Other party (person or organisation)"), validators=[Optional(), Length(max=200)])
    facts = TextAreaField(
        _l("What happened, and what do you want to achieve?"),
        validators=[DataRequired(), Length(min=20, max=3000)],
        description=_l("At least 20 characters."),
    )
    urgent = BooleanField(_l("A limitation period or court deadline ends within the next 7 days"))

    exemption = SelectField(
        _l("Does any of these apply to you?"),
        choices=exemption_choices,
        default=NO_EXEMPTION,
        description=_l("If one applies, bring proof of it; the income questions are then not needed."),
    )
    household_size = IntegerField(
        _l("People in your household"), validators=[Optional(), NumberRange(min=1, max=30)]
    )
    monthly_income = IntegerField(
        _l("Household income per month (yuan)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)]
    )

    pledge = BooleanField(
        _l(
            "I promise that what I state is true and complete (Legal Aid Law, Art. 41). I know that legal aid obtained by false statements is ended and may have legal consequences (Arts. 48 and 64)."
        ),
        validators=[DataRequired(message=_l("You must make the truthful-statement pledge to apply."))],
    )
    consent = BooleanField(
        _l(
            "I agree that the justice bureau uses my personal data, including my ID number, only to handle this application."
        ),
        validators=[DataRequired(message=_l("Your consent is needed to handle the application."))],
    )
    attachments = MultipleFileField(
        _l("Supporting documents"),
        validators=[AcceptedUploads()],
        description=_l("Optional. PDF, JPEG or PNG; at most 10 MB each and 5 files in all."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township.choices = township_options()

    def validate(self, extra_validators=None) -> bool:
        """Field rules, then the rules that depend on other answers."""
        valid = super().validate(extra_validators)
        problems = []
        if self.applying_for.data == "relative":
            if not self.relation.data:
                problems.append((self.relation, _l("Choose how the person is related to you.")))
            if not (self.represented_name.data or "").strip():
                problems.append((self.represented_name, _l("Enter the full name of the person you apply for.")))
            parsed = parse_resident_id(self.represented_id_number.data or "")
            if parsed is None:
                problems.append((self.represented_id_number, _l(
                    "This is not a valid resident ID number: check the 18 characters and the birth date."
                )))
            else:
                self.represented_id_number.data = parsed.number
        if not self.exemption.data:
            if self.household_size.data is None and not self.household_size.errors:
                problems.append((self.household_size, _l(
                    "Enter the number of people in your household, or choose a situation above."
                )))
            if self.monthly_income.data is None and not self.monthly_income.errors:
                problems.append((self.monthly_income, _l(
                    "Enter the household income per month, or choose a situation above."
                )))
        for field, message in problems:
            field.errors = [*field.errors, message]
        return valid and not problems


MATERIAL_ITEMS = {
    "id_copy": _l("Copy of your resident ID card"),
    "hukou": _l("Household register (户口簿) or residence permit"),
    "income_proof": _l("Proof of household income or an economic-hardship statement"),
    "status_proof": _l("Proof of the situation that waives the means check"),
    "relation_proof": _l("Proof of your relation to the person you apply for"),
    "dispute_evidence": _l("Main evidence of the dispute (contract, pay slips, medical records…)"),
    "court_documents": _l("Court, arbitration or police documents received so far"),
    "power_of_attorney": _l("Signed authorisation of the person you apply for"),
}


class MaterialsRequestForm(ActionForm):
    """补正: every missing item at once (Art. 43)."""

    items = CheckboxListField(_l("Missing materials"), choices=options(MATERIAL_ITEMS))
    other_items = TextAreaField(_l("Other missing items"), validators=[Optional(), Length(max=1000)])

    def validate_items(self, field):
        if not field.data and not (self.other_items.data or "").strip():
            raise ValidationError(_l("List every missing item: tick them or describe them."))


class MaterialsAnswerForm(ActionForm):
    """The applicant's answer to a materials request."""

    comment = TextAreaField(_l("Your note to the officer"), validators=[Optional(), Length(max=2000)])
    attachments = MultipleFileField(
        _l("Files"),
        validators=[AcceptedUploads()],
        description=_l("PDF, JPEG or PNG; at most 10 MB each and 5 files in all."),
    )

    def validate_attachments(self, field):
        if not getattr(field, "checked", None) and not (self.comment.data or "").strip():
            raise ValidationError(_l("Upload the requested files or explain in a note."))


class DecisionForm(ActionForm):
    comment = TextAreaField(_l("Decision note to the applicant"), validators=[Optional(), Length(max=2000)])


class RefusalForm(ActionForm):
    reasons = TextAreaField(
        _l("Reasons for the refusal"),
        validators=[DataRequired(message=_l("A refusal must give its reasons in writing.")), Length(max=3000)],
    )


class AssignLawyerForm(ActionForm):
    lawyer = SelectField(_l("Lawyer"), coerce=int, validators=[InputRequired()])

    def prepare(self, request) -> None:
        self.lawyer.choices = options((u.id, u.display_name) for u in active_staff_with_role(Role.LAWYER))


class CloseForm(ActionForm):
    summary = TextAreaField(_l("Closing summary"), validators=[DataRequired(), Length(max=3000)])

