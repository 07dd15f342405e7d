"""A referral carries the question over: the person who was told to apply for legal aid,
to ask for mediation or to book a consultation presses one button on their tracking page,
and that form opens with their question already in its facts (or question) field.

The text goes through the server-side intake state of the target form (core.intake_state),
as the form's own "change an answer" does, never through the address."""

from flask import abort, current_app, redirect, url_for

from portal.core import intake_state
from portal.core.access import applicant_request_or_proof
from portal.core.intake_fields import CHANGE_PARAM
from portal.extensions import db
from portal.written_consultations.vocabulary import REFERRAL_ENDPOINTS

#: The field of each target form that receives the question, and its length limit.
CARRIED_FIELDS = {
    "legal_aid.apply": ("facts", 3000),
    "mediation.apply": ("facts", 3000),
    "consultations.book": ("description", 1000),
}


def target_of(referral: str | None) -> str | None:
    """The endpoint the referral starts at, when that capability is on."""
    endpoint = REFERRAL_ENDPOINTS.get(referral or "")
    return endpoint if endpoint in current_app.view_functions else None


def carried_text(question) -> str:
    return "\n\n".join(t for t in (question.question, question.follow_up_question) if t)


def carry_over(reference: str):
    """Start the referred form with the question in it (POST from the tracking page)."""
    question = applicant_request_or_proof(reference, "WQ")
    endpoint = target_of(question.referral)
    if endpoint is None or endpoint not in CARRIED_FIELDS:
        abort(404)
    name, limit = CARRIED_FIELDS[endpoint]
    state = intake_state.save(
        [(name, carried_text(question)[:limit])], key=intake_state.new_key(), endpoint=endpoint
    )
    state.path = url_for(endpoint)
    db.session.commit()
    return redirect(url_for(endpoint, **{CHANGE_PARAM: "1"}), 303)
