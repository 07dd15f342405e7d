"""The legal aid status machine (SPEC §3) and its consequences, declared once."""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core import attachments
from portal.core.clock import to_local
from portal.core.deadlines import due_after
from portal.core.models import ServiceRequest
from portal.core.registry import RequestKind
from portal.core.services import EVENT_COMMENT
from portal.core.workflow import APPLICANT, SYSTEM, State, Transition, Workflow
from portal.extensions import db
from portal.legal_aid import forms
from portal.legal_aid.demo import sample_application
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.roles import OFFICER
from portal.legal_aid.states import LegalAidState as S

OFFICERS = frozenset({OFFICER})
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
    State(S.CLOSED, _l("Closed"), is_open=False),
    State(S.REFUSED, _l("Refused"), is_open=False),
    State(S.WITHDRAWN, _l("Withdrawn"), is_open=False),
)

TRANSITIONS = (
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
        notice=_l(
            "To decide on application %(reference)s we need: %(items)s. Please upload them on the tracking page by %(answer_due)s."
        ),
    ),
    Transition(
        "answer_materials",
        frozenset({S.NEEDS_MATERIALS}),
        S.UNDER_REVIEW,
        _l("Send the materials"),
        actor=APPLICANT,
        form=forms.MaterialsAnswerForm,
        notice=_l(
            "We received your materials for %(reference)s. A decision is due by %(decision_due)s."
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
        "assign_lawyer",
        frozenset({S.APPROVED}),
        S.ASSIGNED,
        _l("Assign a lawyer"),
        roles=OFFICERS,
        form=forms.AssignLawyerForm,
        notice=_l("Lawyer %(lawyer)s now handles your case %(reference)s and will contact you."),
    ),
    Transition(
        "change_lawyer",
        frozenset({S.ASSIGNED}),
        S.ASSIGNED,
        _l("Change the lawyer"),
        roles=OFFICERS,
        form=forms.AssignLawyerForm,
        notice=_l("Lawyer %(lawyer)s now handles your case %(reference)s and will contact you."),
    ),
    Transition(
        "close",
        frozenset({S.ASSIGNED}),
        S.CLOSED,
        _l("Close the case"),
        roles=OFFICERS,
        participant_may=True,
        form=forms.CloseForm,
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
    ),
    Transition(
        "expire",
        frozenset({S.NEEDS_MATERIALS}),
        S.WITHDRAWN,
        _l("Withdraw: materials not provided"),
        actor=SYSTEM,
        notice=_l(
            "Application %(reference)s is treated as withdrawn: the requested materials did not arrive in time. You may apply again."
        ),
    ),
)


def _days(name: str) -> int:
    return current_app.config[name]


def _decision_due(application: LegalAidApplication, start) -> dict:
    due = due_after(start, _days("LEGAL_AID_DECISION_DAYS"), current_app.config["LEGAL_AID_DAYS_KIND"])
    application.decision_due_at = due
    application.set_due(due)
    return {"decision_due": to_local(due).date()}


def on_submit(application: LegalAidApplication, data, now) -> dict:
    application.priority = 0 if application.urgent else 1
    return _decision_due(application, now)


def on_request_materials(application: LegalAidApplication, data, now) -> dict:
    items = [forms.MATERIAL_ITEMS[i] for i in data.get("items") or []]
    if other := (data.get("other_items") or "").strip():
        items.append(other)
    # Stored in the applicant's language: the checklist is their to-do list.
    with force_locale(application.locale):
        application.materials_checklist = "\n".join(str(i) for i in items)
    application.materials_due_at = now + timedelta(days=_days("LEGAL_AID_MATERIALS_ANSWER_DAYS"))
    # The decision clock stops while the applicant gathers the materials.
    application.decision_due_at = None
    application.set_due(None)
    return {
        "items": items,
        "answer_due": to_local(application.materials_due_at).date(),
    }


def on_answer_materials(application: LegalAidApplication, data, now) -> dict:
    application.materials_answer = data.get("comment") or None
    attachments.claim_all(application, data.get("attachments") or [], purpose="materials")
    application.materials_due_at = None
    # Art. 43: the 7-day clock restarts from the complete answer.
    return _decision_due(application, now)


def on_approve(application: LegalAidApplication, data, now) -> dict:
    application.decided_at = now
    due = due_after(now, _days("LEGAL_AID_ASSIGN_DAYS"), current_app.config["LEGAL_AID_DAYS_KIND"])
    application.assign_due_at = due
    application.set_due(due)
    return {"assign_due": to_local(due).date()}


def on_refuse(application: LegalAidApplication, data, now) -> dict:
    application.decided_at = now
    application.refusal_reasons = data["reasons"].strip()
    application.set_due(None)
    reasons = application.refusal_reasons
    if not reasons.endswith(("。", ".", "！", "!")):
        reasons += "。" if application.locale.startswith("zh") else "."
    return {"reasons": reasons, "objection_days": _days("LEGAL_AID_OBJECTION_DAYS")}


def on_assign_lawyer(application: LegalAidApplication, data, now) -> dict:
    lawyer = _lawyer(data["lawyer"])
    application.lawyer_id = lawyer.id
    application.assigned_at = now
    application.set_due(None)
    return {"lawyer": lawyer.display_name, EVENT_COMMENT: lawyer.display_name}


def _lawyer(user_id: int) -> User:
    lawyer = db.session.get(User, user_id)
    if lawyer is None or not lawyer.has_role(Role.LAWYER):
        raise ValueError("not a lawyer")
    return lawyer


def on_close(application: LegalAidApplication, data, now) -> dict:
    application.closing_summary = data.get("summary")
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
    on_claim="start_review",
    submitted_notice=_l(
        "We received your legal aid application %(reference)s. A decision is due by %(decision_due)s."
    ),
    effects={
        "submit": on_submit,
        "request_materials": on_request_materials,
        "answer_materials": on_answer_materials,
        "approve": on_approve,
        "refuse": on_refuse,
        "assign_lawyer": on_assign_lawyer,
        "change_lawyer": on_assign_lawyer,
        "close": on_close,
        "withdraw": on_stop,
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
    code="LA",
    slug="legal-aid",
    label=_l("Legal aid"),
    model=LegalAidApplication,
    workflow=WORKFLOW,
    staff_roles=OFFICERS,
    detail_template="legal_aid/_detail.html",
    public_template="legal_aid/_public.html",
    participant_role=Role.LAWYER,
    is_participant=_is_lawyer_of,
    participant_clause=_lawyer_clause,
    quick_exit=True,  # a person may be applying about violence at home
    make_sample=sample_application,
)
