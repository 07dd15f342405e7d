"""The legal aid status machine (SPEC §3) and its consequences, declared once."""

from datetime import timedelta

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core import attachments
from portal.core.clock import local_date, local_midnight, local_today, to_local
from portal.core.deadlines import WorkCalendar, due_after, period
from portal.core.merging import MERGE, merge_transition, merged_state, on_merge
from portal.core.models import AuditEvent, ServiceRequest
from portal.core.registry import RequestKind
from portal.core.safe_contact import silence_may_count
from portal.core.services import EVENT_COMMENT
from portal.core.workflow import APPLICANT, SYSTEM, GuardFailed, State, Transition, Workflow
from portal.extensions import db
from portal.legal_aid import forms, samples
from portal.legal_aid.assignment import refusal_for
from portal.legal_aid.demo import sample_application
from portal.legal_aid.figures import REPORT_FILTERS
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.objections import (
    already_objected,
    not_terminated_from,
    restore_after_termination,
    reviewer_is_decider,
)
from portal.legal_aid.roles import OFFICER, REVIEWER
from portal.legal_aid.scopes import REVIEWER_SCOPE
from portal.legal_aid.services import DECEPTION_GROUNDS, TERMINATION_GROUNDS, record_against_person
from portal.legal_aid.states import LegalAidState as S
from portal.legal_aid.telling import tell_lawyer_report_returned

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

