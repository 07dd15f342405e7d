"""Forms of people's mediation: the application, staff registration and the case actions."""

from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.accounts.services import active_staff_with_role
from portal.core.choices import options, township_options
from portal.core.clock import local_today
from portal.core.fields import CHOOSE_TOWNSHIP, ENTER_FACTS, ENTER_MOBILE, ENTER_NAME, MobileNumber
from portal.core.forms import ActionForm
from portal.core.safe_contact import SafeContactMixin
from portal.extensions import db
from portal.mediation.roles import MEDIATOR
from portal.mediation.vocabulary import CHANNELS, DISPUTE_TYPES, PERFORMANCE, PRIVACY

CHOOSE = ("", _l("Choose…"))


def mediator_options(blank_label):
    return options(
        [("", blank_label)] + [(str(u.id), u.display_name) for u in active_staff_with_role(MEDIATOR)]
    )


class ApplicationForm(SafeContactMixin, FlaskForm):
    """What a person gives to ask for mediation (SPEC §12)."""

    applicant_name = StringField(
        _l("Your full name"), validators=[DataRequired(message=ENTER_NAME), Length(max=50)]
    )
    mobile = StringField(
        _l("Your mobile number"),
        validators=[DataRequired(message=ENTER_MOBILE), MobileNumber()],
        description=_l("We text you about the mediation. The other party never sees it."),
    )
    applicant_address = StringField(_l("Your address (optional)"), validators=[Optional(), Length(max=200)])
    township = SelectField(
        _l("Township or street where the dispute arose"), validators=[DataRequired(message=CHOOSE_TOWNSHIP)]
    )
    other_name = StringField(
        _l("The other party's name"),
        validators=[DataRequired(message=_l("Enter the other party's name.")), Length(max=100)],
        description=_l("A person or a company."),
    )
    other_mobile = StringField(
        _l("The other party's mobile (if you know it)"),
        validators=[Optional()],
        description=_l("The committee contacts them only after it accepts your application."),
    )
    other_address = StringField(
        _l("The other party's address (if you know it)"), validators=[Optional(), Length(max=200)]
    )
    dispute_type = SelectField(
        _l("What is the dispute about?"),
        choices=options([CHOOSE, *DISPUTE_TYPES.items()]),
        validators=[DataRequired(message=_l("Choose what the dispute is about."))],
    )
    facts = TextAreaField(
        _l("What happened"), validators=[DataRequired(message=ENTER_FACTS), Length(max=3000)]
    )
    claims = TextAreaField(
        _l("What you ask for"),
        validators=[DataRequired(message=_l("Say what you ask the other party to do.")), Length(max=2000)],
        description=_l("For example: repay 8,000 yuan by the end of the month."),
    )
    in_court = RadioField(
        _l("Has a court or an arbitration body already taken the case?"),
        choices=options([("no", _l("No")), ("yes", _l("Yes"))]),
        validators=[InputRequired(message=_l("Say whether a court or arbitration already has the case."))],
    )
    preferred_mediator = SelectField(
        _l("Preferred mediator (optional)"),
        validators=[Optional()],
        description=_l("You may choose a mediator; the committee decides."),
    )
    privacy = RadioField(
        _l("Public or not public?"),
        choices=options(PRIVACY),
        validators=[InputRequired(message=_l("Choose whether the mediation is public or not."))],
    )
    rights_read = BooleanField(
        _l("I have read my rights and duties in mediation."),
        validators=[DataRequired(message=_l("Read your rights and duties first."))],
    )
    consent = BooleanField(
        _l(
            "I agree that the committee uses these details to mediate, and tells the other party my name and a summary of the dispute."
        ),
        validators=[DataRequired(message=_l("Your consent is needed to start mediation."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township.choices = options([CHOOSE, *((str(c.value), c.label) for c in township_options())])
        self.preferred_mediator.choices = mediator_options(_l("No preference"))

    def validate_other_mobile(self, field):
        if not (field.data or "").strip():
            field.data = None
            return
        MobileNumber()(self, field)
        if field.data == self.mobile.data:
            raise ValidationError(_l("The other party's mobile cannot be your own mobile number."))


class RegisterForm(ApplicationForm):
    """Staff register a dispute that arrived in person or that a committee took up itself."""

    channel = SelectField(
        _l("How the dispute came"),
        choices=options({k: v for k, v in CHANNELS.items() if k != "online"}),
        validators=[DataRequired()],
    )
    rights_read = BooleanField(
        _l("The applicant was told their rights and duties in mediation."),
        validators=[DataRequired(message=_l("Tell the applicant their rights and duties first."))],
    )
    consent = BooleanField(
        _l("The applicant agreed that the committee uses these details to mediate."),
        validators=[DataRequired(message=_l("Record the applicant's consent to mediate."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff fill it in for someone else: the labels name the applicant.
        self.applicant_name.label.text = _l("Applicant's full name")
        self.mobile.label.text = _l("Applicant's mobile number (if they have one)")
        self.mobile.description = _l(
            "Without one no text is sent: the applicant follows the case by calling or visiting the office."
        )
        # A person without a mobile is registered too (SPEC §2); a number typed here is never "proven".
        self.mobile.validators = [Optional(), MobileNumber()]
        self.mobile.flags.required = False
        self.applicant_address.label.text = _l("Applicant's address (optional)")


class AcceptForm(ActionForm):
    committee = SelectField(
        _l("Mediation committee"),
        coerce=lambda value: int(value) if str(value or "").isdigit() else None,
        validators=[InputRequired(message=_l("Choose the committee."))],
    )
    mediator = SelectField(_l("Mediator"), validators=[DataRequired(message=_l("Choose the mediator."))])
    second_mediator = SelectField(_l("Second mediator (optional)"), validators=[Optional()])
    major = BooleanField(_l("A major dispute"))
    enterprise_related = BooleanField(_l("The dispute involves an enterprise"))
    summary = TextAreaField(
        _l("Summary of the dispute for the other party"),
        validators=[DataRequired(message=_l("Write the summary the other party reads.")), Length(max=2000)],
        description=_l(
            "The other party reads this, not the application: say what the dispute is about in neutral words, without the applicant's contact data."
        ),
    )

    def prepare(self, service_request) -> None:
        from portal.mediation.models import MediationCommittee

        committees = db.session.scalars(
            db.select(MediationCommittee)
            .where(MediationCommittee.is_active.is_(True))
            .order_by(MediationCommittee.id)
        )
        self.committee.choices = options([("", _l("Choose…")), *((c.id, c.name) for c in committees)])
        self.mediator.choices = mediator_options(_l("Choose…"))
        self.second_mediator.choices = mediator_options(_l("None"))
        if (
            service_request is not None
            and getattr(service_request, "preferred_mediator_id", None)
            and not self.mediator.data
        ):
            self.mediator.data = str(service_request.preferred_mediator_id)

    def validate_second_mediator(self, field):
        if field.data and field.data == self.mediator.data:
            raise ValidationError(_l("Choose another person, or none."))


class ReasonForm(ActionForm):
    reason = TextAreaField(_l("Reason, told to the parties"), validators=[DataRequired(), Length(max=2000)])


class SessionForm(ActionForm):
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date."))])
    start = TimeField(_l("Starts at"), validators=[InputRequired(message=_l("Enter a time as HH:MM."))])
    minutes = SelectField(
        _l("Length"),
        choices=options([("60", _l("1 hour")), ("90", _l("1.5 hours")), ("120", _l("2 hours"))]),
        default="60",
    )
    place = StringField(
        _l("Place"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: Xingsha justice office, mediation room 2."),
    )

    def validate_day(self, field):
        if field.data and field.data < local_today():
            raise ValidationError(_l("Choose today or a later date."))

    def transition_data(self) -> dict:
        data = super().transition_data()
        data["starts"] = datetime.combine(self.day.data, self.start.data or time(9))
        return data


class CloseForm(ActionForm):
    performance = SelectField(
        _l("Performance of the agreement"),
        choices=options([("", _l("No agreement to perform")), *PERFORMANCE.items()]),
        validators=[Optional()],
    )
    court_report = TextAreaField(
        _l("Report to the court (court-commissioned cases)"),
        validators=[Optional(), Length(max=3000)],
        description=_l("What came of the court's commission, sent back to the court."),
    )


def dispute_from(form: ApplicationForm, channel: str = "online", referral: dict | None = None):
    """The validated answers as the mediation service takes them."""
    from portal.mediation.services import Dispute

    return Dispute(
        applicant_name=form.applicant_name.data.strip(),
        mobile=form.mobile.data or None,
        township_id=int(form.township.data),
        other_name=form.other_name.data.strip(),
        other_mobile=form.other_mobile.data or None,
        other_address=(form.other_address.data or "").strip() or None,
        applicant_address=(form.applicant_address.data or "").strip() or None,
        dispute_type=form.dispute_type.data,
        facts=form.facts.data.strip(),
        claims=form.claims.data.strip(),
        in_court=form.in_court.data == "yes",
        preferred_mediator_id=int(form.preferred_mediator.data)
        if (form.preferred_mediator.data or "").isdigit()
        else None,
        channel=channel,
        referral=referral or {},
        rights_read=bool(form.rights_read.data),
        applicant_private=form.privacy.data == "private",
    )
