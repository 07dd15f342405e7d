"""Forms of written consultations: the question, the answer, the follow-up, the roster, the review."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.core.attachments import AcceptedUploads
from portal.core.choices import options, township_options
from portal.core.fields import CHOOSE_TOPIC, CHOOSE_TOWNSHIP, ENTER_MOBILE, ENTER_NAME, MobileNumber
from portal.core.forms import ActionForm, ApplicantActionForm
from portal.core.safe_contact import SafeContactMixin
from portal.written_consultations.vocabulary import CHANNELS, REFERRALS, TOPICS


class AskForm(SafeContactMixin, FlaskForm):
    """A written question (留言咨询): answered in writing by the day's duty lawyer. With safe
    contact (SPEC §14) nothing is texted: the answer is read on /track with the PIN."""

    topic = SelectField(
        _l("What is your question about?"),
        choices=options(TOPICS),
        validators=[DataRequired(message=CHOOSE_TOPIC)],
    )
    township_id = SelectField(_l("Where do you live?"), validators=[DataRequired(message=CHOOSE_TOWNSHIP)])
    question = TextAreaField(
        _l("Your question"),
        validators=[
            DataRequired(message=_l("Write your question.")),
            Length(min=10, max=2000, message=_l("Write between 10 and 2,000 characters.")),
        ],
        description=_l(
            "Do not write names, ID numbers, addresses or phone numbers in the question: the lawyer does not need them to answer."
        ),
    )
    attachments = MultipleFileField(
        _l("Documents (optional)"),
        validators=[AcceptedUploads()],
        description=_l(
            "For example a contract or a letter. PDF, JPEG or PNG; at most 10 MB each and 5 files in all. Never published."
        ),
    )
    name = StringField(
        _l("Your name (never published)"), validators=[DataRequired(message=ENTER_NAME), Length(max=50)]
    )
    mobile = StringField(
        _l("Mobile number for the text that your answer is ready"),
        validators=[DataRequired(message=ENTER_MOBILE), MobileNumber()],
    )
    consent = BooleanField(
        _l(
            "Once answered, my question and its answer may be published in the public archive, after staff remove anything that could identify me."
        ),
        description=_l("Optional. Your question is answered either way."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township_id.choices = options(
            [("", _l("Choose…")), *((str(c.value), c.label) for c in township_options())]
        )
        self.consent.shown_unticked = True  # the check page shows "no" too (core.intake)


#: The transition's own field says it all: no generic comment box beside it (the comment
#: stays an empty hidden field, so the shared action views read it as usual).
NO_COMMENT = HiddenField(validators=[Length(max=0)])
NO_CONSENT = _l(
    "The person reads it on the tracking page after proving their mobile. They did not consent to publication: this question is not offered for the public archive."
)


class AnswerForm(ActionForm):
    comment = NO_COMMENT
    answer = TextAreaField(
        _l("Answer"),
        validators=[DataRequired(message=_l("Write the answer.")), Length(max=5000)],
        description=_l("The person reads it on the tracking page after proving their mobile."),
    )
    referral = SelectField(_l("Referral"), choices=options(REFERRALS), validators=[Optional()], default="")
    suitable = BooleanField(
        _l("Suitable for the public archive (only if the person consented; a second staff member reviews it)")
    )

    def prepare(self, question) -> None:
        """ "Suitable" only where the person consented; otherwise say why it is not offered."""
        if not getattr(question, "consent_to_publish", False):
            del self.suitable
            self.answer.description = NO_CONSENT


class FollowUpAnswerForm(ActionForm):
    comment = NO_COMMENT
    follow_up_answer = TextAreaField(
        _l("Answer to the follow-up question"),
        validators=[DataRequired(message=_l("Write the answer.")), Length(max=5000)],
    )


class FollowUpForm(ApplicantActionForm):
    """The person's one follow-up question, on the tracking page."""

    comment = NO_COMMENT

    follow_up_question = TextAreaField(
        _l("Your follow-up question"),
        validators=[DataRequired(message=_l("Write your follow-up question.")), Length(min=5, max=2000)],
        description=_l("You may ask one follow-up question about the answer."),
    )


class RosterForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date."))])
    user_id = SelectField(
        _l("On duty"), coerce=int, validators=[InputRequired(message=_l("Choose who is on duty."))]
    )
    mobile = StringField(
        _l("Mobile texted when a question arrives (optional)"),
        validators=[Optional(), MobileNumber()],
        description=_l("Without one, the mobile of their account, if any."),
    )


class ReviewForm(FlaskForm):
    """The second staff member's copy for the archive: nothing that identifies anyone."""

    public_question = TextAreaField(
        _l("Question as published"), validators=[DataRequired(), Length(max=2000)]
    )
    public_answer = TextAreaField(_l("Answer as published"), validators=[DataRequired(), Length(max=5000)])
    checked = BooleanField(
        _l("I checked that nothing in these texts identifies anyone"),
        validators=[DataRequired(message=_l("Tick this box once you have checked the texts."))],
    )


class WithdrawForm(FlaskForm):
    reason = StringField(
        _l("Why it is taken out of the archive"),
        validators=[DataRequired(message=_l("Say why, e.g. the law changed.")), Length(max=300)],
    )


class FirstFocusedRadioField(RadioField):
    """Radio buttons whose first option takes the focus when the page opens (unless
    `focused` is turned off: another field in error takes it)."""

    focused = True

    def __iter__(self):
        for number, option in enumerate(super().__iter__()):
            if number == 0 and self.focused:
                option.render_kw = {**(option.render_kw or {}), "autofocus": True}
            yield option


class LogForm(FlaskForm):
    """One call, visit or outreach contact: under 30 seconds by keyboard alone."""

    # The page opens on the first channel: Space or the arrow keys choose, Tab goes on.
    channel = FirstFocusedRadioField(
        _l("How the person reached us"),
        choices=options(CHANNELS),
        validators=[DataRequired(message=_l("Choose the channel."))],
    )
    topic = SelectField(_l("Topic"), choices=options(TOPICS), validators=[DataRequired(message=CHOOSE_TOPIC)])
    township_id = SelectField(_l("Township or street (optional)"), validators=[Optional()])
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=50)])
    mobile = StringField(_l("Mobile number (optional)"), validators=[Optional(), MobileNumber()])
    referral = SelectField(_l("Referral"), choices=options(REFERRALS), validators=[Optional()], default="")
    # One line, last: typed, then Enter sends the form (a text area would take the Enter).
    summary = StringField(
        _l("What was asked and answered"),
        validators=[DataRequired(message=_l("Write what was asked and answered.")), Length(max=2000)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township_id.choices = options(
            [("", "—"), *((str(c.value), c.label) for c in township_options())]
        )

    def focus_first_error(self) -> None:
        """After a rejected entry, the focus goes to the first field in error."""
        first = next((f for f in self if f.errors), None)
        if first is None or first is self.channel:
            return
        self.channel.focused = False
        first.render_kw = {**(first.render_kw or {}), "autofocus": True}
