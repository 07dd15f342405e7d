"""The adviser contact (AC) status machine, registered with the shared workflow.

submitted → assigned (the adviser or an adviser administrator takes it) → answered →
closed; the resident may withdraw it until it is answered. The adviser's linked staff
account (role lawyer) is the request's participant: they see only their own AC requests.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.accounts.roles import Role
from portal.advisers import samples
from portal.advisers.demo import sample_contact
from portal.advisers.models import Adviser, AdviserContact
from portal.advisers.roles import ADVISER_ADMIN
from portal.advisers.states import ContactState as S
from portal.advisers.vocabulary import TOPICS
from portal.core import notifications
from portal.core.forms import ActionForm
from portal.core.identity import normalise_mobile
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter, RequestKind
from portal.core.workflow import APPLICANT, State, Transition, Workflow
from portal.extensions import db

ADMINS = frozenset({ADVISER_ADMIN})
#: Days the adviser has to answer (setting ADVISER_CONTACT_ANSWER_DAYS).
DEFAULT_ANSWER_DAYS = 3
#: The SMS template key of the text telling an adviser of a new contact (declared by the capability).
NEW_CONTACT_KEY = "adviser.new_contact"


class AnswerForm(ActionForm):
    answer = TextAreaField(
        _l("What the adviser did or advised"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("The resident reads this on the tracking page."),
    )


STATES = (
    State(S.SUBMITTED, _l("Submitted"), public_hint=_l("Received. Your adviser will take it up soon.")),
    State(
        S.ASSIGNED,
        _l("With the adviser"),
        public_hint=_l("Your adviser will contact you at the time you preferred."),
    ),
    State(S.ANSWERED, _l("Answered"), public_hint=_l("Your adviser answered: see below.")),
    State(S.CLOSED, _l("Closed"), is_open=False),
    State(S.WITHDRAWN, _l("Withdrawn"), is_open=False),
)

TRANSITIONS = (
    Transition(
        "accept",
        frozenset({S.SUBMITTED}),
        S.ASSIGNED,
        _l("Take up the request"),
        roles=ADMINS,
        participant_may=True,
        notice=_l("Adviser %(adviser)s has your request %(reference)s and will contact you."),
    ),
    Transition(
        "answer",
        frozenset({S.ASSIGNED}),
        S.ANSWERED,
        _l("Record the answer"),
        roles=ADMINS,
        participant_may=True,
        form=AnswerForm,
        notice=_l("Adviser %(adviser)s answered your request %(reference)s: %(answer)s"),
    ),
    Transition(
        "close",
        frozenset({S.ANSWERED}),
        S.CLOSED,
        _l("Close"),
        roles=ADMINS,
        handler_only=False,  # any adviser administrator may close an answered request
        participant_may=True,
        notice=_l("Your request %(reference)s to the village legal adviser is closed."),
    ),
    Transition(
        "withdraw",
        frozenset({S.SUBMITTED, S.ASSIGNED}),
        S.WITHDRAWN,
        _l("Withdraw my request"),
        actor=APPLICANT,
        style="danger",
        notice=_l("You withdrew request %(reference)s."),
    ),
)


def _adviser_name(contact: AdviserContact) -> str:
    return contact.adviser.name if contact.adviser else "—"


def on_submit(contact: AdviserContact, data, now) -> dict:
    # core's submit() writes the inbox message with request.id: give the row its id now
    # (legal aid gets one by autoflush when its deadline query runs).
    db.session.flush()
    days = current_app.config.get("ADVISER_CONTACT_ANSWER_DAYS", DEFAULT_ANSWER_DAYS)
    contact.set_due(now + timedelta(days=days))
    adviser = contact.adviser or (db.session.get(Adviser, contact.adviser_id) if contact.adviser_id else None)
    if adviser is not None and normalise_mobile(adviser.work_phone):
        # Tell the adviser by SMS (without the resident's question: it may be private).
        with force_locale(contact.locale):
            body = gettext(
                "New contact request %(reference)s for you on the legal services portal.",
                reference=contact.reference,
            )
        notifications.queue_message(
            adviser.work_phone,
            body,
            request_id=contact.id,
            template=NEW_CONTACT_KEY,
            params={"reference": contact.reference},
            locale=contact.locale,
        )
    return {"adviser": adviser.name if adviser else "—"}


def on_accept(contact: AdviserContact, data, now) -> dict:
    return {"adviser": _adviser_name(contact)}


def on_answer(contact: AdviserContact, data, now) -> dict:
    contact.answer = data["answer"].strip()
    contact.answered_at = now
    contact.set_due(None)
    return {"adviser": _adviser_name(contact), "answer": contact.answer}


def on_stop(contact: AdviserContact, data, now) -> dict:
    contact.set_due(None)
    return {}


WORKFLOW = Workflow(
    states=STATES,
    transitions=TRANSITIONS,
    initial=S.SUBMITTED,
    on_claim="accept",
    submitted_notice=_l(
        "We received your request %(reference)s to village legal adviser %(adviser)s. They will contact you soon."
    ),
    effects={
        "submit": on_submit,
        "accept": on_accept,
        "answer": on_answer,
        "close": on_stop,
        "withdraw": on_stop,
    },
)


def _is_adviser_of(contact, user) -> bool:
    adviser = getattr(contact, "adviser", None)
    return bool(adviser and adviser.user_id == user.id)


def _adviser_clause(user):
    # Reads only the subtype and adviser tables: the queue query stays on service_request.
    table = AdviserContact.__table__
    mine = select(Adviser.id).where(Adviser.user_id == user.id)
    return ServiceRequest.id.in_(select(table.c.id).where(table.c.adviser_id.in_(mine)))


def _topic_clause(value: str):
    table = AdviserContact.__table__
    return ServiceRequest.id.in_(select(table.c.id).where(table.c.topic == value))


ADVISER_CONTACT = RequestKind(
    ratable_states=frozenset({S.CLOSED}),
    code="AC",
    slug="adviser-contact",
    label=_l("Contact a village legal adviser"),
    model=AdviserContact,
    workflow=WORKFLOW,
    staff_roles=ADMINS,
    detail_template="advisers/_detail.html",
    public_template="advisers/_public.html",
    participant_role=Role.LAWYER,
    is_participant=_is_adviser_of,
    participant_clause=_adviser_clause,
    make_sample=sample_contact,
    duplicate_key=("village_id", "topic", "applicant_name"),
    sample_work=samples.sample_work,
    extra_filters=(
        QueueFilter("topic", _l("Topic"), lambda: [(k, str(v)) for k, v in TOPICS.items()], _topic_clause),
    ),
    export_columns=(
        (_l("Adviser"), lambda r: r.adviser.name if getattr(r, "adviser", None) else ""),
        (_l("Village"), lambda r: r.village.name if getattr(r, "village", None) else ""),
        (_l("Topic"), lambda r: str(TOPICS.get(getattr(r, "topic", ""), ""))),
    ),
)
