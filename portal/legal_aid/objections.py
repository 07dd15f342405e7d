"""Art. 49 objections: one per decision, decided by someone other than the decider; a
corrected termination restores the state the case was terminated in and withdraws a
deception mark. Read from the audit trail, so nothing is stored twice."""

from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, select

from portal.core.deadlines import due_after
from portal.core.models import AuditEvent
from portal.extensions import db
from portal.legal_aid.models import DeceptionRecord, LegalAidApplication
from portal.legal_aid.states import LegalAidState as S

#: The decision an objection is about -> the action that made it.
DECIDING_ACTIONS = {S.REFUSED: "refuse", S.TERMINATED: "terminate"}


def _last_event(application: LegalAidApplication, action: str):
    return db.session.execute(
        select(AuditEvent.actor_id, AuditEvent.from_status)
        .where(AuditEvent.request_id == application.id, AuditEvent.action == action)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()


def already_objected(application: LegalAidApplication):
    """Art. 49 gives one objection per decision: once filed against the decision in force,
    the next remedy is administrative reconsideration or a lawsuit."""
    decided = application.terminated_at or application.refused_at
    filed = application.objection_filed_at
    if decided is not None and filed is not None and filed >= decided:
        return _l(
            "An objection to this decision has already been filed (Legal Aid Law, Art. 49). If you disagree with the bureau's decision on it, you may apply for administrative reconsideration or bring an administrative lawsuit."
        )
    return None


def reviewer_is_decider(application: LegalAidApplication):
    """The person who refused or terminated does not decide on the objection to it."""
    if not (has_request_context() and current_user.is_authenticated):
        return None
    action = DECIDING_ACTIONS.get(application.objection_to or "")
    event = _last_event(application, action) if action else None
    if event is not None and event.actor_id == current_user.id:
        return _l(
            "You made the decision this objection is about: another reviewer of the bureau decides on it (Legal Aid Law, Art. 49)."
        )
    return None


def terminated_from(application: LegalAidApplication) -> str:
    """The state the case was in when it was terminated (approved or assigned)."""
    event = _last_event(application, "terminate")
    if event is not None and event.from_status:
        return event.from_status
    return S.ASSIGNED if application.lawyer_id else S.APPROVED  # no trail: what the case shows


def not_terminated_from(application: LegalAidApplication, state: str):
    if terminated_from(application) != state:
        return _l("The case was terminated in another state: use the other correction.")
    return None


def restore_after_termination(application: LegalAidApplication, now) -> dict:
    """The terminated state's clock again (a case not yet assigned has 3 days for it), and
    a deception mark of this termination withdrawn (Arts. 41, 48(一)-(二))."""
    comment = None
    if application.status == S.APPROVED:
        due = due_after(
            now, current_app.config["LEGAL_AID_ASSIGN_DAYS"], current_app.config["LEGAL_AID_DAYS_KIND"]
        )
        application.assign_due_at = due
        application.set_due(due)
    withdrawn = db.session.execute(
        delete(DeceptionRecord).where(DeceptionRecord.application_id == application.id)
    ).rowcount
    if withdrawn:
        comment = str(_l("The record of deception or concealment made by this termination is withdrawn."))
    return {"withdrawn": comment}
