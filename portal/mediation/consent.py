"""Rights and duties first (SPEC §12 round 3, People's Mediation Law Arts. 23 and 24): the
other party reads a summary of the dispute that the coordinator wrote or approved (never the
applicant's contact data or own words) and their rights and duties, and chooses public or
non-public, before agreeing; either party may ask for another mediator, and the coordinator
decides with reasons."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.core.choices import options
from portal.core.forms import ActionForm, ApplicantActionForm
from portal.core.services import EVENT_COMMENT
from portal.core.workflow import APPLICANT, PARTY, GuardFailed, Transition
from portal.mediation.committees import check_members
from portal.mediation.forms import ApplicationForm, mediator_options
from portal.mediation.roles import COORDINATOR
from portal.mediation.states import MediationState as S
from portal.mediation.vocabulary import PRIVACY

#: A mediator is changed while mediating (Art. 23: the parties may ask during mediation).
LIVE = frozenset({S.MEDIATING})
STAFF_CONSENT = _l("The other party's consent, rights and duties told, recorded by the staff.")
DECISIONS = {"grant": _l("Another mediator is assigned"), "refuse": _l("The mediator stays")}


class PartyConsentForm(ApplicantActionForm):
    """The other party's "I agree to mediation": rights and duties read, public or not chosen."""

    privacy = ApplicationForm.privacy
    rights_read = ApplicationForm.rights_read


class StartForm(ActionForm):
    """The other party's consent given in person or by phone, recorded by the staff: told
    their rights (Art. 23) and duties (Art. 24), and their choice of public or non-public."""

    privacy = RadioField(
        _l("The other party chose"),
        choices=options(PRIVACY),
        validators=[InputRequired(message=_l("Record whether the other party wants it public or not."))],
    )
    rights_read = BooleanField(
        _l("The other party was told their rights and duties in mediation and agreed to mediate."),
        validators=[DataRequired(message=_l("Tell the other party their rights and duties first."))],
    )


class AskMediatorForm(ApplicantActionForm):
    reason = TextAreaField(
        _l("Why you ask for another mediator"),
        validators=[DataRequired(message=_l("Say why you ask for another mediator.")), Length(max=1000)],
    )


class DecideMediatorForm(ActionForm):
    decision = RadioField(
        _l("Decision"),
        choices=options(DECISIONS),
        validators=[InputRequired(message=_l("Choose whether to change the mediator."))],
    )
    mediator = SelectField(_l("New mediator"), validators=[Optional()])
    reasons = TextAreaField(
        _l("Reasons, told to both parties"),
        validators=[DataRequired(message=_l("Give the reasons for the decision.")), Length(max=1000)],
    )

    def prepare(self, service_request) -> None:
        self.mediator.choices = mediator_options(_l("Choose…"))

    def validate_mediator(self, field):
        if self.decision.data == "grant" and not field.data:
            raise ValidationError(_l("Choose the new mediator."))


def summary_ready(case, now):
    """The other party decides only once the coordinator's summary is there."""
    if not (getattr(case, "party_summary", None) or "").strip():
        return _l("The committee has not yet written the summary of the dispute for the other party.")
    return None


def applicant_chose(case, now):
    """Mediation starts only once the applicant, too, read the rights and duties and chose."""
    if getattr(case, "applicant_rights_read_at", None) is None or case.applicant_private is None:
        return _l(
            "The applicant has not read their rights and duties or chosen public or non-public mediation: record it on their application first."
        )
    return None


def on_start(case, data, now) -> dict:
    """The coordinator or mediator records the other party's consent on their behalf."""
    case.party_rights_read_at = now
    case.party_private = data.get("privacy") == "private"
    return {EVENT_COMMENT: str(STAFF_CONSENT)}


def change_asked(case, now):
    if not getattr(case, "mediator_change_by", None):
        return _l("Neither party has asked for another mediator.")
    return None


def on_party_agree(case, data, now) -> dict:
    """Consent given online is recorded as such, with the rights read and the choice of privacy."""
    from portal.mediation.workflow import ONLINE_CONSENT

    case.party_rights_read_at = now
    case.party_private = data.get("privacy") == "private"
    return {EVENT_COMMENT: str(ONLINE_CONSENT)}


def _ask(side):
    def effect(case, data, now) -> dict:
        case.mediator_change_by = side
        case.mediator_change_reason = data["reason"].strip()
        case.mediator_change_decision = None
        return {EVENT_COMMENT: case.mediator_change_reason}

    return effect


def on_decide(case, data, now) -> dict:
    reasons = data["reasons"].strip()
    if data["decision"] == "grant":
        new = int(data["mediator"])
        check_members(case.committee_id, new)
        if new == case.second_mediator_id:
            case.second_mediator_id = None
        case.mediator_id = new
    case.mediator_change_by = None
    case.mediator_change_decision = f"{DECISIONS[data['decision']]}: {reasons}"
    return {"decision": case.mediator_change_decision, EVENT_COMMENT: reasons}


def check_summary(case, summary: str) -> str:
    """The summary never carries the applicant's mobile (the coordinator writes it afresh)."""
    summary = (summary or "").strip()
    if case.applicant_mobile and case.applicant_mobile in summary.replace(" ", ""):
        raise GuardFailed(_l("The summary for the other party must not contain the applicant's mobile."))
    return summary


ASKED_NOTICE = _l(
    "A party asked for another mediator in mediation %(reference)s. The committee decides and tells both parties."
)
TRANSITIONS = (
    Transition(
        "ask_other_mediator",
        LIVE,
        S.MEDIATING,
        _l("Ask for another mediator"),
        actor=APPLICANT,
        form=AskMediatorForm,
        notice=ASKED_NOTICE,
        party_notice=ASKED_NOTICE,
    ),
    Transition(
        "party_ask_other_mediator",
        LIVE,
        S.MEDIATING,
        _l("Ask for another mediator"),
        actor=PARTY,
        form=AskMediatorForm,
        notice=ASKED_NOTICE,
        party_notice=ASKED_NOTICE,
    ),
    Transition(
        "decide_mediator_change",
        LIVE,
        S.MEDIATING,
        _l("Decide on the request for another mediator"),
        roles=frozenset({COORDINATOR}),
        handler_only=False,
        form=DecideMediatorForm,
        guard=change_asked,
        notice=_l("Mediation %(reference)s: %(decision)s"),
        party_notice=_l("Mediation %(reference)s: %(decision)s"),
    ),
)
EFFECTS = {
    "start": on_start,
    "party_agree": on_party_agree,
    "ask_other_mediator": _ask("applicant"),
    "party_ask_other_mediator": _ask("party"),
    "decide_mediator_change": on_decide,
}