TRANSITIONS = (
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


def _days(name: str) -> int:
    return current_app.config[name]


def _set_deadline(application: LegalAidApplication, start, days: int):
    """Make `days` from `start` the current deadline, counted the bureau's way; for a person
    in custody never extended by holidays (刑事诉讼法 Art. 105, see deadlines.period)."""
    return application.set_deadline(
        period(start, days, current_app.config["LEGAL_AID_DAYS_KIND"], custody=application.in_custody)
    )


def _decision_due(application: LegalAidApplication, start) -> dict:
    due = _set_deadline(application, start, _days("LEGAL_AID_DECISION_DAYS"))
    application.decision_due_at = due
    return {"decision_due": to_local(due).date()}


def on_submit(application: LegalAidApplication, data, now) -> dict:
    application.priority = 0 if application.urgent else 1
    # Art. 43: seven days from the day the centre received the application; a forwarded
    # one (Art. 39) was received on the day it arrived from the institution.
    received = application.notice_received_on
    return _decision_due(application, local_midnight(received) if received else now)


def _second_materials_request(application: LegalAidApplication):
    if application.materials_requested_at is not None:
        return _l(
            "The materials request was sent on %(day)s. The law asks for everything missing at one time, so a second request is not possible.",
            day=local_date(application.materials_requested_at, "long"),
        )
    return None


def _early_aid_running(application: LegalAidApplication):
    if application.early_aid_at is not None and application.early_aid_ended_at is None:
        return _l("Early aid has already started on this application.")
    return None


def _objection_too_late(application: LegalAidApplication, now):
    days = current_app.config.get("LEGAL_AID_OBJECTION_FILING_DAYS")
    decided = application.terminated_at or application.refused_at
    if days is None or decided is None:
        return None
    if now > due_after(decided, days, current_app.config["LEGAL_AID_DAYS_KIND"]):
        return _l("The time for objecting to this decision (%(days)s days) has passed.", days=days)
    return None


def _change_pending(application: LegalAidApplication):
    if application.change_requested_at is not None:
        return _l("Your request for another person is already with the legal aid centre.")
    return None


def _no_change_asked(application: LegalAidApplication):
    if application.change_requested_at is None:
        return _l("The recipient has not asked for another person.")
    return None


def _objection_is_about(application: LegalAidApplication, decision: str):
    if application.objection_to != decision:
        return _l("This objection is about another decision.")
    return None


def clock_started(application: LegalAidApplication):
    """The day the 7-day decision clock started: the day the centre received the
    application, or the bureau's order to decide again (Art. 49)."""
    corrected = db.session.scalar(
        select(AuditEvent.created_at)
        .where(AuditEvent.request_id == application.id, AuditEvent.action == "correct_refusal")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if corrected is not None:
        return local_today(corrected)
    return application.notice_received_on or local_today(application.created_at)


def days_used(start, now) -> int:
    """Whole days from `start` (a date) to today, counted as the deadline is (calendar or working)."""
    today = local_today(now)
    if today <= start:
        return 0
    if current_app.config["LEGAL_AID_DAYS_KIND"] == "working":
        calendar = WorkCalendar.load(start, today)
        return sum(
            1
            for n in range(1, (today - start).days + 1)
            if calendar.is_working_day(start + timedelta(days=n))
        )
    return (today - start).days


def on_request_materials(application: LegalAidApplication, data, now) -> dict:
    items = [forms.MATERIAL_ITEMS[i] for i in data.get("items") or []]
    if other := (data.get("other_items") or "").strip():
        items.append(other)
    # Stored in the applicant's language: the checklist is their to-do list.
    with force_locale(application.locale):
        application.materials_checklist = "\n".join(str(i) for i in items)
    application.materials_requested_at = now
    application.materials_due_at = now + timedelta(days=_days("LEGAL_AID_MATERIALS_ANSWER_DAYS"))
    # Art. 43: the waiting time does not count. The clock stops and keeps 7 minus the days
    # used since it started, in the setting's unit; a holiday shift of the old due date is
    # not banked (it applies once, to the final date, when the clock resumes).
    left = max(_days("LEGAL_AID_DECISION_DAYS") - days_used(clock_started(application), now), 0)
    application.decision_days_left = left
    application.decision_due_at = None
    application.set_due(None)
    return {
        "items": items,
        "answer_due": to_local(application.materials_due_at).date(),
        "days_left": left,
    }


def _resume_decision_clock(application: LegalAidApplication, now) -> dict:
    application.materials_due_at = None
    left = application.decision_days_left
    application.decision_days_left = None
    due = _set_deadline(application, now, _days("LEGAL_AID_DECISION_DAYS") if left is None else left)
    application.decision_due_at = due
    return {"decision_due": to_local(due).date()}


def on_answer_materials(application: LegalAidApplication, data, now) -> dict:
    application.materials_answer = data.get("comment") or None
    application.materials_received_via = "applicant"
    attachments.claim_all(application, data.get("attachments") or [], purpose="materials")
    # Art. 43: the clock resumes with the days that were left.
    return _resume_decision_clock(application, now)


def on_record_materials(application: LegalAidApplication, data, now) -> dict:
    application.materials_answer = data.get("comment") or None
    application.materials_received_via = "counter"
    attachments.claim_all(application, data.get("attachments") or [], purpose="materials")
    return _resume_decision_clock(application, now)


def on_early_aid(application: LegalAidApplication, data, now) -> dict:
    # The form requires the lawyer and the ground; a service call may leave the lawyer for later.
    lawyer = _lawyer(application, data["lawyer"]) if data.get("lawyer") else None
    application.lawyer_id = lawyer.id if lawyer else None
    application.early_aid_ground = data.get("ground") or None
    application.early_aid_until = data.get("expires_on")
    application.early_aid_at = now
    application.early_aid_ended_at = None
    name = lawyer.display_name if lawyer else "—"
    return {
        "lawyer": name,
        "decision_due": to_local(application.decision_due_at).date() if application.decision_due_at else "—",
        EVENT_COMMENT: name,
    }


def on_approve(application: LegalAidApplication, data, now) -> dict:
    application.decided_at = application.approved_at = now
    application.approval_note = (data.get("comment") or "").strip() or None
    application.refused_at = None
    due = _set_deadline(application, now, _days("LEGAL_AID_ASSIGN_DAYS"))
    application.assign_due_at = due
    return {"assign_due": to_local(due).date()}


def on_register_notice(application: LegalAidApplication, data, now) -> dict:
    received = local_midnight(application.notice_received_on) if application.notice_received_on else now
    application.decided_at = now  # no decision document: the authority's notice stands for it
    due = _set_deadline(application, received, _days("LEGAL_AID_ASSIGN_DAYS"))
    application.assign_due_at = due
    return {"assign_due": to_local(due).date()}


def _sentence(text: str, locale: str) -> str:
    text = text.strip()
    if not text.endswith(("。", ".", "！", "!")):
        text += "。" if locale.startswith("zh") else "."
    return text


def on_report_ground(application: LegalAidApplication, data, now) -> dict:
    ground = TERMINATION_GROUNDS.get(data.get("ground") or "", data.get("ground") or "")
    return {EVENT_COMMENT: f"{ground}: {(data.get('reasons') or '').strip()}"}


def _corrected_refusal(application: LegalAidApplication) -> bool:
    return application.objection_to == S.REFUSED and application.objection_outcome == "corrected"


def on_refuse(application: LegalAidApplication, data, now) -> dict:
    previous = (application.refusal_reasons or "").strip()
    again = _corrected_refusal(application)
    if again and data["reasons"].strip() == previous:
        raise GuardFailed(
            _l("The bureau ordered this refusal corrected: refusing again needs new reasons (Art. 49).")
        )
    application.decided_at = application.refused_at = now
    application.approved_at = None
    application.refusal_reasons = data["reasons"].strip()
    application.set_due(None)
    reasons = _sentence(application.refusal_reasons, application.locale)
    flagged = {}
    if again:  # the bureau sees it: refused again after its order to correct
        with force_locale(application.locale):
            flagged = {
                EVENT_COMMENT: str(_l("Refused again after the bureau's order to correct."))
                + " "
                + application.refusal_reasons
            }
    if application.early_aid_at is not None and application.early_aid_ended_at is None:
        # Art. 44: a refusal ends the aid given before the decision.
        application.early_aid_ended_at = now
        application.lawyer_id = None
        with force_locale(application.locale):
            reasons += " " + str(_l("The early aid given before this decision ends now."))
    return {"reasons": reasons, "objection_days": _days("LEGAL_AID_OBJECTION_DAYS"), **flagged}


def on_terminate(application: LegalAidApplication, data, now) -> dict:
    # The form requires both (a termination gives its ground and reasons in writing).
    ground = data.get("ground") or "other_by_law"
    application.termination_ground = ground
    application.termination_reasons = (data.get("reasons") or "").strip()
    application.terminated_at = now
    application.set_due(None)
    if ground in DECEPTION_GROUNDS:
        # Arts. 41, 48(一)-(二): recorded against the person aided.
        actor = current_user if has_request_context() and current_user.is_authenticated else None
        record_against_person(application, ground, user=actor)
    return {
        "ground": TERMINATION_GROUNDS[ground],
        "reasons": _sentence(application.termination_reasons, application.locale),
        "objection_days": _days("LEGAL_AID_OBJECTION_DAYS"),
        EVENT_COMMENT: application.termination_reasons or None,
    }


def on_object(application: LegalAidApplication, data, now) -> dict:
    application.objection_to = S.TERMINATED if application.terminated_at else S.REFUSED
    application.objection_reasons = (data.get("comment") or "").strip()
    application.objection_filed_at = now
    application.objection_outcome = application.objection_review = None
    attachments.claim_all(application, data.get("attachments") or [], purpose="objection")
    due = _set_deadline(application, now, _days("LEGAL_AID_OBJECTION_DAYS"))
    application.objection_due_at = due
    return {"objection_due": to_local(due).date()}


def _review(application: LegalAidApplication, data, outcome: str) -> dict:
    application.objection_outcome = outcome
    application.objection_review = (data.get("reasons") or "").strip()
    application.objection_due_at = None
    application.set_due(None)
    return {"reasons": _sentence(application.objection_review, application.locale)}


def on_uphold(application: LegalAidApplication, data, now) -> dict:
    return _review(application, data, "upheld")


def on_correct_refusal(application: LegalAidApplication, data, now) -> dict:
    variables = _review(application, data, "corrected")
    application.refused_at = None  # revoked: the centre decides again
    return variables | _decision_due(application, now)


def on_correct_termination(application: LegalAidApplication, data, now) -> dict:
    variables = _review(application, data, "corrected")
    application.terminated_at = None  # revoked: the aid continues, in the state it was in
    restored = restore_after_termination(application, now)
    if restored["withdrawn"]:
        variables[EVENT_COMMENT] = f"{application.objection_review} {restored['withdrawn']}".strip()
    if application.assign_due_at is not None and application.status == S.APPROVED:
        variables["assign_due"] = to_local(application.assign_due_at).date()
    return variables


def on_assign_lawyer(application: LegalAidApplication, data, now) -> dict:
    lawyer = _lawyer(application, data["lawyer"])
    application.lawyer_id = lawyer.id
    application.assigned_at = now
    application.change_reasons = application.change_requested_at = None
    application.set_due(None)
    return {"lawyer": lawyer.display_name, EVENT_COMMENT: lawyer.display_name}


def _lawyer(application: LegalAidApplication, user_id: int) -> User:
    """The person to assign, when the law lets them take this case (Arts. 12, 26)."""
    if reason := refusal_for(application, user_id):
        raise GuardFailed(reason)
    return db.session.get(User, user_id)


def on_ask_change(application: LegalAidApplication, data, now) -> dict:
    application.change_reasons = (data.get("comment") or "").strip()
    application.change_requested_at = now
    return {EVENT_COMMENT: application.change_reasons}


def on_refuse_change(application: LegalAidApplication, data, now) -> dict:
    application.change_reasons = application.change_requested_at = None
    reasons = data["reasons"].strip()
    return {"reasons": _sentence(reasons, application.locale), EVENT_COMMENT: reasons}


def on_submit_closing(application: LegalAidApplication, data, now) -> dict:
    application.closing_outcome = data["outcome"]
    application.case_ended_on = data["ended_on"]
    application.closing_summary = (data.get("summary") or "").strip()
    application.closing_submitted_at = now
    application.closing_returned_reason = None
    attachments.claim_all(application, data.get("attachments") or [], purpose="closing")
    # The officer reviews the report within the assignment days (a deadline in the queue).
    _set_deadline(application, now, _days("LEGAL_AID_ASSIGN_DAYS"))
    return {EVENT_COMMENT: application.closing_summary}


def on_return_closing(application: LegalAidApplication, data, now) -> dict:
    application.closing_returned_reason = data["reasons"].strip()
    application.set_due(None)
    tell_lawyer_report_returned(application)
    return {EVENT_COMMENT: application.closing_returned_reason}


def on_close(application: LegalAidApplication, data, now) -> dict:
    application.set_due(None)
    return {}


def on_stop(application: LegalAidApplication, data, now) -> dict:
    application.set_due(None)
    application.materials_due_at = None
    return {}


WORKFLOW = Workflow(
    states=STATES,
    transitions=TRANSITIONS,
    initial=S.SUBMITTED,
    main_path=(S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.ASSIGNED, S.CLOSED),
    on_claim="start_review",
    submitted_notice=_l(
        "We received your legal aid application %(reference)s. A decision is due by %(decision_due)s."
    ),
    effects={
        "submit": on_submit,
        "request_materials": on_request_materials,
        "answer_materials": on_answer_materials,
        "record_materials": on_record_materials,
        "early_aid": on_early_aid,
        "early_aid_waiting": on_early_aid,
        "approve": on_approve,
        "refuse": on_refuse,
        "terminate": on_terminate,
        "object": on_object,
        "uphold_refusal": on_uphold,
        "uphold_termination": on_uphold,
        "correct_refusal": on_correct_refusal,
        "correct_termination": on_correct_termination,
        "correct_termination_approved": on_correct_termination,
        "register_notice": on_register_notice,
        "assign_lawyer": on_assign_lawyer,
        "change_lawyer": on_assign_lawyer,
        "ask_change": on_ask_change,
        "refuse_change": on_refuse_change,
        "report_ground": on_report_ground,
        "submit_closing": on_submit_closing,
        "return_closing": on_return_closing,
        "close": on_close,
        "withdraw": on_stop,
        MERGE: lambda application, data, now: {  # the other request checked first
            **on_merge(application, data, now),
            **on_stop(application, data, now),
        },
        "expire": on_stop,
    },
)


def _is_lawyer_of(application, user) -> bool:
    return getattr(application, "lawyer_id", None) == user.id


def _lawyer_clause(user):
    # Uses the subtype table alone: the queue query itself reads only service_request.
    table = LegalAidApplication.__table__
    return ServiceRequest.id.in_(select(table.c.id).where(table.c.lawyer_id == user.id))


LEGAL_AID = RequestKind(
    ratable_states=frozenset({S.CLOSED, S.REFUSED, S.TERMINATED}),
    code="LA",
    slug="legal-aid",
    label=_l("Legal aid"),
    model=LegalAidApplication,
    workflow=WORKFLOW,
    # Officers decide; the bureau's reviewers work the objections (status filter, 5-day due).
    staff_roles=OFFICERS | REVIEWERS,
    detail_template="legal_aid/_detail.html",
    public_template="legal_aid/_public.html",
    participant_role=Role.LAWYER,
    is_participant=_is_lawyer_of,
    participant_clause=_lawyer_clause,
    quick_exit=True,  # a person may be applying about violence at home
    make_sample=sample_application,
    # The bureau's reviewer sees objections under review and the cases they decided.
    role_scopes={REVIEWER: REVIEWER_SCOPE},
    sample_work=samples.sample_work,
    extra_filters=REPORT_FILTERS,
    duplicate_key=("id_number", "matter_type"),  # one person, one matter: the mobile may be shared
)
