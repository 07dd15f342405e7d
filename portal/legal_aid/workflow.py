"""The legal aid status machine (SPEC §3) declared once: its states and transitions
(transitions, case_transitions), what they check (guards) and do (effects), and who works it."""

from flask_babel import lazy_gettext as _l

from portal.accounts.roles import Role
from portal.core.merging import MERGE, on_merge
from portal.core.participants import by_columns
from portal.core.registry import RequestKind
from portal.core.workflow import Workflow
from portal.legal_aid import samples
from portal.legal_aid.case_transitions import CASE
from portal.legal_aid.closing import on_close
from portal.legal_aid.demo import sample_application
from portal.legal_aid.detail_model import staff_detail
from portal.legal_aid.effects import (
    on_answer_materials,
    on_approve,
    on_ask_change,
    on_assign_lawyer,
    on_correct_refusal,
    on_correct_termination,
    on_early_aid,
    on_object,
    on_record_materials,
    on_refuse,
    on_refuse_change,
    on_register_notice,
    on_report_ground,
    on_request_materials,
    on_return_closing,
    on_stop,
    on_submit,
    on_submit_closing,
    on_terminate,
    on_uphold,
)
from portal.legal_aid.figures import REPORT_FILTERS
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.roles import REVIEWER
from portal.legal_aid.scopes import REVIEWER_SCOPE
from portal.legal_aid.states import LegalAidState as S
from portal.legal_aid.transitions import DECIDING, OBJECTING, OFFICERS, REVIEWERS, STATES

TRANSITIONS = (*DECIDING, *OBJECTING, *CASE)


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


_is_lawyer_of, _lawyer_clause = by_columns(LegalAidApplication, "lawyer_id")


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
    detail_model=staff_detail,
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
    id_attributes=("id_number", "id_document"),
)
