"""Forms of a mediation agreement (People's Mediation Law Arts. 28-33): the agreement as the
mediator records it, its terms, each signature and the seal, judicial confirmation and the
performance of each term. Every staff decision is a required choice."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.core.attachments import AcceptedUploads
from portal.core.choices import options
from portal.core.clock import local_today, to_local, utcnow
from portal.core.forms import ActionForm
from portal.mediation.effects import CONFIRMATION_DAYS
from portal.mediation.vocabulary import AGREEMENT_FORMS, CONFIRMATION_RESULTS, PERFORMANCE

#: The words of an agreement, shared by its forms, its page, its PDF and the tracking page.
LABELS = {
    "applied_on": _l("Applied on"),
    "applied_for": _l("Judicial confirmation applied for"),
    "reached_on": _l("Day the agreement was reached"),
    "obligation": _l("Does what"),
    "performance_method": _l("How and when the agreement is performed"),
    "confirmation": _l("Judicial confirmation"),
    "facts": _l("Main facts of the dispute"),
    "obligor": _l("Party who performs"),
    "title": _l("Mediation agreement"),
    "performed": _l("Performed?"),
    "signer": _l("Signature or seal"),
    "signatures": _l("Signatures and seal"),
    "signed_on": _l("Signed on"),
    "decision": _l("The court's decision"),
}
BEFORE_SESSION = _l("The agreement cannot be dated before the session that reached it (%(day)s).")
IN_FUTURE = _l("This date is in the future.")
NOT_A_SESSION = ("none", _l("Not at a scheduled session"))
NOT_HELD = _l('Choose a session that has taken place, or "Not at a scheduled session".')


def session_day(case, session_id) -> object:
    """The local day of the case's session `session_id`, or None."""
    if case is None:
        return None
    for session in case.sessions:
        if str(session.id) == str(session_id):
            return to_local(session.starts_at).date()
    return None


def held(sessions) -> list:
    """The sessions that have started: only these may have reached an agreement."""
    now = utcnow()
    return [s for s in sessions if s.starts_at <= now]


def not_in_future(field) -> None:
    if field.data and field.data > local_today():
        raise ValidationError(IN_FUTURE)


class AgreementHead:
    """What the agreement form asks first: its form, the session and day, the main facts."""

    agreement_form = RadioField(
        _l("Form of the agreement"),
        choices=options(AGREEMENT_FORMS),
        validators=[InputRequired(message=_l("Choose written or oral."))],
    )
    session = SelectField(
        _l("Session that reached it"),
        # Only sessions already held are offered; validate_session says so next to the field.
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose the session that reached it."))],
    )
    reached_on = DateField(
        LABELS["reached_on"],
        default=local_today,
        validators=[InputRequired(message=_l("Enter a date."))],
    )
    facts = TextAreaField(
        LABELS["facts"],
        validators=[
            DataRequired(message=_l("Write the main facts and the points in dispute.")),
            Length(max=5000),
        ],
    )


