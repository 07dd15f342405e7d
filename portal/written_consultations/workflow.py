"""The written question's status machine (SPEC §14), declared once.

submitted (with the day's duty lawyer, due within WRITTEN_ANSWER_WORKING_DAYS working
days) → answered → closed; one follow-up question (answered → follow_up → answered);
withdrawn by the person before it is answered. Publication in the archive is not a
state of the question: consent, the answerer's "suitable" and a second staff member's
review decide it (portal/written_consultations/staff_views.py).
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.clock import local_today
from portal.core.deadlines import WORKING, period
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter, RequestKind
from portal.core.workflow import APPLICANT, State, Transition, Workflow
from portal.written_consultations import forms
from portal.written_consultations.figures import REPORT_FILTERS
from portal.written_consultations.models import WrittenQuestion
from portal.written_consultations.roles import DUTY
from portal.written_consultations.roster import duty_lawyer_for, tell_duty_lawyer
from portal.written_consultations.states import QuestionState as S
from portal.written_consultations.vocabulary import REFERRALS, TOPICS

DUTY_ROLES = frozenset({DUTY})
DEFAULT_WORKING_DAYS = 2

STATES = (
    State(
        S.SUBMITTED,
        _l("Waiting for the duty lawyer"),
        public_hint=_l(
            "The lawyer on duty answers in writing within the time shown. We text you when it is answered."
        ),
    ),
    State(S.ANSWERED, _l("Answered"), public_hint=_l("Your question is answered: read the answer below.")),
    State(
        S.FOLLOW_UP,
        _l("Follow-up question asked"),
        public_hint=_l("You asked a follow-up question; the lawyer answers it here."),
    ),
    State(S.CLOSED, _l("Closed"), is_open=False),
    State(S.WITHDRAWN, _l("Withdrawn"), is_open=False),
)


def follow_up_asked(question: WrittenQuestion, now) -> object | None:
    if question.follow_up_question:
        return _l("You have asked your one follow-up question already.")
    return None


ANSWERED_NOTICE = _l(
    "Your written question %(reference)s is answered. Read the answer on the portal: Track a request, with your reference and mobile."
)

TRANSITIONS = (
    Transition(
        "answer",
        frozenset({S.SUBMITTED}),
        S.ANSWERED,
        _l("Send the written answer"),
        roles=DUTY_ROLES,
        handler_only=False,
        form=forms.AnswerForm,
        notice=ANSWERED_NOTICE,
    ),
    Transition(
        "ask_follow_up",
        frozenset({S.ANSWERED}),
        S.FOLLOW_UP,
        _l("Ask a follow-up question"),
        actor=APPLICANT,
        form=forms.FollowUpForm,
        guard=follow_up_asked,
        done_message=_l("Your follow-up question is sent. The lawyer answers it here."),
    ),
    Transition(
        "answer_follow_up",
        frozenset({S.FOLLOW_UP}),
        S.ANSWERED,
        _l("Answer the follow-up question"),
        roles=DUTY_ROLES,
        handler_only=False,
        form=forms.FollowUpAnswerForm,
        notice=ANSWERED_NOTICE,
    ),
    Transition(
        "close",
        frozenset({S.ANSWERED}),
        S.CLOSED,
        _l("Close"),
        roles=DUTY_ROLES,
        handler_only=False,
    ),
    Transition(
        "withdraw",
        frozenset({S.SUBMITTED}),
        S.WITHDRAWN,
        _l("Withdraw my question"),
        actor=APPLICANT,
        style="danger",
        confirm_question=_l("Withdraw your question?"),
        confirm_hint=_l("The lawyer will not answer it. You may write a new one at any time."),
        done_message=_l("Your question is withdrawn."),
    ),
)


def answer_days() -> int:
    return int(current_app.config.get("WRITTEN_ANSWER_WORKING_DAYS", DEFAULT_WORKING_DAYS))


def on_submit(question: WrittenQuestion, data, now) -> dict:
    """Due within the working days on the holiday calendar; with the day's duty lawyer."""
    due = question.answer_due_at = question.set_deadline(period(now, answer_days(), WORKING))
    today = local_today(now)
    lawyer = duty_lawyer_for(today)
    if lawyer is not None:
        question.handler_id = lawyer.id
        tell_duty_lawyer(question, lawyer, today)
    return {"due": due}


def on_answer(question: WrittenQuestion, data, now) -> dict:
    question.answer = data["answer"].strip()
    question.answered_at = now
    question.referral = data.get("referral") or None
    question.suitable = bool(data.get("suitable")) and question.consent_to_publish
    question.set_due(None)
    return {}


def on_follow_up(question: WrittenQuestion, data, now) -> dict:
    question.follow_up_question = data["follow_up_question"].strip()
    question.set_deadline(period(now, answer_days(), WORKING))
    return {}


def on_follow_up_answer(question: WrittenQuestion, data, now) -> dict:
    question.follow_up_answer = data["follow_up_answer"].strip()
    question.set_due(None)
    return {}


def on_stop(question: WrittenQuestion, data, now) -> dict:
    question.set_due(None)
    return {}


WORKFLOW = Workflow(
    states=STATES,
    transitions=TRANSITIONS,
    initial=S.SUBMITTED,
    main_path=(S.SUBMITTED, S.ANSWERED, S.CLOSED),
    submitted_notice=_l(
        "We received your written question %(reference)s. The lawyer on duty answers it by %(due)s; we text you then."
    ),
    effects={
        "submit": on_submit,
        "answer": on_answer,
        "ask_follow_up": on_follow_up,
        "answer_follow_up": on_follow_up_answer,
        "close": on_stop,
        "withdraw": on_stop,
    },
)


def _topic_clause(value: str):
    table = WrittenQuestion.__table__
    return ServiceRequest.id.in_(select(table.c.id).where(table.c.topic == value))


def _make_sample():
    from portal.written_consultations.demo import sample_question

    return sample_question()


def _sample_work(question, staff) -> dict[str, dict[str, str]]:
    return {
        "answer": {"answer": "可以申请劳动仲裁。", "referral": "", "suitable": "y"},
        "answer_follow_up": {"follow_up_answer": "仲裁时效为一年。"},
        "ask_follow_up": {"follow_up_question": "仲裁要多久？"},
    }


WRITTEN_QUESTION = RequestKind(
    code="WQ",
    slug="written-questions",
    label=_l("Written legal question"),
    model=WrittenQuestion,
    workflow=WORKFLOW,
    staff_roles=DUTY_ROLES,
    detail_template="written_consultations/_detail.html",
    public_template="written_consultations/_public.html",
    ratable_states=frozenset({S.ANSWERED, S.CLOSED}),
    extra_filters=(
        QueueFilter("topic", _l("Topic"), lambda: [(k, str(v)) for k, v in TOPICS.items()], _topic_clause),
        *REPORT_FILTERS,
    ),
    export_columns=(
        (_l("Topic"), lambda q: str(TOPICS.get(getattr(q, "topic", ""), ""))),
        (_l("Referral"), lambda q: str(REFERRALS.get(getattr(q, "referral", None) or "", ""))),
    ),
    make_sample=_make_sample,
    sample_work=_sample_work,
)
