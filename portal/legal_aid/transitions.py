"""Legal aid's states and transitions (SPEC §3) up to the decision and its objection (Art. 49);
the case once aid is granted is in portal.legal_aid.case_transitions."""

from flask_babel import lazy_gettext as _l

from portal.core.merging import merge_transition, merged_state
from portal.core.workflow import APPLICANT, State, Transition
from portal.legal_aid import action_forms as forms
from portal.legal_aid.guards import (
    _early_aid_running,
    _objection_is_about,
    _objection_too_late,
    _second_materials_request,
)
from portal.legal_aid.objections import (
    already_objected,
    not_terminated_from,
    reviewer_is_decider,
)
from portal.legal_aid.roles import OFFICER, REVIEWER
from portal.legal_aid.states import LegalAidState as S

OFFICERS = frozenset({OFFICER})
REVIEWERS = frozenset({REVIEWER})
REVIEWABLE = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_MATERIALS})

STATES = (
    State(S.SUBMITTED, _l("Submitted"), public_hint=_l("Received. An officer will review it.")),
    State(S.UNDER_REVIEW, _l("Under review"), public_hint=_l("An officer is reviewing the application.")),
    State(
        S.NEEDS_MATERIALS,
        _l("Materials requested"),
        public_hint=_l("The officer needs more materials: see the list and answer below."),
    ),
    State(S.APPROVED, _l("Approved"), public_hint=_l("Legal aid is granted; a lawyer is being assigned.")),
    State(S.ASSIGNED, _l("Lawyer assigned"), public_hint=_l("Your lawyer handles the case.")),
    State(
        S.CLOSING,
        _l("Closing report under review"),
        public_hint=_l(
            "Your lawyer has reported the case finished; the centre is reviewing the closing report."
        ),
    ),
    State(S.CLOSED, _l("Closed"), is_open=False),
    State(
        S.REFUSED,
        _l("Refused"),
        is_open=False,
        public_hint=_l("Legal aid is not granted. You may object to the county justice bureau (Art. 49)."),
    ),
    State(S.WITHDRAWN, _l("Withdrawn"), is_open=False),
    merged_state(),
    State(
        S.TERMINATED,
        _l("Legal aid terminated"),
        is_open=False,
        public_hint=_l("Legal aid has ended. You may object to the county justice bureau (Art. 49)."),
    ),
    State(
        S.OBJECTION,
        _l("Objection under review"),
        public_hint=_l("The county justice bureau is reviewing your objection."),
    ),
)

#: Receiving, asking for materials, early aid, and the decision.
DECIDING = (
    merge_transition(REVIEWABLE, OFFICERS),
    Transition(
        "start_review",
        frozenset({S.SUBMITTED}),
        S.UNDER_REVIEW,
        _l("Start review"),
        roles=OFFICERS,
        notice=_l("Your legal aid application %(reference)s is now being reviewed."),
    ),
    Transition(
        "request_materials",
        frozenset({S.UNDER_REVIEW}),
        S.NEEDS_MATERIALS,
        _l("Ask for materials"),
        roles=OFFICERS,
        form=forms.MaterialsRequestForm,
        guard=lambda application, now: _second_materials_request(application),
        staff_hint=_l(
            "The law allows one materials request per application (Art. 43): list everything missing now. A second request is not possible."
        ),
        preview=True,
        notice=_l(
            "To decide on application %(reference)s we need, all at once: %(items)s. Please upload them on the tracking page or hand them in at the counter by %(answer_due)s. If nothing arrives by then, the application is treated as withdrawn. The %(days_left)s days left for our decision do not run while we wait."
        ),
    ),
    Transition(
        "answer_materials",
        frozenset({S.NEEDS_MATERIALS}),
        S.UNDER_REVIEW,
        _l("Send the materials"),
        actor=APPLICANT,
        form=forms.MaterialsAnswerForm,
        done_message=_l("Thank you: your materials have been sent. The review goes on."),
        notice=_l("We received your materials for %(reference)s. A decision is due by %(decision_due)s."),
    ),
    Transition(
        "record_materials",
        frozenset({S.NEEDS_MATERIALS}),
        S.UNDER_REVIEW,
        _l("Record materials handed in at the counter"),
        roles=OFFICERS,
        form=forms.CounterMaterialsForm,
        notice=_l(
            "We received your materials for %(reference)s at the counter. A decision is due by %(decision_due)s."
        ),
    ),
    Transition(
        "early_aid",
        frozenset({S.UNDER_REVIEW}),
        S.UNDER_REVIEW,
        _l("Start early aid (Art. 44)"),
        roles=OFFICERS,
        form=forms.EarlyAidForm,
        guard=lambda application, now: _early_aid_running(application),
        notice=_l(
            "Because the matter of %(reference)s is urgent, lawyer %(lawyer)s starts helping you before the decision on your application (Legal Aid Law, Art. 44). The decision follows by %(decision_due)s."
        ),
    ),
    Transition(
        # Art. 44 while the materials are awaited: the urgency does not wait for them.
        "early_aid_waiting",
        frozenset({S.NEEDS_MATERIALS}),
        S.NEEDS_MATERIALS,
        _l("Start early aid (Art. 44)"),
        roles=OFFICERS,
        form=forms.EarlyAidForm,
        guard=lambda application, now: _early_aid_running(application),
        notice=_l(
            "Because the matter of %(reference)s is urgent, lawyer %(lawyer)s starts helping you before the decision on your application (Legal Aid Law, Art. 44). The decision follows once the requested materials arrive."
        ),
    ),
    Transition(
        "approve",
        frozenset({S.UNDER_REVIEW}),
        S.APPROVED,
        _l("Approve"),
        roles=OFFICERS,
        form=forms.DecisionForm,
        notice=_l(
            "Legal aid is granted for %(reference)s. A lawyer will be assigned by %(assign_due)s and will contact you."
        ),
    ),
    Transition(
        "refuse",
        frozenset({S.UNDER_REVIEW}),
        S.REFUSED,
        _l("Refuse"),
        roles=OFFICERS,
        form=forms.RefusalForm,
        style="danger",
        notice=_l(
            "Legal aid is not granted for %(reference)s. Reasons: %(reasons)s If you disagree, you may object to the county justice bureau, which decides within %(objection_days)s days of receiving your objection (Legal Aid Law, Art. 49)."
        ),
    ),
    Transition(
        "terminate",
        frozenset({S.APPROVED, S.ASSIGNED}),
        S.TERMINATED,
        _l("Terminate legal aid (Art. 48)"),
        roles=OFFICERS,
        form=forms.TerminationForm,
        style="danger",
        notice=_l(
            "Legal aid for %(reference)s is terminated: %(ground)s. Reasons: %(reasons)s If you disagree, you may object to the county justice bureau, which decides within %(objection_days)s days of receiving your objection (Legal Aid Law, Art. 49). The decision is on the tracking page."
        ),
    ),
)

