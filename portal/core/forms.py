"""Forms of the shared workflow pages, used by every request type."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.core.attachments import AcceptedUploads
from portal.core.fields import MobileNumber, ResidentIdNumber


class ActionForm(FlaskForm):
    """Base of every transition form: the version seen, and an optional comment."""

    version = HiddenField()
    comment = TextAreaField(
        _l("Comment"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Optional. Public actions show it to the applicant."),
    )

    def prepare(self, service_request) -> None:
        """Fill runtime choices from the request; forms with select boxes override it."""

    def transition_data(self) -> dict:
        """What the type's effect function receives; uploads arrive already checked."""
        data = {}
        for field in self:
            if field.name in ("csrf_token", "version"):
                continue
            data[field.short_name] = getattr(field, "checked", field.data)
        return data


class ApplicantActionForm(ActionForm):
    """An applicant's action without extra fields (e.g. withdraw)."""

    comment = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class NoteForm(FlaskForm):
    # Its own id: the detail page shows it next to the message form, whose field is "body" too.
    body = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=4000)], id="note_body")


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message to the applicant"), validators=[DataRequired(), Length(max=500)])


class PartyMessageForm(FlaskForm):
    body = TextAreaField(
        _l("Message to the other party"),
        validators=[DataRequired(), Length(max=500)],
        description=_l(
            "They read it on the portal, and by SMS when their mobile is known. Never write the applicant's contact details here."
        ),
    )


class ReassignForm(FlaskForm):
    handler = SelectField(_l("New handler"), coerce=int, validators=[DataRequired()])
    comment = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class TrackForm(FlaskForm):
    reference = StringField(
        _l("Reference number"),
        validators=[DataRequired(message=_l("Enter the reference number.")), Length(max=30)],
        description=_l("For example LA-2026-000001. Dashes and capitals do not matter."),
    )
    mobile = StringField(
        _l("Mobile number given with the request"),
        validators=[
            DataRequired(message=_l("Enter the mobile number given with the request.")),
            Length(max=20),
            MobileNumber(),
        ],
    )
    #: The page asked for before the proof (a receipt, a file): shown after the code.
    next = HiddenField()


class MobileChangeForm(FlaskForm):
    """Counter staff move a request to the applicant's new mobile (SPEC §2)."""

    mobile = StringField(
        _l("New mobile number"),
        validators=[DataRequired(message=_l("Enter the new mobile number.")), Length(max=20), MobileNumber()],
    )
    id_checked = BooleanField(
        _l("I checked the applicant's resident ID card in person"),
        validators=[DataRequired(message=_l("Only after checking the ID card in person: tick the box."))],
    )


class TrackFindForm(FlaskForm):
    mobile = StringField(
        _l("Mobile number given with the request"),
        validators=[
            DataRequired(message=_l("Enter the mobile number given with the request.")),
            Length(max=20),
            MobileNumber(),
        ],
    )
    id_number = StringField(
        _l("Resident ID number (only for requests closed more than 90 days ago)"),
        validators=[Optional(), ResidentIdNumber()],
        description=_l(
            "Your own, as given with the request. Without it, only open and recently closed requests are listed."
        ),
    )


class TrackCodeForm(FlaskForm):
    """The code sent by `/track` (or, for a safe-contact request, its PIN)."""

    code = StringField(
        _l("Code from the text message"),
        validators=[DataRequired(message=_l("Enter the code from the text message.")), Length(max=12)],
    )


class ApplicantUploadMixin:
    """Files the applicant adds to a request."""

    attachments = MultipleFileField(
        _l("Files"),
        validators=[AcceptedUploads()],
        description=_l("PDF, JPEG or PNG; at most 10 MB each and 5 files in all."),
    )
