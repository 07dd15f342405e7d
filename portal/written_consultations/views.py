"""Public pages: ask a written question (/consultations/ask), its confirmation, and the
archive of answered questions (/consultations/answers)."""

from flask import Blueprint, render_template, request, session, url_for
from flask_login import current_user

from portal.core import attachments
from portal.core.access import applicant_request_or_proof
from portal.core.intake import Intake, run_intake
from portal.core.intake_fields import KEY_FIELD
from portal.core.intake_lost import intake_page
from portal.core.pages import public_page
from portal.core.services import submit
from portal.database import begin_writing, end_writing
from portal.extensions import db
from portal.i18n import current_language
from portal.written_consultations import archive, referrals
from portal.written_consultations.forms import AskForm
from portal.written_consultations.models import WrittenQuestion
from portal.written_consultations.states import QuestionState
from portal.written_consultations.vocabulary import REFERRALS, TOPICS

bp = Blueprint("written_consultations", __name__, url_prefix="/consultations")


def referral_url(referral: str | None) -> str | None:
    """Where the person starts what the lawyer referred them to, when that capability is on."""
    endpoint = referrals.target_of(referral)
    return url_for(endpoint) if endpoint else None


bp.add_url_rule("/<reference>/carry-over", "carry_over", referrals.carry_over, methods=["POST"])


def written_question_labels():
    """Labels for the written-question partials shown on shared pages (tracking, staff detail)."""
    return {
        "wq_labels": {"topics": TOPICS, "referrals": REFERRALS, "referral_url": referral_url},
        "QuestionState": QuestionState,
    }


@bp.route("/ask", methods=["GET", "POST"])
@intake_page
def ask():
    """A written question: the mobile is proven by a code, consent to publish is asked apart."""
    form = AskForm()
    resident = current_user if current_user.is_authenticated and not current_user.is_staff else None
    if request.method == "GET" and resident is not None:
        form.name.data = form.name.data or resident.display_name
        form.mobile.data = form.mobile.data or resident.mobile

    def send(form: AskForm, staged) -> WrittenQuestion:
        question = WrittenQuestion(
            applicant_name=form.name.data.strip(),
            applicant_mobile=form.mobile.data,
            township_id=int(form.township_id.data),
            topic=form.topic.data,
            question=form.question.data.strip(),
            consent_to_publish=bool(form.consent.data),
        )
        submitted = submit(question, user=resident, locale=current_language())
        attachments.claim_all(submitted, staged, purpose="question")
        return submitted

    # The check page shows the archive's closest answers to the question as typed.
    aside = {
        "check_aside": "written_consultations/_similar.html",
        "similar_answers": lambda: similar_shown(form.question.data or ""),
    }
    return run_intake(
        Intake(
            form,
            "written_consultations/ask.html",
            send,
            confirmation="written_consultations.asked",
            context=aside,
        )
    )


#: The intakes (their one-time keys) whose similar answers were counted in this browser.
SIMILAR_COUNTED = "wq_similar_counted"


def similar_shown(text: str) -> list[WrittenQuestion]:
    """The archive's closest answers to a question about to be sent, counted as a use once
    per intake (its one-time key), however often its check page is shown again."""
    found = archive.similar(text)
    key = request.form.get(KEY_FIELD, "")
    counted = session.get(SIMILAR_COUNTED, [])
    if found and (not key or key not in counted):
        archive.count_use("similar")
        db.session.commit()  # the check page's own state is committed already
        if key:
            session[SIMILAR_COUNTED] = [*counted, key][-10:]
    return found


@bp.get("/asked/<reference>")
def asked(reference: str):
    """The confirmation with the WQ reference, for the browser that sent it."""
    return render_template(
        "written_consultations/asked.html", request_obj=applicant_request_or_proof(reference, "WQ")
    )


@bp.get("/answers")
@public_page
def answers():
    """Answered questions published with the asker's consent, after review; searchable."""
    query = (request.args.get("q") or "").strip()[:50]
    topic = request.args.get("topic", "")
    topic = topic if topic in TOPICS else ""
    # Counting the use is the one write of this GET: in a transaction of its own, which on
    # SQLite takes the write lock up front (a read transaction that writes after another
    # request's commit fails at once instead of waiting: 503s under load). First: a commit
    # after the search would expire the answers found, read again one by one to print.
    begin_writing()
    archive.count_use("search" if query or topic else "view")
    end_writing()
    found = archive.search(query, topic)
    return render_template(
        "written_consultations/answers.html", found=found, query=query, topic=topic, topics=TOPICS
    )
