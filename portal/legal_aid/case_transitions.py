"""Legal aid's transitions once aid is granted (SPEC §3): the lawyer, the closing report,
withdrawal and expiry."""

from flask_babel import lazy_gettext as _l

from portal.core.safe_contact import silence_may_count
from portal.core.workflow import APPLICANT, SYSTEM, Transition
from portal.legal_aid import action_forms as forms
from portal.legal_aid.closing import CloseForm
from portal.legal_aid.guards import (
    _change_pending,
    _no_change_asked,
)
from portal.legal_aid.states import LegalAidState as S
from portal.legal_aid.transitions import OFFICERS, REVIEWABLE

#: The case once aid is granted: the lawyer, the closing report, withdrawal and expiry.
CASE = (
    Transition(
        # A registered notice (通知辩护, Art. 36) enters approved: no means test; the 3-day
        # assignment clock runs from the day the notice was received. A forwarded
        # application (Art. 39) is reviewed like any other.
        "register_notice",
        frozenset({S.SUBMITTED}),
        S.APPROVED,
        _l("Notice registered"),
        actor=SYSTEM,
        notice=_l(
            "The legal aid centre registered the notice on %(reference)s. A lawyer will be assigned by %(assign_due)s."
        ),
    ),
    Transition(
        "assign_lawyer",
        frozenset({S.APPROVED}),
        S.ASSIGNED,
        _l("Assign a lawyer"),
        roles=OFFICERS,
        form=forms.AssignLawyerForm,
        notice=_l(
            "%(lawyer)s now handles your case %(reference)s and will contact you. The assignment letter is on the tracking page."
        ),
        party_notice=_l(
            "Legal aid case %(reference)s: the legal aid centre assigned %(lawyer)s. The assignment letter (法律援助公函) follows."
        ),
    ),
    Transition(
        "change_lawyer",
        frozenset({S.ASSIGNED}),
        S.ASSIGNED,
        _l("Change the lawyer"),
        roles=OFFICERS,
        form=forms.AssignLawyerForm,
        notice=_l(
            "%(lawyer)s now handles your case %(reference)s and will contact you. The assignment letter is on the tracking page."
        ),
        party_notice=_l(
            "Legal aid case %(reference)s: the legal aid centre assigned %(lawyer)s. The assignment letter (法律援助公函) follows."
        ),
    ),
    Transition(
        "ask_change",
        frozenset({S.ASSIGNED}),
        S.ASSIGNED,
        _l("Ask for another lawyer"),
        actor=APPLICANT,
        form=forms.ChangeRequestForm,
        guard=lambda application, now: _change_pending(application),
        notice=_l(
            "We received your request for another person on %(reference)s. The legal aid centre decides on it."
        ),
    ),
    Transition(
        "refuse_change",
        frozenset({S.ASSIGNED}),
        S.ASSIGNED,
        _l("Keep the assigned person"),
        roles=OFFICERS,
        form=forms.ChangeRefusalForm,
        style="danger",
        guard=lambda application, now: _no_change_asked(application),
        notice=_l("Your request for another person on %(reference)s is not granted. Reasons: %(reasons)s"),
    ),
    Transition(
        # Art. 48, second paragraph: the assigned person tells the centre of a ground for
        # termination; the officer decides (staff only: the recipient is not told).
        "report_ground",
        frozenset({S.ASSIGNED}),
        S.ASSIGNED,
        _l("Report a ground for termination (Art. 48)"),
        roles=frozenset(),
        participant_may=True,
        form=forms.GroundReportForm,
        public=False,
    ),
    Transition(
        "submit_closing",
        frozenset({S.ASSIGNED}),
        S.CLOSING,
        _l("Submit the closing report"),
        roles=OFFICERS,
        participant_may=True,
        form=forms.ClosingReportForm,
        notice=_l(
            "Your lawyer has finished case %(reference)s. The legal aid centre reviews the closing report."
        ),
    ),
    Transition(
        "return_closing",
        frozenset({S.CLOSING}),
        S.ASSIGNED,
        _l("Send the closing report back"),
        roles=OFFICERS,
        form=forms.ClosingReturnForm,
        style="danger",
        public=False,
    ),
    Transition(
        "close",
        frozenset({S.CLOSING}),
        S.CLOSED,
        _l("Close the case"),
        roles=OFFICERS,
        form=CloseForm,
        notice=_l("Your legal aid case %(reference)s is closed."),
    ),
    Transition(
        "withdraw",
        REVIEWABLE,
        S.WITHDRAWN,
        _l("Withdraw my application"),
        actor=APPLICANT,
        style="danger",
        notice=_l("You withdrew application %(reference)s."),
        confirm_question=_l("Withdraw your legal aid application?"),
        confirm_hint=_l(
            "The centre stops reviewing it and you cannot take this back. You may apply again later."
        ),
        done_message=_l("Your application has been withdrawn."),
    ),
    Transition(
        "expire",
        frozenset({S.NEEDS_MATERIALS}),
        S.WITHDRAWN,
        _l("Withdraw: materials not provided"),
        actor=SYSTEM,
        # Silence counts only when the request was heard: a safe-contact applicant gets
        # no text, so staff must have recorded the call or counter visit (core.safe_contact).
        guard=lambda application, now: silence_may_count(application, application.materials_requested_at),
        notice=_l(
            "Application %(reference)s is treated as withdrawn: the requested materials did not arrive in time. You may apply again."
        ),
    ),
)
