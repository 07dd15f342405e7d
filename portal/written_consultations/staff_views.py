"""Staff pages of written consultations: the duty roster, today's duty questions, and the
review that publishes an answered question to the archive (or withdraws it)."""

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.clock import local_today, utcnow
from portal.core.lookup import load_by_reference
from portal.core.services import record_event
from portal.extensions import db
from portal.written_consultations import archive, roster
from portal.written_consultations.forms import ReviewForm, RosterForm, WithdrawForm
from portal.written_consultations.models import WrittenQuestion
from portal.written_consultations.privacy import findings
from portal.written_consultations.states import QuestionState

bp = Blueprint("written_consultations_staff", __name__, url_prefix="/staff/written-questions")
ROSTER_DAYS = 14


# Every page here needs a duty lawyer or a supervisor: the staff guard asks the roles the
# capability declares for this blueprint (capability.STAFF_PAGES), before any view runs.


def _roster_form() -> RosterForm:
    form = RosterForm()
    form.user_id.choices = [(u.id, u.display_name) for u in roster.duty_people()]
    return form


@bp.get("/")
def duty():
    """Who is on duty in the next two weeks; today's open questions of the signed-in lawyer."""
    return _render_duty(_roster_form(), 200)


def _render_duty(form: RosterForm, status: int):
    today = local_today()
    mine = list(
        db.session.scalars(
            select(WrittenQuestion)
            .where(WrittenQuestion.is_open.is_(True), WrittenQuestion.handler_id == current_user.id)
            .order_by(WrittenQuestion.due_sort)
        )
    )
    unassigned = list(
        db.session.scalars(
            select(WrittenQuestion)
            .where(WrittenQuestion.is_open.is_(True), WrittenQuestion.handler_id.is_(None))
            .order_by(WrittenQuestion.due_sort)
        )
    )
    days = [today + timedelta(days=n) for n in range(ROSTER_DAYS)]
    # Those waiting for a lawyer (asked, or a follow-up) first, each by its due time; then
    # the answered ones, open until closed.
    questions = sorted(mine + unassigned, key=lambda q: q.status == QuestionState.ANSWERED)
    page = render_template(
        "written_consultations/staff_duty.html",
        form=form,
        days=days,
        rows=roster.roster_between(days[0], days[-1]),
        questions=questions,
        may_plan=current_user.has_role(Role.SUPERVISOR),
        review_count=len(_awaiting_review()),
    )
    return page, status


@bp.post("/roster")
def put_on_duty():
    """A supervisor puts a duty lawyer on the roster of a date."""
    if not current_user.has_role(Role.SUPERVISOR):
        abort(403)
    form = _roster_form()
    if not form.validate_on_submit():
        return _render_duty(form, 400)
    user = db.session.get(User, form.user_id.data)
    if not roster.put_on_duty(form.day.data, user, form.mobile.data):
        flash(_l("%(name)s is on duty that day already.", name=user.display_name), "error")
    db.session.commit()
    return redirect(url_for(".duty"), 303)


@bp.post("/roster/<day>/<int:user_id>/remove")
def take_off_duty(day: str, user_id: int):
    if not current_user.has_role(Role.SUPERVISOR):
        abort(403)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    roster.take_off_duty(when, user_id)
    db.session.commit()
    return redirect(url_for(".duty"), 303)


def _awaiting_review() -> list[WrittenQuestion]:
    return list(
        db.session.scalars(
            select(WrittenQuestion)
            .where(
                WrittenQuestion.consent_to_publish.is_(True),
                WrittenQuestion.suitable.is_(True),
                WrittenQuestion.answer.is_not(None),
                WrittenQuestion.published_at.is_(None),
                WrittenQuestion.withdrawn_at.is_(None),
            )
            .order_by(WrittenQuestion.answered_at)
        )
    )


@bp.get("/review")
def review_list():
    return _render_review_list()


def _render_review_list(refused: WithdrawForm | None = None, refused_id: int | None = None):
    """The questions waiting for review and the published ones, each with its withdraw
    form (the one refused shows its message and what was typed)."""
    published = list(db.session.scalars(archive.published().order_by(WrittenQuestion.published_at.desc())))
    forms = {q.id: refused if q.id == refused_id else WithdrawForm(formdata=None) for q in published}
    page = render_template(
        "written_consultations/staff_review_list.html",
        waiting=_awaiting_review(),
        published=published,
        withdraw_forms=forms,
    )
    return page, 400 if refused is not None else 200


def _question_or_404(reference: str) -> WrittenQuestion:
    found = load_by_reference(reference)  # typed with or without dashes, in any case
    if not isinstance(found, WrittenQuestion):
        abort(404)
    return found


@bp.route("/review/<reference>", methods=["GET", "POST"])
def review(reference: str):
    """A second staff member (not who answered) edits the copy for the archive and approves it."""
    question = _question_or_404(reference)
    if not question.awaits_review:
        abort(404)
    own = current_user.id in question.answerer_ids
    form = ReviewForm(
        data={
            "public_question": question.question,
            "public_answer": "\n\n".join(a for a in (question.answer, question.follow_up_answer) if a),
        }
    )
    problems: list = []
    if form.is_submitted() and not own:
        valid = form.validate_on_submit()
        problems = findings(
            f"{form.public_question.data}\n{form.public_answer.data}", question.applicant_name
        )
        if valid and not problems:
            question.public_question = form.public_question.data.strip()
            question.public_answer = form.public_answer.data.strip()
            question.published_at = utcnow()
            question.reviewed_by_id = current_user.id
            archive.index(question)
            record_event(
                question, "published", user=current_user, comment=str(_l("Published in the archive"))
            )
            db.session.commit()
            flash(_l("Published in the archive."), "success")
            return redirect(url_for(".review_list"), 303)
        status = 400
    else:
        problems = findings(f"{question.question}\n{question.answer}", question.applicant_name)
        status = 403 if form.is_submitted() else 200
    return render_template(
        "written_consultations/staff_review.html", question=question, form=form, problems=problems, own=own
    ), status


@bp.post("/review/<reference>/withdraw")
def withdraw(reference: str):
    """Take a published answer out of the archive (e.g. the law changed)."""
    question = _question_or_404(reference)
    if not question.in_archive:
        abort(404)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_review_list(form, question.id)
    question.withdrawn_at = utcnow()
    question.withdrawn_reason = form.reason.data.strip()
    archive.unindex(question)
    record_event(question, "archive_withdrawn", user=current_user, comment=question.withdrawn_reason)
    db.session.commit()
    flash(_l("Taken out of the archive."), "success")
    return redirect(url_for(".review_list"), 303)