class TermFields:
    """Who does what, by when and how: one term of the agreement."""

    obligor = StringField(
        LABELS["obligor"],
        validators=[DataRequired(message=_l("Say which party does it.")), Length(max=100)],
        description=_l("The party who does it, by name."),
    )
    obligation = TextAreaField(
        LABELS["obligation"],
        validators=[DataRequired(message=_l("Say what the party does.")), Length(max=2000)],
    )
    due_on = DateField(_l("By when (optional)"), validators=[Optional()])
    method = StringField(
        _l("How (optional)"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: by bank transfer; on site, with the mediator present."),
    )


class AgreementForm(AgreementHead, TermFields, ActionForm):
    """The agreement reached (Art. 29): its form, day, session, main facts, first term and
    how it is performed. A written one takes effect once signed and sealed; an oral one on
    the day it was reached (Art. 30)."""

    performance_method = TextAreaField(
        LABELS["performance_method"],
        validators=[DataRequired(message=_l("Say how and when it is performed.")), Length(max=2000)],
    )
    amount = DecimalField(
        _l("Amount to be paid, in yuan (optional)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=100_000_000)],
    )
    attachments = MultipleFileField(
        _l("Scan of the signed agreement (optional)"),
        validators=[AcceptedUploads()],
        description=_l("The portal prints the agreement; its signatures and seal are recorded on its page."),
    )

    #: One "how and when" for the agreement: the first term has no method of its own.
    method = None
    case = None

    def prepare(self, service_request) -> None:
        self.case = service_request
        sessions = list(getattr(service_request, "sessions", None) or [])
        self.session.choices = options(
            [("", _l("Choose…"))]
            + [(str(s.id), f"{to_local(s.starts_at):%Y-%m-%d %H:%M} {s.place}") for s in held(sessions)]
            + [NOT_A_SESSION]
        )
        if service_request is not None and not self.is_submitted() and not self.facts.data:
            self.facts.data = service_request.facts

    def validate_session(self, field):
        if field.data == NOT_A_SESSION[0]:
            return
        if not any(str(s.id) == field.data for s in held(getattr(self.case, "sessions", None) or [])):
            raise ValidationError(NOT_HELD)

    def validate_reached_on(self, field):
        not_in_future(field)
        # A session refused is said next to the session, not again next to the date.
        day = session_day(self.case, self.session.data) if not self.session.errors else None
        if field.data and day and field.data < day:
            raise ValidationError(BEFORE_SESSION % {"day": day.isoformat()})

    def validate_due_on(self, field):
        if field.data and self.reached_on.data and field.data < self.reached_on.data:
            raise ValidationError(_l("A term cannot be due before the agreement was reached."))


class TermForm(TermFields, FlaskForm):
    """Another term of a written agreement, before it is signed."""


class SignatureForm(FlaskForm):
    """A signature on the written agreement, or the seal, with the day it was given."""

    signer = SelectField(
        LABELS["signer"], validators=[DataRequired(message=_l("Choose whose signature, or the seal."))]
    )
    signed_on = DateField(
        _l("Signed on"), default=local_today, validators=[InputRequired(message=_l("Enter a date."))]
    )

    def __init__(self, case, missing: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.signer.choices = options([("", _l("Choose…")), *missing.items()])

    def validate_signed_on(self, field):
        not_in_future(field)
        reached = self.case.agreement_reached_on
        day = session_day(self.case, self.case.agreement_session_id)
        first = max(d for d in (reached, day) if d) if (reached or day) else None
        if field.data and first and field.data < first:
            raise ValidationError(
                _l(
                    "A signature cannot be dated before the agreement was reached (%(day)s).",
                    day=first.isoformat(),
                )
            )


class ConfirmationForm(FlaskForm):
    """The parties' joint application to a competent court (Art. 33)."""

    court = RadioField(
        _l("Court the parties chose"),
        validators=[InputRequired(message=_l("Choose the court the parties applied to."))],
    )
    other_court = StringField(
        _l("Name of that court"),
        # Not Optional(): it would stop the chain before validate_other_court, and an empty
        # name for "another court" was accepted as no court at all.
        validators=[Length(max=200)],
        description=_l("Only for another basic court of a party's domicile."),
    )
    applied_on = DateField(
        _l("Applied on"), default=local_today, validators=[InputRequired(message=_l("Enter a date."))]
    )

    def __init__(self, case, courts: list, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.court.choices = options(courts)

    def validate_other_court(self, field):
        field.data = (field.data or "").strip()
        if self.court.data == "other" and not field.data:
            raise ValidationError(_l("Write the name of the court."))

    def validate_applied_on(self, field):
        not_in_future(field)
        effective = self.case.agreement_effective_on
        if field.data and effective and field.data < effective:
            raise ValidationError(_l("The application cannot be before the agreement took effect."))
        if field.data and effective and (field.data - effective).days > CONFIRMATION_DAYS:
            raise ValidationError(
                _l("More than 30 days after the agreement took effect: the court does not accept it.")
            )


class ConfirmationResultForm(FlaskForm):
    """What the court decided, with the day and its document number."""

    result = RadioField(
        LABELS["decision"],
        choices=options(CONFIRMATION_RESULTS),
        validators=[InputRequired(message=_l("Choose what the court decided."))],
    )
    decided_on = DateField(
        _l("Decided on"), default=local_today, validators=[InputRequired(message=_l("Enter a date."))]
    )
    number = StringField(
        _l("The court's document number"),
        validators=[DataRequired(message=_l("Enter the number of the court's ruling.")), Length(max=100)],
        description=_l("For example: (2026) Xiang 0121 Min Te 123."),
    )

    def __init__(self, case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def validate_decided_on(self, field):
        not_in_future(field)
        applied = self.case.confirmation_applied_on
        if field.data and applied and field.data < applied:
            raise ValidationError(_l("The decision cannot be before the application."))


class TermResultForm(FlaskForm):
    """Whether one term was performed, at the performance check."""

    result = RadioField(
        LABELS["performed"],
        choices=options(PERFORMANCE),
        validators=[InputRequired(message=_l("Choose whether it was performed."))],
    )
