"""Forms of legal aid: the self-check, the application and the officers' decisions.

No answer is chosen in advance (a placeholder or unticked radios), so an untouched form
says nothing. The self-check's answers are carried into the application form. Labels are
plain; the legal detail is in hints.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.attachments import AcceptedUploads
from portal.core.choices import options, township_options
from portal.core.clock import local_today
from portal.core.fields import (
    ENTER_ADDRESS,
    ENTER_FACTS,
    ENTER_ID_NUMBER,
    ENTER_MOBILE,
    ENTER_NAME,
    MobileNumber,
    ResidentIdNumber,
    WholeNumberField,
    resident_id_message,
)
from portal.core.forms import ActionForm
from portal.core.identity import parse_resident_id
from portal.core.models import Township
from portal.core.safe_contact import SafeContactMixin
from portal.extensions import db
from portal.legal_aid.assignment import (
    CLOSING_OUTCOMES,
    OPEN_CASES_COUNTED_UP_TO,
    eligible_people,
    open_cases,
)
from portal.legal_aid.eligibility import Answers, means_test_needed, misapplied
from portal.legal_aid.hardship import HardshipRule, Means, hardship_rule
from portal.legal_aid.matters import (
    AGENT,
    APPLICANT_ROLE_HINTS,
    APPLICANT_ROLES,
    AUTHORITIES,
    CHOOSE,
    CLAIM_EXEMPTIONS,
    ELSEWHERE,
    GUARDIAN,
    GUARDIAN_BASES,
    MATERIALS,
    MEANS_WAIVERS,
    NONE_OF_THESE,
    NOT_RELATED,
    PLACES,
    RELATIONS,
    RELATIVE,
    SELF,
    STAGES,
    YES_NO,
    exemption_hints,
    exemption_options,
    matter_choices,
)
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.services import (
    EARLY_AID_DEADLINE_DAYS,
    EARLY_AID_GROUNDS,
    TERMINATION_GROUNDS,
    ApplicationDetails,
    materials_to_bring,
)

#: Checklist of the officers' materials request (Art. 43), the proofs of each exemption included.
MATERIAL_ITEMS = MATERIALS
MEANS_QUESTIONS = ("household_size", "monthly_income", "low_income", "sudden_hardship")
PLACE_HINT = _l(
    "Where the court, procuratorate, police or arbitration commission is; if nobody handles it yet, where it happened. The legal aid centre of that place decides on your application (Legal Aid Law, Art. 38)."
)


class Radios(RadioField):
    """Radio buttons with none ticked in advance; `hints` explain single options."""

    def __init__(self, label=None, validators=None, hints=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.option_hints = hints or {}

    def pre_validate(self, form):
        if self.data is None:  # unanswered: the validators say whether that is allowed
            return
        super().pre_validate(form)


def township_choices():
    return options([CHOOSE, *((str(c.value), c.label) for c in township_options())])


def township_code(township_id) -> str | None:
    """The national code of a township chosen by its id (the hardship amount depends on it)."""
    if not (str(township_id or "").isascii() and str(township_id or "").isdigit()):  # unanswered, or junk
        return None
    return db.session.scalar(db.select(Township.code).where(Township.id == int(township_id)))


def _yes_no(value) -> bool | None:
    return None if value is None else value == "yes"


def _chosen(value) -> str | None:
    return None if value in (None, "", NONE_OF_THESE) else value


def claim_exemption_field():
    return Radios(
        _l("Is your claim one of these?"),
        choices=exemption_options(CLAIM_EXEMPTIONS),
        hints=exemption_hints(CLAIM_EXEMPTIONS),
        validators=[InputRequired(message=_l("Choose the claim it is, or None of these."))],
        description=_l("For these claims your finances are not tested at all (Legal Aid Law, Art. 32)."),
    )


def means_waiver_field():
    return Radios(
        _l("Does one of these describe you?"),
        choices=exemption_options(MEANS_WAIVERS),
        hints=exemption_hints(MEANS_WAIVERS),
        validators=[InputRequired(message=_l("Choose what describes you, or None of these."))],
        description=_l("If you can prove it, your finances are not checked (Legal Aid Law, Art. 42)."),
    )


def means_fields() -> tuple:
    """The hardship questions of every rule, in MEANS_QUESTIONS order (a form keeps those
    of the rule in force)."""
    return (
        WholeNumberField(_l("People in your household"), validators=[Optional(), NumberRange(min=1, max=30)]),
        WholeNumberField(
            _l("Household income per month (yuan)"),
            validators=[Optional(), NumberRange(min=0, max=10_000_000)],
            description=_l(
                "Everyone in the household together, after income tax and social insurance contributions."
            ),
        ),
        Radios(
            _l("Does the local government recognise your household as low-income?"),
            choices=options(YES_NO),
            validators=[Optional()],
            description=_l("低收入人口: recognised by the township or the civil affairs office."),
        ),
        Radios(
            _l("Has a sudden event left you in hardship that needs social assistance?"),
            choices=options(YES_NO),
            validators=[Optional()],
            description=_l("For example a disaster, an accident or a serious illness."),
        ),
    )


#: Arts. 24, 29, 31: legal aid is for a person with no lawyer or agent in the matter.
COUNSEL_RETAINED = _l(
    "Legal aid is for a person who has no lawyer or agent in this matter (Legal Aid Law, Arts. 24, 29 and 31). Apply when the lawyer or agent no longer acts for you."
)


def retained_counsel_field():
    return Radios(
        _l("Is a lawyer or other agent already acting in this matter?"),
        choices=options(YES_NO),
        validators=[InputRequired(message=_l("Say whether a lawyer or agent already acts in the matter."))],
        description=_l("Hired or otherwise retained for this matter, by you or by the person you apply for."),
    )


def matter_field():
    return SelectField(
        _l("What is the matter about?"),
        choices=matter_choices,
        validators=[DataRequired(message=_l("Choose what the matter is about."))],
        description=_l(
            "Legal aid covers criminal cases and the civil and administrative matters the law lists (Legal Aid Law, Arts. 24, 29 and 31), and those the province adds."
        ),
    )


class Situation:
    """What both forms do with the questions about the claim and the household's means.
    Only the hardship questions of the rule in force stay on a form (see `keep_rule`)."""

    def keep_rule(self, rule: HardshipRule) -> None:
        """Keep the hardship questions of `rule`; drop the others."""
        self.rule = rule
        for name in MEANS_QUESTIONS:
            if name not in rule.questions:
                delattr(self, name)

    def means(self, township_id) -> Means:
        def data(name):
            field = getattr(self, name, None)
            return None if field is None or field.errors else field.data

        return Means(
            household_size=data("household_size"),
            monthly_income=data("monthly_income"),
            low_income=_yes_no(data("low_income")),
            sudden_hardship=_yes_no(data("sudden_hardship")),
            township_code=township_code(township_id),
        )

    def means_problems(self) -> list:
        """The hardship questions left unanswered (when the claim needs them)."""
        unanswered = {
            "household_size": _l(
                "Enter the number of people in your household, or choose a situation above."
            ),
            "monthly_income": _l("Enter the household income per month, or choose a situation above."),
            "low_income": _l(
                "Say whether your household is recognised as low-income, or choose a situation above."
            ),
            "sudden_hardship": _l(
                "Say whether a sudden event left you in hardship, or choose a situation above."
            ),
        }
        problems = []
        for name, message in unanswered.items():
            field = getattr(self, name, None)
            if field is not None and field.data is None and not field.errors:
                problems.append((field, message))
        return problems


class EligibilityForm(Situation, FlaskForm):
    """The self-check: a GET form, nothing stored; its answers can be carried into the form."""

    class Meta:
        csrf = False

    matter = matter_field()
    claim_exemption = claim_exemption_field()
    means_waiver = means_waiver_field()
    place = Radios(
        _l("Where is the case handled?"),
        choices=options(PLACES),
        validators=[Optional()],
        description=PLACE_HINT,
    )
    township = SelectField(_l("Township or street where you live"), validators=[Optional()])
    household_size, monthly_income, low_income, sudden_hardship = means_fields()

    #: Answers carried into the application form: self-check name -> form field name.
    CARRIED = {
        "matter": "matter_type",
        "claim_exemption": "claim_exemption",
        "means_waiver": "means_waiver",
        "place": "case_place",
        "township": "township",
        "household_size": "household_size",
        "monthly_income": "monthly_income",
        "low_income": "low_income",
        "sudden_hardship": "sudden_hardship",
    }

    def __init__(self, *args, rule: HardshipRule | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_rule(rule or hardship_rule())
        if getattr(self.rule, "needs_township", False):
            self.township.choices = township_choices()
        else:
            delattr(self, "township")

    def answers(self) -> Answers:
        township = getattr(self, "township", None)
        return Answers(
            matter=self.matter.data,
            claim_exemption=_chosen(self.claim_exemption.data),
            means_waiver=_chosen(self.means_waiver.data),
            means=self.means(township.data if township is not None and not township.errors else None),
            place=self.place.data,
        )

    def carried(self) -> dict[str, str]:
        """The valid answers, as the query of a link to the application form."""
        carried = {}
        for name in self.CARRIED:
            field = getattr(self, name, None)
            if field is not None and not field.errors and field.data not in (None, ""):
                carried[name] = str(field.data)
        return carried


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplicationForm(Situation, SafeContactMixin, FlaskForm):
    """The application for legal aid (SPEC §3)."""

    applicant_name = StringField(
        _l("Full name"), validators=[DataRequired(message=ENTER_NAME), Length(max=50)]
    )
    id_number = StringField(
        _l("Resident ID number"),
        validators=[DataRequired(message=ENTER_ID_NUMBER), ResidentIdNumber()],
        description=_l("18 characters; your birth date and gender are read from it."),
    )
    mobile = StringField(_l("Mobile number"), validators=[DataRequired(message=ENTER_MOBILE), MobileNumber()])
    address = StringField(_l("Address"), validators=[DataRequired(message=ENTER_ADDRESS), Length(max=200)])
    township = SelectField(
        _l("Township or street where you live"),
        validators=[DataRequired(message=_l("Choose the township or street where you live."))],
    )

    applying_for = Radios(
        _l("Who needs legal aid?"),
        choices=options(APPLICANT_ROLES),
        hints=APPLICANT_ROLE_HINTS,
        validators=[InputRequired(message=_l("Choose who needs legal aid."))],
    )
    relation = SelectField(
        _l("Their relation to you"), choices=options([CHOOSE, *RELATIONS.items()]), default=""
    )
    represented_name = StringField(_l("Their full name"), validators=[Optional(), Length(max=50)])
    represented_id_number = StringField(_l("Their resident ID number"), validators=[Optional()])
    guardian_basis = Radios(
        _l("How did you become their guardian?"),
        choices=options(GUARDIAN_BASES),
        validators=[Optional()],
        description=_l("Only if you are their parent or guardian."),
    )
    agent_authorised = BooleanField(_l("They signed a written authorisation for me to apply for them"))

    matter_type = matter_field()
    stage = SelectField(
        _l("Where does the matter stand?"),
        choices=options([CHOOSE, *STAGES.items()]),
        validators=[DataRequired(message=_l("Choose where the matter stands."))],
    )
    handling_authority = Radios(
        _l("Who handles the case now?"),
        choices=options(AUTHORITIES),
        validators=[InputRequired(message=_l("Choose who handles the case now, or None yet."))],
    )
    case_place = Radios(
        _l("Where is the case handled?"),
        choices=options(PLACES),
        validators=[InputRequired(message=_l("Say whether the case is handled in this county."))],
        description=PLACE_HINT,
    )
    case_place_name = StringField(
        _l("Which county or city?"),
        validators=[Optional(), Length(max=50)],
        description=_l("Only if the case is handled elsewhere."),
    )
    opposing_party = StringField(
        _l("Other party (person or organisation)"), validators=[Optional(), Length(max=200)]
    )
    facts = TextAreaField(
        _l("What happened, and what do you want to achieve?"),
        validators=[DataRequired(message=ENTER_FACTS), Length(min=20, max=3000)],
        description=_l("At least 20 characters."),
    )
    urgent = BooleanField(_l("A limitation period or court deadline ends within the next 7 days"))
    counsel_retained = retained_counsel_field()

    claim_exemption = claim_exemption_field()
    means_waiver = means_waiver_field()
    household_size, monthly_income, low_income, sudden_hardship = means_fields()

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

    def __init__(self, *args, rule: HardshipRule | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_rule(rule or hardship_rule())
        self.township.choices = township_choices()

    def prefill(self, check: EligibilityForm) -> None:
        """Start from the self-check's answers (only those that are valid)."""
        check.validate()
        for source, target in EligibilityForm.CARRIED.items():
            given, field = getattr(check, source, None), getattr(self, target, None)
            if given is not None and field is not None and not given.errors and given.data not in (None, ""):
                field.data = given.data

    def answers(self) -> Answers:
        return Answers(
            matter=self.matter_type.data,
            claim_exemption=_chosen(self.claim_exemption.data),
            means_waiver=_chosen(self.means_waiver.data),
            means=self.means(self.township.data),
            place=self.case_place.data,
        )

    def validate(self, extra_validators=None) -> bool:
        """Field rules, then the rules that depend on other answers."""
        valid = super().validate(extra_validators)
        problems = []
        role = self.applying_for.data
        if role and role != SELF:
            problems += self._represented_problems(role)
        if self.counsel_retained.data == "yes":
            problems.append((self.counsel_retained, COUNSEL_RETAINED))
        if self.case_place.data == ELSEWHERE and not (self.case_place_name.data or "").strip():
            problems.append((self.case_place_name, _l("Enter the county or city where the case is handled.")))
        if self.matter_type.data:
            answers = self.answers()
            problems += [(getattr(self, question), why) for question, why in misapplied(answers)]
            if means_test_needed(answers):
                problems += self.means_problems()
        for field, message in problems:
            field.errors = [*field.errors, message]
        return valid and not problems

    def _represented_problems(self, role: str) -> list:
        """Arts. 39-40: who may apply for whom, and what entitles them."""
        problems = []
        if not (self.represented_name.data or "").strip():
            problems.append((self.represented_name, _l("Enter the full name of the person you apply for.")))
        number = self.represented_id_number.data or ""
        represented = parse_resident_id(number)
        if not number.strip():
            problems.append(
                (self.represented_id_number, _l("Enter the resident ID number of the person you apply for."))
            )
        elif represented is None:
            problems.append((self.represented_id_number, resident_id_message(number)))
        else:
            self.represented_id_number.data = represented.number
            if represented.number == self.id_number.data:
                problems.append(
                    (
                        self.represented_id_number,
                        _l("This is your own ID number: if the legal aid is for you, choose Myself above."),
                    )
                )
        if role in (GUARDIAN, RELATIVE) and not self.relation.data:
            problems.append((self.relation, _l("Choose how the person is related to you.")))
        if role == RELATIVE and self.relation.data == NOT_RELATED:
            problems.append(
                (
                    self.relation,
                    _l(
                        "Only a close relative may apply this way: choose the relation, or another answer to who needs legal aid."
                    ),
                )
            )
        if role == GUARDIAN and not self.guardian_basis.data:
            problems.append((self.guardian_basis, _l("Say how you became their guardian.")))
        if role == AGENT:
            if not self.agent_authorised.data:
                problems.append(
                    (
                        self.agent_authorised,
                        _l(
                            "You need their signed authorisation to apply for them: tick to confirm that you have it."
                        ),
                    )
                )
            if represented is not None and represented.age_on(local_today()) < 18:
                problems.append(
                    (
                        self.applying_for,
                        _l(
                            "A child under 18 cannot authorise anyone: their parent or guardian applies for them (Art. 40)."
                        ),
                    )
                )
        return problems

    def details(self) -> ApplicationDetails:
        """The validated answers as typed values for the service."""
        role = self.applying_for.data
        authority = {
            GUARDIAN: f"guardian_{self.guardian_basis.data}",
            RELATIVE: "close_relative",
            AGENT: "written_authorisation",
        }.get(role)
        answers = self.answers()
        return ApplicationDetails(
            applicant_name=self.applicant_name.data,
            resident_id=self.id_number.parsed,
            mobile=self.mobile.data,
            address=self.address.data,
            township_id=int(self.township.data),
            applicant_role=role,
            relation=self.relation.data or None,
            authority=authority,
            represented_name=self.represented_name.data,
            represented_id_number=self.represented_id_number.data or None,
            matter_type=self.matter_type.data,
            stage=self.stage.data,
            handling_authority=self.handling_authority.data,
            case_place=self.case_place.data,
            case_place_name=(self.case_place_name.data or "").strip() or None,
            opposing_party=self.opposing_party.data,
            facts=self.facts.data,
            urgent=bool(self.urgent.data),
            counsel_retained=self.counsel_retained.data == "yes",
            claim_exemption=answers.claim_exemption,
            means_waiver=answers.means_waiver,
            means=answers.means,
            hardship_rule=self.rule.name,
        )


