"""A referral carries the question over: the person who was told to apply for legal aid,
to ask for mediation or to book a consultation presses one button on their tracking page,
and that form opens with their question already in its facts (or question) field.

The text goes through the server-side intake state of the target form (core.intake_state),
as the form's own "change an answer" does, never through the address."""

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import lazy_gettext as _l

from portal.core import intake_state
from portal.core.access import applicant_request_or_proof
from portal.core.intake_fields import CHANGE_PARAM
from portal.extensions import db
from portal.written_consultations.vocabulary import REFERRAL_ENDPOINTS

#: The field of each target form that receives the question, its length limit, and the
#: field of the person's name (their mobile goes into each form's "mobile").
CARRIED_FIELDS = {
    "legal_aid.apply": ("facts", 3000, "applicant_name"),
    "mediation.apply": ("facts", 3000, "applicant_name"),
    "consultations.book": ("description", 1000, "name"),
}
CARRIED_NOTICE = _l(
    "Your written question %(reference)s is filled in below, with your name and mobile: check them before you send."
)


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
    field, limit, name_field = CARRIED_FIELDS[endpoint]
    # The mobile is filled in, not taken as proved: the form proves it by a code as usual
    # (the tracking page's proof is not the "proved a moment ago" of core verification).
    answers = [(field, carried_text(question)[:limit]), ("mobile", question.applicant_mobile or "")]
    if question.applicant_name:
        answers.append((name_field, question.applicant_name))
    state = intake_state.save(answers, key=intake_state.new_key(), endpoint=endpoint)
    state.path = url_for(endpoint)
    db.session.commit()
    flash(CARRIED_NOTICE % {"reference": question.reference}, "info")
    return redirect(url_for(endpoint, **{CHANGE_PARAM: "1"}), 303)
