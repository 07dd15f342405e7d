"""Forms of the health check: the enterprise's request, the coordinator's and lawyers' actions."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.core.choices import options, township_options
from portal.core.clock import local_today
from portal.core.fields import Checkboxes
from portal.core.forms import ActionForm
from portal.health_checks.vocabulary import (
    ANSWERS,
    AREAS,
    FOLLOW_UP_RESULTS,
    MODES,
    PARTNERS,
    QUESTIONS,
    RISK_LEVELS,
)

CHOOSE = ("", _l("Choose…"))


class RequestForm(FlaskForm):
    """A verified enterprise member asks for a health check."""

    areas = Checkboxes(
        _l("What should the lawyers check?"),
        choices=options(AREAS),
        validators=[DataRequired(message=_l("Choose at least one area."))],
    )
    # No answer chosen in advance: a default would be a guess.
    mode = RadioField(
        _l("How the check is done"),
        choices=options(MODES),
        validators=[DataRequired(message=_l("Choose how the health check is done."))],
    )
    preferred_dates = StringField(
        _l("Dates that suit you"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: any weekday morning in the second half of March."),
    )
    notes = TextAreaField(
        _l("Anything the lawyers should know (optional)"), validators=[Optional(), Length(max=2000)]
    )
    industry = StringField(_l("Industry"), validators=[DataRequired(), Length(max=100)])
    employees = IntegerField(
        _l("Number of employees"), validators=[InputRequired(), NumberRange(min=0, max=1_000_000)]
    )
    township_id = SelectField(
        _l("Township or street"), validators=[DataRequired(message=_l("Choose the township."))]
    )
    park = StringField(_l("Industrial park (if any)"), validators=[Optional(), Length(max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township_id.choices = options([CHOOSE] + [(str(c.value), c.label) for c in township_options()])

    def answers(self) -> dict[str, str]:
        """The self-assessment answers given, by area (only for chosen areas)."""
        return {area: self[f"q_{area}"].data for area in (self.areas.data or []) if self[f"q_{area}"].data}


# One optional yes / no / not sure question per area, as fields q_<area>.
for _area, _question in QUESTIONS.items():
    setattr(
        RequestForm, f"q_{_area}", RadioField(_question, choices=options(ANSWERS), validators=[Optional()])
    )


class ReasonForm(ActionForm):
    reason = TextAreaField(
        _l("Reason, told to the enterprise"), validators=[DataRequired(), Length(max=2000)]
    )


class TeamForm(ActionForm):
    lead = SelectField(_l("Lead lawyer"), validators=[DataRequired(message=_l("Choose the lead lawyer."))])
    members = Checkboxes(_l("Other lawyers of the team"), validators=[Optional()])
    partners = Checkboxes(
        _l("Organised with (optional)"),
        choices=options(PARTNERS),
        validators=[Optional()],
        description=_l("Named on the report with the bureau."),
    )

    def prepare(self, service_request) -> None:
        from portal.health_checks.services import team_candidates
        from portal.health_checks.team import conflicted_user_ids

        self._conflicted = conflicted_user_ids(service_request.enterprise_id)
        people = [(str(u.id), label) for u, label in team_candidates()]
        self.lead.choices = options([CHOOSE, *people])
        self.members.choices = options(people)
        if not self.is_submitted():
            self.partners.data = service_request.partner_codes

    def _refuse_conflicted(self, ids) -> None:
        conflicted = [i for i in ids if i and i.isdigit() and int(i) in getattr(self, "_conflicted", set())]
        if conflicted:
            raise ValidationError(
                _l("A lawyer you chose declared a conflict of interest with this enterprise: choose another.")
            )

    def validate_lead(self, field):
        self._refuse_conflicted([field.data])

    def validate_members(self, field):
        if self.lead.data and self.lead.data in (field.data or []):
            field.data = [m for m in field.data if m != self.lead.data]
        self._refuse_conflicted(field.data or [])


class VisitForm(ActionForm):
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date."))])
    start = TimeField(_l("Starts at"), validators=[InputRequired(message=_l("Enter a time as HH:MM."))])
    place = StringField(
        _l("Place"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("The enterprise's address, or the video call's link for a remote check."),
    )

    def validate_day(self, field):
        if field.data and field.data < local_today():
            raise ValidationError(_l("Choose today or a later date."))


class PublishForm(ActionForm):
    documents_seen = TextAreaField(
        _l("Documents the team saw"),
        validators=[
            DataRequired(message=_l("List the documents the team saw: the report names them.")),
            Length(max=2000),
        ],
        description=_l("For example: articles of association, 20 labour contracts, the seal log."),
    )
    confirm_empty = BooleanField(_l("Publish a report without findings"))

    def prepare(self, service_request) -> None:
        self._has_findings = bool(getattr(service_request, "findings", None))

    def validate_confirm_empty(self, field):
        if not getattr(self, "_has_findings", True) and not field.data:
            raise ValidationError(
                _l("No finding is recorded. Tick the box to publish a report without findings.")
            )


class SendBackForm(ActionForm):
    comment = TextAreaField(
        _l("What the lawyers should change"), validators=[DataRequired(), Length(max=2000)]
    )


class CorrectionForm(ActionForm):
    comment = TextAreaField(
        _l("What was corrected, told to the enterprise"), validators=[DataRequired(), Length(max=2000)]
    )


class FindingForm(FlaskForm):
    area = SelectField(_l("Area"), validators=[DataRequired(message=_l("Choose the area."))])
    risk = SelectField(
        _l("Risk level"),
        choices=options([CHOOSE, *RISK_LEVELS.items()]),
        validators=[DataRequired(message=_l("Choose the risk level."))],
    )
    finding = TextAreaField(_l("Finding"), validators=[DataRequired(), Length(max=3000)])
    legal_basis = StringField(
        _l("Legal basis (law and article)"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("For example: Labour Contract Law, Art. 10."),
    )
    recommendation = TextAreaField(_l("Recommendation"), validators=[DataRequired(), Length(max=3000)])
    fix_by = DateField(_l("Fix by (optional)"), validators=[Optional()])

    def set_areas(self, codes: list[str]) -> None:
        self.area.choices = options([CHOOSE, *((c, AREAS[c]) for c in codes if c in AREAS)])


class FollowUpResultForm(FlaskForm):
    result = RadioField(
        _l("At the follow-up visit"),
        choices=options(FOLLOW_UP_RESULTS),
        validators=[InputRequired(message=_l("Say whether it is resolved."))],
    )
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])


class FixedForm(FlaskForm):
    note = TextAreaField(_l("What you did"), validators=[DataRequired(), Length(max=1000)])


class BreachForm(FlaskForm):
    report = TextAreaField(
        lazy_pgettext("health check breach report", "What happened"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("For example: a lawyer of the team offered paid services during the check."),
    )


class PledgeForm(FlaskForm):
    """A team member's conflict declaration and pledge, before opening anything."""

    conflict = RadioField(
        _l("Conflict of interest"),
        choices=options(
            [
                (
                    "none",
                    _l(
                        "I have no conflict: no paid retainer with the enterprise or its group, "
                        "and no current matter against it."
                    ),
                ),
                ("declared", _l("I have a conflict (I leave the team).")),
            ]
        ),
        validators=[InputRequired(message=_l("Say whether you have a conflict of interest."))],
    )
    conflict_note = TextAreaField(_l("The conflict, in a few words"), validators=[Length(max=1000)])
    accept = BooleanField(_l("I accept the pledge above."))

    def validate_conflict_note(self, field):
        if self.conflict.data == "declared" and not (field.data or "").strip():
            raise ValidationError(_l("Say what the conflict is: the coordinator reads it."))

    def validate_accept(self, field):
        if self.conflict.data == "none" and not field.data:
            raise ValidationError(_l("Accept the pledge to open the enterprise's documents and findings."))