#: The objection to a refusal or termination, decided by the bureau (Art. 49).
OBJECTING = (
    Transition(
        "object",
        frozenset({S.REFUSED, S.TERMINATED}),
        S.OBJECTION,
        _l("Object to the decision (Art. 49)"),
        actor=APPLICANT,
        form=forms.ObjectionForm,
        guard=lambda application, now: already_objected(application) or _objection_too_late(application, now),
        done_message=_l("Your objection has been sent to the county justice bureau."),
        notice=_l(
            "We received your objection on %(reference)s. The county justice bureau decides on it by %(objection_due)s."
        ),
    ),
    Transition(
        "uphold_refusal",
        frozenset({S.OBJECTION}),
        S.REFUSED,
        _l("Uphold the refusal"),
        roles=REVIEWERS,
        handler_only=False,
        form=forms.ReviewForm,
        guard=lambda application, now: (
            _objection_is_about(application, S.REFUSED) or reviewer_is_decider(application)
        ),
        notice=_l(
            "The county justice bureau upheld the refusal of legal aid for %(reference)s. Reasons: %(reasons)s If you disagree, you may apply for administrative reconsideration or bring an administrative lawsuit according to law."
        ),
    ),
    Transition(
        "correct_refusal",
        frozenset({S.OBJECTION}),
        S.UNDER_REVIEW,
        _l("Order the centre to correct the refusal"),
        roles=REVIEWERS,
        handler_only=False,
        form=forms.ReviewForm,
        guard=lambda application, now: (
            _objection_is_about(application, S.REFUSED) or reviewer_is_decider(application)
        ),
        notice=_l(
            "The county justice bureau found your objection on %(reference)s justified and ordered the legal aid centre to correct its decision. Reasons: %(reasons)s The centre decides again by %(decision_due)s."
        ),
    ),
    Transition(
        "uphold_termination",
        frozenset({S.OBJECTION}),
        S.TERMINATED,
        _l("Uphold the termination"),
        roles=REVIEWERS,
        handler_only=False,
        form=forms.ReviewForm,
        guard=lambda application, now: (
            _objection_is_about(application, S.TERMINATED) or reviewer_is_decider(application)
        ),
        notice=_l(
            "The county justice bureau upheld the termination of legal aid for %(reference)s. Reasons: %(reasons)s If you disagree, you may apply for administrative reconsideration or bring an administrative lawsuit according to law."
        ),
    ),
    Transition(
        "correct_termination",
        frozenset({S.OBJECTION}),
        S.ASSIGNED,
        _l("Order the centre to correct the termination"),
        roles=REVIEWERS,
        handler_only=False,
        form=forms.ReviewForm,
        guard=lambda application, now: (
            _objection_is_about(application, S.TERMINATED)
            or not_terminated_from(application, S.ASSIGNED)
            or reviewer_is_decider(application)
        ),
        notice=_l(
            "The county justice bureau found your objection on %(reference)s justified and ordered the legal aid centre to correct its decision: legal aid continues. Reasons: %(reasons)s"
        ),
    ),
    Transition(
        # A case terminated before a lawyer was assigned goes back to approved, with its
        # 3-day assignment clock (not to "assigned" with nobody).
        "correct_termination_approved",
        frozenset({S.OBJECTION}),
        S.APPROVED,
        _l("Order the centre to correct the termination"),
        roles=REVIEWERS,
        handler_only=False,
        form=forms.ReviewForm,
        guard=lambda application, now: (
            _objection_is_about(application, S.TERMINATED)
            or not_terminated_from(application, S.APPROVED)
            or reviewer_is_decider(application)
        ),
        notice=_l(
            "The county justice bureau found your objection on %(reference)s justified and ordered the legal aid centre to correct its decision: legal aid continues and a lawyer will be assigned by %(assign_due)s. Reasons: %(reasons)s"
        ),
    ),
)
