"""Drafts (issue #30, SPEC §13): an intake not sent is kept `intake_state.LIFETIME` (7 days),
its staged files too (purge-uploads keeps what a draft holds), then `purge-drafts` removes
both. Nothing of a draft is a request: no staff page and no report ever sees one.

A form without a quick exit offers its draft again to the same browser session. A form
with a quick exit (legal aid, mediation: someone may be watching the screen) shows its
answers only while the person is at it; once left (`intake_state.OPEN_IDLE`, or the quick
exit) the draft is detached from the browser and opens again only with proof: a code
texted to the mobile typed in it, or the PIN chosen in it when it asked for no texts. A
browser that proved nothing sees no sign of a draft, so the entry page offers everyone
the same "continue an application you started" link, and the answer to a mobile is the
same whether a draft exists or not.
"""

from datetime import datetime

import click
from flask import request, session, url_for
from flask.cli import with_appcontext
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash

from portal.core import attachments, intake_state, safe_contact
from portal.core.clock import utcnow
from portal.core.intake_fields import CHANGE_PARAM
from portal.core.intake_state import IntakeState
from portal.extensions import db

#: Wrong codes or PINs before a draft opens no more (it still ends after its 7 days).
MAX_TRIES = 5
#: The endpoint of the page that opens a draft by proof (portal.public.drafts).
CONTINUE_ENDPOINT = "public.continue_draft"


def find(endpoint: str, mobile: str | None) -> IntakeState | None:
    """The newest unsent, live draft of this form with this mobile typed in it."""
    if not mobile:
        return None
    return db.session.scalars(
        select(IntakeState)
        .where(
            IntakeState.endpoint == endpoint,
            IntakeState.draft_mobile == mobile,
            IntakeState.reference.is_(None),
            IntakeState.updated_at > utcnow() - intake_state.LIFETIME,
        )
        .order_by(IntakeState.updated_at.desc())
    ).first()


def pin_hash(state: IntakeState) -> str | None:
    """The hash of the PIN a draft asked for (safe contact: no text, not even a code)."""
    return safe_contact.sealed_pin_hash(state.answers)


def opens_with_pin(state: IntakeState | None, typed: str) -> bool:
    """Whether `typed` is the draft's PIN; a wrong one costs a try. Commits."""
    hashed = pin_hash(state) if state is not None else None
    if hashed is None or state.draft_tries >= MAX_TRIES:
        return False
    digits = "".join(ch for ch in safe_contact.pin_text(typed) if ch.isdigit())
    if check_password_hash(hashed, digits):
        return True
    state.draft_tries += 1
    db.session.commit()
    return False


def may_open(state: IntakeState | None) -> bool:
    return state is not None and state.draft_tries < MAX_TRIES


def open_here(state: IntakeState) -> str:
    """Give a proved draft to this browser (its staged files too); the form's address with
    every answer shown. Commits."""
    owner = intake_state.session_key()
    mine = db.session.scalar(
        select(IntakeState).where(IntakeState.session_key == owner, IntakeState.endpoint == state.endpoint)
    )
    if mine is not None and mine.id != state.id:
        db.session.delete(mine)  # what this browser had of the same form gives way
        db.session.flush()
    state.session_key, state.updated_at, state.draft_tries = owner, utcnow(), 0
    attachments.take_over(list(state.staged or ()))
    db.session.commit()
    joiner = "&" if "?" in state.path else "?"
    return f"{state.path}{joiner}{CHANGE_PARAM}=1"


def leave(*, forget: bool) -> None:
    """The quick exit: this browser's drafts of quick-exit forms are detached (or, when the
    person asked, deleted with their files). Commits."""
    key = intake_state.session_key(create=False)
    if key is None:
        return
    states = db.session.scalars(
        select(IntakeState).where(IntakeState.session_key == key, IntakeState.reference.is_(None))
    ).all()
    tokens = []
    for state in states:
        if not intake_state.needs_proof(state.endpoint):
            continue
        if forget:
            tokens += state.staged or []
            db.session.delete(state)
        else:
            intake_state.detach(state)
    db.session.commit()
    attachments.discard(tokens)


def purge(now: datetime | None = None) -> int:
    """Delete drafts (and every intake) older than their lifetime, with their staged files."""
    cutoff = (now or utcnow()) - intake_state.LIFETIME
    old = db.session.scalars(select(IntakeState).where(IntakeState.updated_at <= cutoff)).all()
    tokens = [token for state in old for token in state.staged or ()]
    db.session.execute(delete(IntakeState).where(IntakeState.id.in_([state.id for state in old])))
    db.session.commit()
    attachments.discard(tokens)
    return len(old)


def page_context(state: IntakeState | None) -> dict:
    """What a form's page says about drafts: for a quick-exit form, the same link for
    everyone; else, to this browser, its own draft to continue."""
    if request.method != "GET" or request.args.get(CHANGE_PARAM):
        return {}
    if intake_state.needs_proof(request.endpoint):
        return {"draft_continue_url": url_for(CONTINUE_ENDPOINT, form_name=request.endpoint)}
    if state is not None and state.reference is None and state.answers:
        joiner = "&" if "?" in state.path else "?"
        return {
            "draft_resume_url": f"{state.path}{joiner}{CHANGE_PARAM}=1",
            "draft_saved_at": state.updated_at,
        }
    return {}


def in_progress() -> bool:
    """This browser has an intake in progress (the quick exit then offers to delete it)."""
    return intake_state.SESSION_KEY in session


@click.command("purge-drafts")
@with_appcontext
def purge_drafts_command():
    """Remove drafts older than 7 days and their staged files (run hourly)."""
    click.echo(f"removed {purge()} draft(s)")
