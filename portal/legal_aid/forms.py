"""Forms of legal aid: the self-check and the application (shared fields: form_fields; the
officers' and lawyers' actions: action_forms).

No answer is chosen in advance (a placeholder or unticked radios), so an untouched form
says nothing. The self-check's answers are carried into the application form. Labels are
plain; the legal detail is in hints.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.core.attachments import AcceptedUploads
from portal.core.choices import options
from portal.core.clock import local_today
from portal.core.fields import (
    ENTER_ADDRESS,
    ENTER_FACTS,
    ENTER_ID_NUMBER,
    ENTER_MOBILE,
    ENTER_NAME,
    MobileNumber,
    ResidentIdNumber,
    resident_id_message,
)
from portal.core.identity import parse_resident_id
from portal.core.safe_contact import SafeContactMixin
from portal.legal_aid.eligibility import Answers, means_test_needed, misapplied
from portal.legal_aid.form_fields import (
    COUNSEL_RETAINED,
    PLACE_HINT,
    Radios,
    Situation,
    _chosen,
    claim_exemption_field,
    matter_field,
    means_fields,
    means_waiver_field,
    retained_counsel_field,
    township_choices,
)
from portal.legal_aid.hardship import HardshipRule, hardship_rule
from portal.legal_aid.matters import (
    AGENT,
    APPLICANT_ROLE_HINTS,
    APPLICANT_ROLES,
    AUTHORITIES,
    CHOOSE,
    CRIMINAL,
    CRIMINAL_MATTERS,
    ELSEWHERE,
    GUARDIAN,
    GUARDIAN_BASES,
    MATTER_KIND_HINTS,
    MATTER_KINDS,
    NOT_RELATED,
    PLACES,
    RELATIONS,
    RELATIVE,
    SELF,
    STAGES,
)
from portal.legal_aid.services import (
    ApplicationDetails,
)


class EligibilityForm(Situation, FlaskForm):
    """The self-check: a POST (no answer in an address), nothing stored; its answers can be
    carried into the application (its intake state, by "Apply with these answers")."""

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
        """The valid answers, by the application form's names (for its intake state)."""
        carried = {}
        for name, target in self.CARRIED.items():
            field = getattr(self, name, None)
            if field is not None and not field.errors and field.data not in (None, ""):
                carried[target] = str(field.data)
        if carried.get("matter_type") in CRIMINAL_MATTERS:  # the kind of matter it is goes without saying
            carried["matter_kind"] = CRIMINAL
        return carried


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

    matter_kind = Radios(
        _l("What kind of matter is it?"),
        choices=options(MATTER_KINDS),
        hints=MATTER_KIND_HINTS,
        validators=[InputRequired(message=_l("Choose what kind of matter it is."))],
    )
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
                    (  # said where the child's ID number was typed (the page about them)
                        self.represented_id_number,
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
