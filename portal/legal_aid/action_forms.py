"""Forms of the officers' and lawyers' actions on a legal aid application: materials, the
decision, the lawyer, the closing report, termination, the objection and its review."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    MultipleFileField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.core.attachments import AcceptedUploads
from portal.core.choices import options
from portal.core.clock import local_today
from portal.core.fields import Checkboxes
from portal.core.forms import ActionForm
from portal.legal_aid.assignment import (
    CLOSING_OUTCOMES,
    OPEN_CASES_COUNTED_UP_TO,
    eligible_people,
    open_cases,
)
from portal.legal_aid.citations import OTHER_REFUSAL, REFUSAL_GROUNDS
from portal.legal_aid.form_fields import (
    MATERIAL_ITEMS,
    Radios,
)
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.services import (
    EARLY_AID_DEADLINE_DAYS,
    EARLY_AID_GROUNDS,
    TERMINATION_GROUNDS,
    materials_to_bring,
)


class MaterialsRequestForm(ActionForm):
    """补正: every missing item at once (Art. 43)."""

    items = Checkboxes(_l("Missing materials"), choices=options(MATERIAL_ITEMS))
    other_items = TextAreaField(_l("Other missing items"), validators=[Optional(), Length(max=1000)])

    def prepare(self, service_request) -> None:
        """This application's own materials (its exemption's proof included) come first."""
        needed = (
            materials_to_bring(service_request) if isinstance(service_request, LegalAidApplication) else []
        )
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
    #: The refusal cites the articles of its ground (citations.refusal_articles).
    ground = SelectField(
        _l("Ground for the refusal"),
        choices=options(REFUSAL_GROUNDS),
        default=OTHER_REFUSAL,
    )
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

    def prepare(self, service_request) -> None:
        people = eligible_people(service_request) if isinstance(service_request, LegalAidApplication) else []
        counts = open_cases(p.user_id for p in people)
        self.lawyer.choices = options(
            (
                p.user_id,
                str(
                    _l(
                        "%(name)s (%(kind)s, %(firm)s): %(count)s open cases",
                        name=p.user.display_name,
                        kind=p.profession_label,
                        firm=p.firm or "—",
                        count=_up_to(counts.get(p.user_id, 0)),
                    )
                ),
            )
            for p in people
        )
        if self.lawyer.data is None and getattr(service_request, "lawyer_id", None):
            self.lawyer.data = service_request.lawyer_id  # the lawyer of the early aid (Art. 44) goes on


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

    def prepare(self, service_request) -> None:
        """The day the application or notice reached the centre (the case cannot end before)."""
        created = getattr(service_request, "created_at", None)
        self.received = getattr(service_request, "notice_received_on", None) or (
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