class MaterialsRequestForm(ActionForm):
    """补正: every missing item at once (Art. 43)."""

    items = CheckboxListField(_l("Missing materials"), choices=options(MATERIAL_ITEMS))
    other_items = TextAreaField(_l("Other missing items"), validators=[Optional(), Length(max=1000)])

    def prepare(self, request) -> None:
        """This application's own materials (its exemption's proof included) come first."""
        needed = materials_to_bring(request) if isinstance(request, LegalAidApplication) else []
        rest = [key for key in MATERIAL_ITEMS if key not in needed]
        self.items.choices = options((key, MATERIAL_ITEMS[key]) for key in [*needed, *rest])

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
        validators=[
            DataRequired(message=_l("A refusal must give its reasons in writing.")),
            Length(max=3000),
        ],
    )


def _up_to(count: int) -> str:
    return f"{OPEN_CASES_COUNTED_UP_TO}+" if count > OPEN_CASES_COUNTED_UP_TO else str(count)


class AssignLawyerForm(ActionForm):
    """The picker offers only the people who may take this case (Arts. 12, 26), each with
    the number of open cases they handle now."""

    lawyer = SelectField(
        _l("Legal aid person"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the person to assign."))],
    )

    def prepare(self, request) -> None:
        people = eligible_people(request) if isinstance(request, LegalAidApplication) else []
        counts = open_cases(p.user_id for p in people)
        self.lawyer.choices = options(
            (
                p.user_id,
                str(
                    _l(
                        "%(name)s (%(kind)s, %(firm)s): %(count)s open cases",
                        name=p.user.display_name,
                        kind=p.kind_label,
                        firm=p.firm or "—",
                        count=_up_to(counts.get(p.user_id, 0)),
                    )
                ),
            )
            for p in people
        )
        if self.lawyer.data is None and getattr(request, "lawyer_id", None):
            self.lawyer.data = request.lawyer_id  # the lawyer of the early aid (Art. 44) goes on


class ChangeRequestForm(ActionForm):
    """The recipient asks for another legal aid person, with reasons."""

    comment = TextAreaField(
        _l("Why you ask for another person"),
        validators=[DataRequired(message=_l("Say why you ask for another person.")), Length(max=2000)],
    )


class ChangeRefusalForm(ActionForm):
    reasons = TextAreaField(
        _l("Reasons for keeping the assigned person"),
        validators=[
            DataRequired(message=_l("A refusal must give its reasons in writing.")),
            Length(max=2000),
        ],
    )


class ClosingReportForm(ActionForm):
    """The lawyer's closing report (结案报告): outcome, the day the case ended, documents."""

    outcome = SelectField(
        _l("Outcome"),
        choices=options([("", "—"), *CLOSING_OUTCOMES.items()]),
        validators=[InputRequired(message=_l("Choose the outcome."))],
    )
    ended_on = DateField(
        _l("Date the case ended"), validators=[InputRequired(message=_l("Enter the date the case ended."))]
    )
    summary = TextAreaField(
        _l("Closing summary"),
        validators=[DataRequired(message=_l("Write the closing summary.")), Length(max=3000)],
    )
    attachments = MultipleFileField(
        _l("Closing documents (judgment, mediation agreement, case file)"),
        validators=[AcceptedUploads()],
        description=_l("PDF, JPEG or PNG; at most 10 MB each and 5 files in all."),
    )

    received = None

    def prepare(self, request) -> None:
        """The day the application or notice reached the centre (the case cannot end before)."""
        created = getattr(request, "created_at", None)
        self.received = getattr(request, "notice_received_on", None) or (
            local_today(created) if created else None
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.ended_on.data and self.ended_on.data > local_today():
            self.ended_on.errors = [*self.ended_on.errors, _l("The case cannot end in the future.")]
            valid = False
        elif self.ended_on.data and self.received and self.ended_on.data < self.received:
            self.ended_on.errors = [
                *self.ended_on.errors,
                _l("The case cannot end before the application was received."),
            ]
            valid = False
        return valid


class ClosingReturnForm(ActionForm):
    reasons = TextAreaField(
        _l("What the lawyer must correct"),
        validators=[DataRequired(message=_l("Say what must be corrected.")), Length(max=2000)],
    )


class CounterMaterialsForm(ActionForm):
    """Materials the applicant handed in at the counter, recorded by the officer."""

    comment = TextAreaField(
        _l("What was handed in"),
        validators=[DataRequired(message=_l("Say what the applicant handed in.")), Length(max=2000)],
    )
    attachments = MultipleFileField(
        _l("Scans (optional)"),
        validators=[AcceptedUploads()],
        description=_l("PDF, JPEG or PNG; at most 10 MB each and 5 files in all."),
    )


class EarlyAidForm(AssignLawyerForm):
    """Art. 44: aid before the decision, with its ground and the date that expires."""

    ground = Radios(
        _l("Ground for early aid"),
        choices=options(EARLY_AID_GROUNDS),
        validators=[InputRequired(message=_l("Choose the ground for early aid."))],
    )
    expires_on = DateField(
        _l("Date the limitation period or deadline expires"),
        validators=[Optional()],
        description=_l("Needed when a limitation period or other deadline is less than 7 days away."),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.ground.data == "deadline" and not self.expires_on.errors:
            if self.expires_on.data is None:
                self.expires_on.errors = [*self.expires_on.errors, _l("Give the date the deadline expires.")]
                valid = False
            elif self.expires_on.data < local_today():
                self.expires_on.errors = [*self.expires_on.errors, _l("That date has passed.")]
                valid = False
            elif (self.expires_on.data - local_today()).days >= EARLY_AID_DEADLINE_DAYS:
                self.expires_on.errors = [
                    *self.expires_on.errors,
                    _l(
                        "Early aid for a deadline needs it to end in less than %(days)s days (Art. 44(1)); a later one leaves time for the decision.",
                        days=EARLY_AID_DEADLINE_DAYS,
                    ),
                ]
                valid = False
        return valid


class TerminationForm(ActionForm):
    """Art. 48: one of its grounds and the reasons, in writing."""

    ground = Radios(
        _l("Ground for termination (Legal Aid Law, Art. 48)"),
        choices=options(TERMINATION_GROUNDS),
        validators=[InputRequired(message=_l("Choose the ground for termination."))],
    )
    reasons = TextAreaField(
        _l("Reasons for the termination"),
        validators=[
            DataRequired(message=_l("A termination must give its reasons in writing.")),
            Length(max=3000),
        ],
    )


class GroundReportForm(ActionForm):
    """Art. 48, second paragraph: the assigned person reports a ground for termination to
    the centre, which decides."""

    ground = Radios(
        _l("Ground for termination (Legal Aid Law, Art. 48)"),
        choices=options(TERMINATION_GROUNDS),
        validators=[InputRequired(message=_l("Choose the ground for termination."))],
    )
    reasons = TextAreaField(
        _l("What you found"),
        validators=[DataRequired(message=_l("Say what you found.")), Length(max=3000)],
    )


class ObjectionForm(ActionForm):
    """Art. 49: the applicant's objection to a refusal or termination, to the justice bureau."""

    comment = TextAreaField(
        _l("Why you disagree with the decision"),
        validators=[DataRequired(message=_l("Say why you disagree with the decision.")), Length(max=3000)],
    )
    attachments = MultipleFileField(
        _l("Files"),
        validators=[AcceptedUploads()],
        description=_l("PDF, JPEG or PNG; at most 10 MB each and 5 files in all."),
    )


class ReviewForm(ActionForm):
    """The bureau reviewer's decision on an objection, with its reasons."""

    reasons = TextAreaField(
        _l("Reasons for the review decision"),
        validators=[DataRequired(message=_l("A review decision must give its reasons.")), Length(max=3000)],
    )