class ObjectionForm(FlaskForm):
    reason = TextAreaField(
        _l("Why this lawyer should not be on the team"),
        validators=[
            DataRequired(message=_l("Say why: the coordinator decides on your reasons.")),
            Length(max=1000),
        ],
        description=_l("For example: the lawyer acts for a company in a dispute with us."),
    )


class ObjectionDecisionForm(FlaskForm):
    decision = RadioField(
        lazy_pgettext("objection", "Decision"),
        choices=options(
            [
                ("upheld", _l("Upheld: the lawyer leaves the team")),
                ("dismissed", _l("Dismissed: the lawyer stays")),
            ]
        ),
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    reasons = TextAreaField(
        _l("Reasons, told to the enterprise"),
        validators=[DataRequired(message=_l("Give the reasons.")), Length(max=2000)],
    )


class MemberDecisionForm(FlaskForm):
    """The coordinator's decision on an enterprise member: the pressed button is the required
    choice (anything else is refused with 400, never taken as "not verified")."""

    decision = SelectField(
        choices=options([("verify", _l("Verify")), ("reject", _l("Do not verify"))]),
        validators=[InputRequired()],
    )
    note = TextAreaField(
        _l("Note to the clerk (needed when not verifying)"), validators=[Optional(), Length(max=500)]
    )
