"""How a dispute came (SPEC §12 round 3): a party's application, a committee's own
initiative, a court or the police telling the parties to apply (People's Mediation Law
Art. 18), a court's commission before filing (诉前委派调解), or another body's referral.
Referred cases keep the referring body and its document; a court's commission keeps the
court's case number and deadline, and the case is reported back to the court on closing."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from portal.core.clock import local_today
from portal.mediation.forms import RegisterForm
from portal.mediation.vocabulary import REFERRED_CHANNELS


class ReferralRegisterForm(RegisterForm):
    """Staff registration with the referring body's details when another body sent it."""

    referring_body = StringField(
        _l("Referring body"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: Changsha County People's Court, Xingsha police station."),
    )
    referral_document = StringField(
        _l("Number of its referral document"), validators=[Optional(), Length(max=100)]
    )
    court_case_number = StringField(_l("The court's case number"), validators=[Optional(), Length(max=100)])
    court_deadline = DateField(_l("The court's deadline for the mediation"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """The referral's fields are required by channel (Optional() would skip inline checks)."""
        valid = super().validate(extra_validators)
        channel = self.channel.data
        required = []
        if channel in REFERRED_CHANNELS:
            required += [
                (self.referring_body, _l("Enter the body that referred the dispute.")),
                (self.referral_document, _l("Enter the number of the referral document.")),
            ]
        if channel == "court_commission":
            required += [
                (self.court_case_number, _l("Enter the court's case number.")),
                (self.court_deadline, _l("Enter the court's deadline.")),
            ]
        for field, message in required:
            if not field.data or (isinstance(field.data, str) and not field.data.strip()):
                if not field.errors:
                    field.errors = [*field.errors, message]
                valid = False
        deadline = self.court_deadline.data
        if channel == "court_commission" and deadline and deadline < local_today():
            self.court_deadline.errors = [_l("The court's deadline cannot be in the past.")]
            valid = False
        return valid

    def referral(self) -> dict:
        """The referral's columns for the case (empty for a party's own application)."""
        if self.channel.data not in REFERRED_CHANNELS:
            return {}
        court = self.channel.data == "court_commission"
        return {
            "referring_body": (self.referring_body.data or "").strip(),
            "referral_document": (self.referral_document.data or "").strip(),
            "court_case_number": (self.court_case_number.data or "").strip() if court else None,
            "court_deadline": self.court_deadline.data if court else None,
        }
