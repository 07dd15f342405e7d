"""The server-side state of an intake in progress (issue #27), keyed by the browser session.

One row per browser session and form (its endpoint): the answers as last typed, the
staged files, the step, the one-time key of this submission and the mobile to prove.
The check page, the code page and the language or elderly switch read it, so that no page
carries the answers (or a password) in hidden inputs and no answer travels in the query
string. A pending registration keeps its password only as a hash here.

An intake not sent is a draft (issue #30, core.drafts): kept `LIFETIME` (7 days) with its
staged files. A draft of a form with a quick exit stays open to its browser only while
the person is at it (`OPEN_IDLE`): once left, it is detached from the browser session
and only a code to its mobile or its PIN brings it back (core.drafts).

`IntakeSubmission` records each one-time key that made a request (its primary key is the
key): a second submission of one key, even two at the same moment, makes no second request.
"""

import secrets
from datetime import datetime, timedelta

from flask import request, session
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from portal.core.clock import utcnow
from portal.extensions import db

SESSION_KEY = "intake_session"
#: An intake untouched this long is gone, its staged files with it (a draft's life).
LIFETIME = timedelta(days=7)
#: A quick-exit form's intake left alone this long is closed to its browser (core.drafts).
OPEN_IDLE = timedelta(minutes=30)
#: The session key of a draft detached from its browser (random after it: no browser has it).
DETACHED = "draft:"
#: A submitted key is remembered this long (Back and resubmit a day later is still caught).
SUBMITTED_LIFETIME = timedelta(days=30)


class IntakeState(db.Model):
    __tablename__ = "intake_states"
    __table_args__ = (db.UniqueConstraint("session_key", "endpoint"),)

    id = db.Column(db.Integer, primary_key=True)
    session_key = db.Column(db.String(64), nullable=False)
    endpoint = db.Column(db.String(80), nullable=False)
    #: The address the form posts to (with e.g. the booking's point and day).
    path = db.Column(db.String(400), nullable=False, default="")
    one_time_key = db.Column(db.String(64), nullable=False)
    #: [[name, value], ...] as the form sent them, without token, buttons or files.
    answers = db.Column(db.JSON, nullable=False, default=list)
    staged = db.Column(db.JSON, nullable=False, default=list)
    step = db.Column(db.String(16), nullable=False, default="form")
    mobile = db.Column(db.String(20))
    #: A pending registration's password, hashed (never the typed text).
    secret = db.Column(db.String(255))
    #: The reference of the request this key made, once made.
    reference = db.Column(db.String(40))
    #: The mobile typed in the answers (11 digits), to find a detached draft again.
    draft_mobile = db.Column(db.String(20), index=True)
    #: Wrong codes or PINs typed to open this draft (core.drafts).
    draft_tries = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    updated_at = db.Column(db.DateTime, nullable=False, index=True)


class IntakeSubmission(db.Model):
    __tablename__ = "intake_submissions"

    one_time_key = db.Column(db.String(64), primary_key=True)
    reference = db.Column(db.String(40), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, index=True)


def new_key() -> str:
    return secrets.token_urlsafe(24)


def session_key(create: bool = True) -> str | None:
    if SESSION_KEY not in session and create:
        session[SESSION_KEY] = secrets.token_urlsafe(24)
    return session.get(SESSION_KEY)


def current(endpoint: str | None = None) -> IntakeState | None:
    """This browser's live intake of this form, if any."""
    key = session_key(create=False)
    if key is None:
        return None
    return _open(
        db.session.scalar(
            select(IntakeState).where(
                IntakeState.session_key == key,
                IntakeState.endpoint == (endpoint or request.endpoint),
                IntakeState.updated_at > utcnow() - LIFETIME,
            )
        )
    )


def needs_proof(endpoint: str) -> bool:
    """A form with a quick exit: its draft reopens only with a code or the PIN."""
    from portal.core.pages import endpoint_has_quick_exit

    return endpoint_has_quick_exit(endpoint)


def detach(state: IntakeState) -> None:
    """Take a draft away from its browser: it is found again only by proof (core.drafts)."""
    state.session_key = DETACHED + secrets.token_urlsafe(24)


def _open(state: IntakeState | None) -> IntakeState | None:
    """The state, unless it is an unsent draft of a quick-exit form left alone longer than
    OPEN_IDLE: then it is detached (not deleted) and this browser has none."""
    if (
        state is not None
        and state.reference is None
        and state.updated_at <= utcnow() - OPEN_IDLE
        and needs_proof(state.endpoint)
    ):
        detach(state)
        db.session.flush()
        return None
    return state


def save(
    answers: MultiDict | list,
    *,
    key: str,
    staged: list[str] = (),
    step: str = "form",
    mobile: str | None = None,
    secret: str | None = None,
    endpoint: str | None = None,
) -> IntakeState:
    """Write this browser's intake of this form (a new key starts a new intake)."""
    endpoint = endpoint or request.endpoint
    owner = session_key()
    state = _open(
        db.session.scalar(
            select(IntakeState).where(IntakeState.session_key == owner, IntakeState.endpoint == endpoint)
        )
    )
    if state is None:
        state = IntakeState(session_key=owner, endpoint=endpoint)
        db.session.add(state)
    if state.one_time_key != key:
        state.reference = None
        state.secret = None
    state.one_time_key = key
    state.path = request.full_path.rstrip("?")[:400]
    state.answers = [
        list(pair) for pair in (answers.items(multi=True) if hasattr(answers, "items") else answers)
    ]
    state.staged = list(staged)
    state.step = step
    state.mobile = mobile or state.mobile
    state.draft_mobile = _typed_mobile(state.answers)
    if secret is not None:
        state.secret = secret
    state.updated_at = utcnow()
    return state


def _typed_mobile(answers: list) -> str | None:
    from portal.core.identity import normalise_mobile

    typed = next((value for name, value in answers if name in ("mobile", "applicant_mobile")), None)
    return normalise_mobile(typed)


def formdata(state: IntakeState, **extra) -> MultiDict:
    """The stored answers as form data, plus `extra` (e.g. this POST's CSRF token)."""
    data = MultiDict([tuple(pair) for pair in state.answers])
    for name, value in extra.items():
        data[name] = value
    return data


def submitted(key: str | None) -> IntakeSubmission | None:
    return db.session.get(IntakeSubmission, key) if key else None


def record_submission(state: IntakeState, reference: str) -> None:
    """Mark the key used (in the request's transaction: a second commit of it fails)."""
    db.session.add(
        IntakeSubmission(one_time_key=state.one_time_key, reference=reference, created_at=utcnow())
    )
    state.reference = reference
    state.step = "sent"
    state.answers = []
    state.draft_mobile = None
    state.secret = None
    state.updated_at = utcnow()


def held_tokens(now: datetime | None = None) -> set[str]:
    """Tokens of staged files that a live intake still holds (purge-uploads keeps them)."""
    cutoff = (now or utcnow()) - LIFETIME
    held: set[str] = set()
    for staged in db.session.scalars(select(IntakeState.staged).where(IntakeState.updated_at > cutoff)):
        held.update(staged or ())
    return held


def purge(now: datetime | None = None) -> None:
    """Forget idle intakes and old submitted keys."""
    now = now or utcnow()
    db.session.execute(delete(IntakeState).where(IntakeState.updated_at <= now - LIFETIME))
    db.session.execute(
        delete(IntakeSubmission).where(IntakeSubmission.created_at <= now - SUBMITTED_LIFETIME)
    )
