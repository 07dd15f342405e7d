"""The mediation status machine (SPEC §12) and its consequences, declared once.

submitted → accepted (a committee and mediator assigned; the other party is told and
asked to agree) → mediating → agreement | failed → closed; or declined (not suitable,
or the other party refuses); or withdrawn. Either party may end the mediation.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.models import ServiceRequest
from portal.core.participants import by_columns
from portal.core.registry import QueueFilter, RequestKind
from portal.core.workflow import APPLICANT, PARTY, State, Transition, Workflow
from portal.mediation import agreement_forms, consent, forms, samples
from portal.mediation.agreements import EVENT_LABELS
from portal.mediation.demo import sample_case
from portal.mediation.effects import (
    agreement_in_effect,
    on_accept,
    on_agreement,
    on_close,
    on_ended,
    on_reason,
    on_schedule,
    on_submit,
)
from portal.mediation.escalation import risk_flags
from portal.mediation.figures import REPORT_FILTERS
from portal.mediation.models import MediationCase
from portal.mediation.roles import COORDINATOR, MEDIATOR
from portal.mediation.states import MediationState as S
from portal.mediation.vocabulary import DISPUTE_TYPES, NOT_AGREED_LABEL

COORDINATORS = frozenset({COORDINATOR})
#: Days within which the parties may jointly ask the court to confirm a written agreement (Art. 33).

STATES = (
    State(
        S.SUBMITTED,
        _l("Submitted"),
        public_hint=_l(
            "Received. The mediation committee decides within a few working days whether it can mediate."
        ),
    ),
    State(
        S.ACCEPTED,
        _l("Accepted"),
        public_hint=_l(
            "A committee and a mediator are assigned. Mediation is voluntary: the other party is asked whether they agree."
        ),
    ),
    State(
        S.MEDIATING,
        _l("Mediating"),
        public_hint=_l("Both parties agreed to mediate. The mediator arranges sessions with you."),
    ),
    State(
        S.AGREEMENT,
        _l("Agreement reached"),
        public_hint=_l("The parties reached an agreement: see its terms below."),
    ),
    State(
        S.FAILED,
        _l("Mediation ended without agreement"),
        public_hint=_l(
            "No agreement was reached. You may go to court or arbitration, or apply for legal aid."
        ),
    ),
    State(S.CLOSED, _l("Closed"), is_open=False),
    State(S.DECLINED, _l("Declined"), is_open=False),
    State(
        S.NOT_AGREED,
        NOT_AGREED_LABEL,
        is_open=False,
        public_hint=_l(
            "Mediation is voluntary and the other party did not agree, so it did not start. You may go to court or arbitration, or apply for legal aid (call 12348)."
        ),
    ),
    State(S.WITHDRAWN, _l("Withdrawn"), is_open=False),
)

ONLINE_CONSENT = _l("Consent given online: the mediator confirms it at the first contact.")
ENDED_NOTICE = _l(
    "Mediation %(reference)s ended without agreement: %(reason)s You may go to court or arbitration, or apply for legal aid (call 12348)."
)

NO_CONSENT_NOTICE = _l(
    "The other party does not agree to mediate %(reference)s, so mediation cannot go ahead. You may go to court or arbitration, or apply for legal aid (call 12348)."
)

TRANSITIONS = (
    Transition(
        "accept",
        frozenset({S.SUBMITTED}),
        S.ACCEPTED,
        _l("Accept and assign a mediator"),
        roles=COORDINATORS,
        handler_only=False,
        form=forms.AcceptForm,
        notice=_l(
            "Your mediation application %(reference)s is accepted by %(committee)s. Mediator %(mediator)s will contact you; the other party is now asked whether they agree."
        ),
        party_notice=_l(
            "%(applicant)s asks %(committee)s to mediate a dispute with you (%(reference)s). Mediation is free and voluntary. Mediator %(mediator)s will contact you. To answer or follow it, go to the legal services portal, Track a request, with this reference and your mobile number."
        ),
    ),
    Transition(
        "decline",
        frozenset({S.SUBMITTED}),
        S.DECLINED,
        _l("Decline"),
        roles=COORDINATORS,
        handler_only=False,
        form=forms.ReasonForm,
        style="danger",
        notice=_l(
            "Mediation %(reference)s cannot go ahead: %(reason)s You may go to court or arbitration, or apply for legal aid (call 12348)."
        ),
        party_notice=_l("Mediation %(reference)s will not go ahead."),
    ),
    Transition(
        "party_agree",
        frozenset({S.ACCEPTED}),
        S.MEDIATING,
        _l("I agree to mediation"),
        actor=PARTY,
        form=consent.PartyConsentForm,
        guard=consent.summary_ready,
        # Consent given online is recorded as such: the number the applicant typed may be a
        # second SIM of their own, so the mediator confirms it at the first contact.
        notice=_l(
            "The other party agreed online to mediate %(reference)s. The mediator confirms it with them at the first contact and arranges a session."
        ),
        party_notice=_l(
            "Thank you: you agreed online to mediate %(reference)s. The mediator confirms it with you at the first contact and arranges a session."
        ),
        done_message=_l(
            "Your consent is recorded. The mediator confirms it with you at the first contact, then arranges a session."
        ),
    ),
    Transition(
        "party_refuse",
        frozenset({S.ACCEPTED}),
        S.NOT_AGREED,
        _l("I do not agree to mediation"),
        actor=PARTY,
        style="danger",
        notice=NO_CONSENT_NOTICE,
        party_notice=_l("You did not agree to mediate %(reference)s. The case is closed."),
    ),
    Transition(
        "start",
        frozenset({S.ACCEPTED}),
        S.MEDIATING,
        _l("Both parties agreed: start mediating"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        form=consent.StartForm,
        guard=consent.applicant_chose,
        notice=_l("Both parties agreed to mediate %(reference)s. The mediator will arrange a session."),
        party_notice=_l("Both parties agreed to mediate %(reference)s. The mediator will arrange a session."),
    ),
    Transition(
        "schedule_session",
        frozenset({S.MEDIATING}),
        S.MEDIATING,
        _l("Schedule a session"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        form=forms.SessionForm,
        notice=_l(
            "Mediation session for %(reference)s: %(when)s at %(place)s. Add it to your calendar from the tracking page."
        ),
        party_notice=_l(
            "Mediation session for %(reference)s: %(when)s at %(place)s. Add it to your calendar from the tracking page."
        ),
    ),
    Transition(
        "record_agreement",
        frozenset({S.MEDIATING}),
        S.AGREEMENT,
        _l("Record the agreement"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        form=agreement_forms.AgreementForm,
        notice=_l(
            "An agreement was reached in mediation %(reference)s. Its terms are on the tracking page.%(confirmation)s"
        ),
        party_notice=_l(
            "An agreement was reached in mediation %(reference)s. Its terms are on the tracking page.%(confirmation)s"
        ),
    ),
    Transition(
        "record_failure",
        frozenset({S.MEDIATING}),
        S.FAILED,
        _l("End without agreement"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        form=forms.ReasonForm,
        style="danger",
        notice=ENDED_NOTICE,
        party_notice=ENDED_NOTICE,
    ),
    Transition(
        "record_no_consent",
        frozenset({S.ACCEPTED}),
        S.NOT_AGREED,
        _l("The other party did not agree or did not answer"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        form=forms.ReasonForm,
        style="danger",
        notice=NO_CONSENT_NOTICE,
        party_notice=_l("Mediation %(reference)s will not go ahead."),
    ),
    Transition(
        "applicant_withdraw",
        frozenset({S.ACCEPTED}),
        S.WITHDRAWN,
        _l("Withdraw my application"),
        actor=APPLICANT,
        style="danger",
        notice=_l("You withdrew mediation application %(reference)s."),
        party_notice=_l("The applicant withdrew mediation %(reference)s. The case is closed."),
    ),
    Transition(
        "applicant_end",
        frozenset({S.MEDIATING}),
        S.FAILED,
        _l("End the mediation"),
        actor=APPLICANT,
        style="danger",
        notice=ENDED_NOTICE,
        party_notice=ENDED_NOTICE,
    ),
    Transition(
        "party_end",
        frozenset({S.MEDIATING}),
        S.FAILED,
        _l("End the mediation"),
        actor=PARTY,
        style="danger",
        notice=ENDED_NOTICE,
        party_notice=ENDED_NOTICE,
    ),
    Transition(
        "withdraw",
        frozenset({S.SUBMITTED}),
        S.WITHDRAWN,
        _l("Withdraw my application"),
        actor=APPLICANT,
        style="danger",
        notice=_l("You withdrew mediation application %(reference)s."),
    ),
    Transition(
        "close",
        frozenset({S.AGREEMENT, S.FAILED}),
        S.CLOSED,
        _l("Close the case"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        form=forms.CloseForm,
        guard=agreement_in_effect,
        notice=_l("Mediation case %(reference)s is closed."),
    ),
    *consent.TRANSITIONS,
)


WORKFLOW = Workflow(
    states=STATES,
    transitions=TRANSITIONS,
    initial=S.SUBMITTED,
    main_path=(S.SUBMITTED, S.ACCEPTED, S.MEDIATING, S.AGREEMENT, S.CLOSED),
    submitted_notice=_l(
        "We received your mediation application %(reference)s. The committee will contact you within a few working days."
    ),
    effects={
        "submit": on_submit,
        "accept": on_accept,
        **consent.EFFECTS,
        "decline": on_reason,
        "record_failure": on_reason,
        "record_no_consent": on_reason,
        "applicant_end": on_ended,
        "party_end": on_ended,
        "schedule_session": on_schedule,
        "record_agreement": on_agreement,
        "close": on_close,
    },
)


_is_mediator_of, _mediator_clause = by_columns(MediationCase, "mediator_id", "second_mediator_id")


def _type_clause(value: str):
    table = MediationCase.__table__
    return ServiceRequest.id.in_(select(table.c.id).where(table.c.dispute_type == value))


MEDIATION = RequestKind(
    ratable_states=frozenset({S.CLOSED, S.DECLINED, S.NOT_AGREED}),
    code="MD",
    slug="mediation",
    label=_l("People's mediation"),
    model=MediationCase,
    workflow=WORKFLOW,
    staff_roles=COORDINATORS,
    detail_template="mediation/_detail.html",
    public_template="mediation/_public.html",
    party_template="mediation/_party.html",
    participant_role=MEDIATOR,
    is_participant=_is_mediator_of,
    participant_clause=_mediator_clause,
    extra_filters=(
        QueueFilter(
            "dispute", _l("Dispute"), lambda: [(k, str(v)) for k, v in DISPUTE_TYPES.items()], _type_clause
        ),
        *REPORT_FILTERS,
    ),
    queue_flags=risk_flags,
    event_labels=EVENT_LABELS,
    export_columns=(
        (_l("Dispute"), lambda c: str(DISPUTE_TYPES.get(getattr(c, "dispute_type", ""), ""))),
        (_l("Committee"), lambda c: c.committee.name if getattr(c, "committee", None) else ""),
        (_l("Mediator"), lambda c: c.mediator.display_name if getattr(c, "mediator", None) else ""),
    ),
    quick_exit=True,  # family disputes: someone may be watching the screen
    make_sample=sample_case,
    duplicate_key=("dispute_type", "applicant_name", "applicant_mobile"),
    sample_work=samples.sample_work,
)
