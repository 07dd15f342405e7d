"""Staff forms for cases an authority brings: a notice (Arts. 25, 28, 36) and an application
forwarded from custody (Art. 39). Both are for anyone: a foreign national with a passport, a
person whose identity is unknown, one with no relative to reach, one not detained."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.core.attachments import AcceptedUploads
from portal.core.choices import options, township_options
from portal.core.clock import local_today
from portal.core.fields import ENTER_FACTS, MobileNumber, resident_id_message
from portal.core.identity import parse_resident_id
from portal.legal_aid.eligibility import Answers, means_test_needed, misapplied
from portal.legal_aid.form_fields import (
    COUNSEL_RETAINED,
    Radios,
    Situation,
    _chosen,
    claim_exemption_field,
    matter_field,
    means_fields,
    means_waiver_field,
    retained_counsel_field,
)
from portal.legal_aid.hardship import HardshipRule, hardship_rule
from portal.legal_aid.matters import AUTHORITIES, CRIMINAL_DEFENCE, CRIMINAL_STAGES, STAGES
from portal.legal_aid.notices import (
    CUSTODY,
    DETAINED,
    FORWARDED_FROM,
    GROUND_STAGES,
    ID_TYPES,
    NO_ID,
    NOTICE_GROUNDS,
    PASSPORT,
    RESIDENT_ID,
    ForwardedDetails,
    NoticeDetails,
    Person,
)

#: The name recorded for a person whose identity is unknown (the authorities' term).
UNKNOWN_NAME = "身份不明"
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
GENDERS = {"male": _l("male"), "female": _l("female")}
FILES_HINT = _l("PDF, JPEG or PNG; at most 10 MB each and 5 files in all.")


def _optional_township_choices():
    return options([("", "—"), *((str(c.value), c.label) for c in township_options())])


def _township(value) -> int | None:
    return int(value) if str(value or "").isascii() and str(value or "").isdigit() else None


class PersonFields:
    """Who the case is for: a name or 身份不明 with a description, nationality, and an
    identity document of a kind (validated by its kind)."""

    identity_unknown = BooleanField(_l("Identity unknown (身份不明)"))
    person_name = StringField(
        _l("Name of the person"),
        validators=[Optional(), Length(max=100)],
        description=_l(
            "As the authority writes it, e.g. JOHN SMITH. Leave empty if the identity is unknown."
        ),
    )
    person_description = TextAreaField(
        _l("Description of the person"),
        validators=[Optional(), Length(max=1000)],
        description=_l(
            "Only when the identity is unknown: how the authority identifies them (photo number, features)."
        ),
    )
    nationality = StringField(
        _l("Nationality"),
        validators=[Optional(), Length(max=60)],
        description=_l("Leave empty for a Chinese citizen."),
    )
    id_type = Radios(
        _l("Identity document"),
        choices=options(ID_TYPES),
        validators=[InputRequired(message=_l("Choose the kind of identity document, or No document known."))],
    )
    id_number = StringField(
        _l("Document number"),
        validators=[Optional(), Length(max=40)],
        description=_l("A resident ID has 18 characters; a passport 5 to 20 letters and digits."),
    )
    gender = Radios(_l("Gender"), choices=options(GENDERS), validators=[Optional()])
    birth_date = DateField(
        _l("Date of birth"), validators=[Optional()], description=_l("If known; read from a resident ID.")
    )

    def person_problems(self) -> list:
        problems = []
        unknown = bool(self.identity_unknown.data)
        if not unknown and not (self.person_name.data or "").strip():
            problems.append((self.person_name, _l("Enter the name, or tick Identity unknown.")))
        if unknown and not (self.person_description.data or "").strip():
            problems.append((self.person_description, _l("Describe the person whose identity is unknown.")))
        kind, number = self.id_type.data, (self.id_number.data or "").strip()
        self.resident_id = None
        if kind in (None, NO_ID) or self.id_number.errors:
            return problems
        if not number:
            problems.append(
                (self.id_number, _l("Enter the number of the document, or choose No document known."))
            )
        elif kind == RESIDENT_ID:
            self.resident_id = parse_resident_id(number)
            if self.resident_id is None:
                problems.append((self.id_number, resident_id_message(number)))
        elif kind == PASSPORT:
            normalised = re.sub(r"\s+", "", number).upper()
            if not PASSPORT_NUMBER.match(normalised):
                problems.append(
                    (self.id_number, _l("A passport number has 5 to 20 letters and digits, without spaces."))
                )
            else:
                self.id_number.data = normalised
        if self.birth_date.data and self.birth_date.data > local_today():
            problems.append((self.birth_date, _l("The date of birth cannot be in the future.")))
        return problems

    def person(self) -> Person:
        unknown = bool(self.identity_unknown.data)
        kind = self.id_type.data
        return Person(
            name=(self.person_name.data or "").strip() or UNKNOWN_NAME,
            id_type=kind,
            resident_id=self.resident_id if kind == RESIDENT_ID else None,
            document_number=(self.id_number.data or "").strip() or None
            if kind not in (RESIDENT_ID, NO_ID)
            else None,
            nationality=self.nationality.data,
            identity_unknown=unknown,
            description=self.person_description.data if unknown else None,
            gender=self.gender.data,
            birth_date=self.birth_date.data,
        )


def _not_in_future(field, message) -> list:
    return [(field, message)] if field.data and field.data > local_today() else []


class NoticeForm(PersonFields, FlaskForm):
    """A notice of the police, procuratorate or court (通知辩护, Arts. 25, 28 and 36)."""

    authority = StringField(
        _l("Notifying authority"),
        validators=[DataRequired(message=_l("Enter the authority.")), Length(max=200)],
    )
    authority_mobile = StringField(
        _l("Authority contact mobile (optional)"), validators=[Optional(), MobileNumber()]
    )
    case_number = StringField(
        _l("Number of the authority's notice"),
        validators=[DataRequired(message=_l("Enter the number of the notice.")), Length(max=60)],
    )
    document_date = DateField(
        _l("Date of the authority's notice"),
        validators=[InputRequired(message=_l("Enter the date of the notice."))],
    )
    received_on = DateField(
        _l("Date the notice was received"),
        validators=[InputRequired(message=_l("Enter the date the notice was received."))],
    )
    ground = Radios(
        _l("Ground of the notice"),
        choices=options(NOTICE_GROUNDS),
        validators=[InputRequired(message=_l("Choose the ground the notice gives."))],
        description=_l("Legal Aid Law, Art. 25 (criminal cases) and Art. 28 (compulsory medical treatment)."),
    )
    charge = StringField(
        _l("Charge or alleged act"),
        validators=[DataRequired(message=_l("Enter the charge.")), Length(max=200)],
    )
    stage = SelectField(
        _l("Stage of the proceedings"),
        choices=options([("", "—"), *((k, STAGES[k]) for k in CRIMINAL_STAGES)]),
        validators=[InputRequired(message=_l("Choose the stage."))],
    )
    serious_sentence = BooleanField(
        _l("Possible life imprisonment or death sentence, or death-penalty review (Art. 26)")
    )
    facts = TextAreaField(_l("What the notice says"), validators=[Optional(), Length(max=3000)])
    attachments = MultipleFileField(
        _l("The notice and its documents"), validators=[AcceptedUploads()], description=FILES_HINT
    )
    custody = Radios(
        _l("Custody"),
        choices=options(CUSTODY),
        validators=[InputRequired(message=_l("Say whether the person is detained."))],
    )
    detention_place = StringField(
        _l("Place of detention"),
        validators=[Optional(), Length(max=200)],
        description=_l("Only if detained."),
    )
    township_id = SelectField(_l("Township of residence (optional)"), validators=[Optional()])
    relative_name = StringField(
        _l("Name of a close relative (optional)"), validators=[Optional(), Length(max=100)]
    )
    contact_mobile = StringField(
        _l("Mobile of a close relative (optional)"),
        validators=[Optional(), MobileNumber()],
        description=_l("Messages about the case go there; without one, the authority gets the letter."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township_id.choices = _optional_township_choices()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problems = self.person_problems()
        problems += _not_in_future(self.received_on, _l("The notice cannot arrive in the future."))
        problems += _not_in_future(self.document_date, _l("The notice cannot be dated in the future."))
        if (
            self.document_date.data
            and self.received_on.data
            and self.document_date.data > self.received_on.data
        ):
            problems.append((self.document_date, _l("The notice cannot be dated after it was received.")))
        if self.custody.data == DETAINED and not (self.detention_place.data or "").strip():
            problems.append((self.detention_place, _l("Enter the place of detention.")))
        needed = GROUND_STAGES.get(self.ground.data or "")
        if needed and self.stage.data and self.stage.data != needed:
            problems.append(
                (self.stage, _l("This ground belongs to the stage %(stage)s.", stage=STAGES[needed]))
            )
        for field, message in problems:
            field.errors = [*field.errors, message]
        return valid and not problems

    def details(self) -> NoticeDetails:
        return NoticeDetails(
            authority=self.authority.data,
            case_number=self.case_number.data,
            document_date=self.document_date.data,
            received_on=self.received_on.data,
            ground=self.ground.data,
            stage=self.stage.data,
            charge=self.charge.data,
            custody=self.custody.data,
            person=self.person(),
            serious_sentence=bool(self.serious_sentence.data),
            detention_place=self.detention_place.data if self.custody.data == DETAINED else None,
            township_id=_township(self.township_id.data),
            relative_name=self.relative_name.data,
            contact_mobile=self.contact_mobile.data or None,
            facts=self.facts.data or "",
            authority_mobile=self.authority_mobile.data or None,
        )


class ForwardedForm(PersonFields, Situation, FlaskForm):
    """An application a person in custody handed in, forwarded by the institution (Art. 39):
    any matter; it is reviewed like any application."""

    forwarded_from = Radios(
        _l("Who handed in the application"),
        choices=options(FORWARDED_FROM),
        validators=[InputRequired(message=_l("Choose who handed in the application."))],
    )
    authority = StringField(
        _l("Forwarding institution"),
        validators=[DataRequired(message=_l("Enter the forwarding institution.")), Length(max=200)],
        description=_l("The detention house, prison or compulsory drug rehabilitation centre."),
    )
    handed_in_on = DateField(
        _l("Date the person handed in the application"),
        validators=[InputRequired(message=_l("Enter the date it was handed in."))],
    )
    forwarded_on = DateField(
        _l("Date the institution forwarded it"),
        validators=[InputRequired(message=_l("Enter the date it was forwarded."))],
        description=_l("The institution must forward it within 24 hours (Art. 39)."),
    )
    received_on = DateField(
        _l("Date the centre received it"),
        validators=[InputRequired(message=_l("Enter the date the centre received it."))],
        description=_l("The 7 days for the decision run from this day (Art. 43)."),
    )
    matter_type = matter_field()
    stage = SelectField(
        _l("Where does the matter stand?"),
        choices=options([("", "—"), *STAGES.items()]),
        validators=[DataRequired(message=_l("Choose where the matter stands."))],
    )
    handling_authority = Radios(
        _l("Who handles the case now?"),
        choices=options(AUTHORITIES),
        validators=[InputRequired(message=_l("Choose who handles the case now, or None yet."))],
    )
    charge = StringField(
        _l("Charge"), validators=[Optional(), Length(max=200)], description=_l("Only in a criminal case.")
    )
    opposing_party = StringField(_l("Other party"), validators=[Optional(), Length(max=200)])
    facts = TextAreaField(
        _l("What the application says"),
        validators=[DataRequired(message=ENTER_FACTS), Length(max=3000)],
    )
    counsel_retained = retained_counsel_field()
    claim_exemption = claim_exemption_field()
    means_waiver = means_waiver_field()
    household_size, monthly_income, low_income, sudden_hardship = means_fields()
    township_id = SelectField(_l("Township of residence (optional)"), validators=[Optional()])
    contact_mobile = StringField(
        _l("Mobile of a close relative (optional)"), validators=[Optional(), MobileNumber()]
    )
    attachments = MultipleFileField(
        _l("The application and its documents"), validators=[AcceptedUploads()], description=FILES_HINT
    )

    def __init__(self, *args, rule: HardshipRule | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_rule(rule or hardship_rule())
        self.township_id.choices = _optional_township_choices()

    def answers(self) -> Answers:
        return Answers(
            matter=self.matter_type.data,
            claim_exemption=_chosen(self.claim_exemption.data),
            means_waiver=_chosen(self.means_waiver.data),
            means=self.means(self.township_id.data),
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problems = self.person_problems()
        for field in (self.handed_in_on, self.forwarded_on, self.received_on):
            problems += _not_in_future(field, _l("This date cannot be in the future."))
        handed, forwarded, received = self.handed_in_on.data, self.forwarded_on.data, self.received_on.data
        if handed and forwarded and forwarded < handed:
            problems.append((self.forwarded_on, _l("It cannot be forwarded before it was handed in.")))
        if forwarded and received and received < forwarded:
            problems.append((self.received_on, _l("It cannot arrive before it was forwarded.")))
        if self.matter_type.data == CRIMINAL_DEFENCE and not (self.charge.data or "").strip():
            problems.append((self.charge, _l("Enter the charge.")))
        if self.counsel_retained.data == "yes":
            problems.append((self.counsel_retained, COUNSEL_RETAINED))
        if self.matter_type.data:
            answers = self.answers()
            problems += [(getattr(self, question), why) for question, why in misapplied(answers)]
            if means_test_needed(answers):
                problems += self.means_problems()
        for field, message in problems:
            field.errors = [*field.errors, message]
        return valid and not problems

    def details(self) -> ForwardedDetails:
        answers = self.answers()
        return ForwardedDetails(
            authority=self.authority.data,
            forwarded_from=self.forwarded_from.data,
            handed_in_on=self.handed_in_on.data,
            forwarded_on=self.forwarded_on.data,
            received_on=self.received_on.data,
            person=self.person(),
            institution=self.authority.data,
            matter_type=self.matter_type.data,
            stage=self.stage.data,
            handling_authority=self.handling_authority.data,
            facts=self.facts.data,
            hardship_rule=self.rule.name,
            means=answers.means,
            counsel_retained=False,
            charge=self.charge.data,
            opposing_party=self.opposing_party.data,
            township_id=_township(self.township_id.data),
            contact_mobile=self.contact_mobile.data or None,
            claim_exemption=answers.claim_exemption,
            means_waiver=answers.means_waiver,
        )
