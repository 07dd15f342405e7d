"""Legal aid: what each transition does to the application (deadlines, dates, decisions,
numbers of its documents) and the words of its notice."""

from datetime import timedelta

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import User
from portal.core import attachments
from portal.core.clock import local_midnight, to_local
from portal.core.deadlines import period
from portal.core.services import EVENT_COMMENT
from portal.core.workflow import GuardFailed
from portal.extensions import db
from portal.legal_aid import numbering
from portal.legal_aid.assignment import refusal_for
from portal.legal_aid.form_fields import MATERIAL_ITEMS
from portal.legal_aid.guards import clock_started, days_used
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.objection_decision import record_outcome
from portal.legal_aid.objections import (
    restore_after_termination,
)
from portal.legal_aid.services import DECEPTION_GROUNDS, TERMINATION_GROUNDS, record_against_person
from portal.legal_aid.states import LegalAidState as S
from portal.legal_aid.telling import tell_lawyer_report_returned


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


def on_request_materials(application: LegalAidApplication, data, now) -> dict:
    items = [MATERIAL_ITEMS[i] for i in data.get("items") or []]
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
    numbering.issue(application, numbering.APPROVAL, now)
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
    application.refusal_ground = data.get("ground") or None
    numbering.issue(application, numbering.REFUSAL, now)
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
    numbering.issue(application, numbering.TERMINATION, now)
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


def _review(application: LegalAidApplication, data, outcome: str, now) -> dict:
    application.objection_outcome = outcome
    application.objection_review = (data.get("reasons") or "").strip()
    application.objection_due_at = None
    application.set_due(None)
    record_outcome(application, outcome, now)  # kept as history, with its 文号
    return {"reasons": _sentence(application.objection_review, application.locale)}


def on_uphold(application: LegalAidApplication, data, now) -> dict:
    return _review(application, data, "upheld", now)


def on_correct_refusal(application: LegalAidApplication, data, now) -> dict:
    variables = _review(application, data, "corrected", now)
    application.refused_at = None  # revoked: the centre decides again
    return variables | _decision_due(application, now)


def on_correct_termination(application: LegalAidApplication, data, now) -> dict:
    variables = _review(application, data, "corrected", now)
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
    numbering.issue(application, numbering.LETTER, now)  # a new 公函 for each assignment
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


def on_stop(application: LegalAidApplication, data, now) -> dict:
    application.set_due(None)
    application.materials_due_at = None
    return {}
