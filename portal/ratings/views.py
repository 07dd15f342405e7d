"""Rating on the tracking page, and the supervisor's follow-up pages for poor ratings."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.core.access import applicant_request_or_proof
from portal.core.clock import utcnow
from portal.core.workflow import WorkflowError
from portal.extensions import db
from portal.ratings.forms import FollowUpAnswerForm, RatingForm
from portal.ratings.levels import LEVELS
from portal.ratings.models import Rating
from portal.ratings.services import answer_follow_up, is_ratable, rate, rating_of

bp = Blueprint("ratings", __name__)
#: Supervisors only: the staff guard reads CORE_STAFF_AREAS["rating_follow_ups"].
staff_bp = Blueprint("rating_follow_ups", __name__, url_prefix="/staff/rating-follow-ups")


def rating_panel(request_obj) -> dict:
    """What the tracking page's rating panel shows: the rating, or the form when ratable
    (the tracking view passes it to templates/ratings/_panel.html: not an app-wide global).

    A request is rated in a ratable state, so one that is neither in such a state nor
    closed has no rating to show: most tracking views of open requests skip the
    statement (#40). A request reopened after its rating shows it again once closed."""
    if not (is_ratable(request_obj) or request_obj.closed_at is not None):
        return {"rating": None, "form": None, "levels": LEVELS}
    rating = rating_of(request_obj)
    form = None
    if rating is None and is_ratable(request_obj):
        form = g.get("rating_form") or RatingForm(formdata=None)
    return {"rating": rating, "form": form, "levels": LEVELS}


@bp.post("/track/<reference>/rating")
def rate_request(reference: str):
    """The applicant rates the request once (409 for a second rating or an unratable state)."""
    from portal.public.views import _render_tracking  # the tracking page, shown again

    found = applicant_request_or_proof(reference)
    form = RatingForm()
    if rating_of(found) is None and is_ratable(found) and not form.validate_on_submit():
        g.rating_form = form
        return _render_tracking(found, None, status=400)
    try:
        rate(found, form.level.data, form.comment.data)
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_tracking(found, None, status=error.status_code)
    db.session.commit()
    flash(_l("Thank you: your rating is recorded."), "success")
    return redirect(url_for("public.track_request", reference=found.reference, _anchor="rating-title"), 303)


@staff_bp.get("/")
def index():
    """Poor ratings waiting for an answer (earliest due first), then the latest answered."""
    open_items = db.session.scalars(
        select(Rating)
        .where(Rating.follow_up_due_at.is_not(None), Rating.follow_up_answered_at.is_(None))
        .order_by(Rating.follow_up_due_at, Rating.id)
    ).all()
    answered = db.session.scalars(
        select(Rating)
        .where(Rating.follow_up_answered_at.is_not(None))
        .order_by(Rating.follow_up_answered_at.desc())
        .limit(50)
    ).all()
    return render_template(
        "ratings/follow_ups.html", open_items=open_items, answered=answered, levels=LEVELS, now=utcnow()
    )


def _rating_or_404(rating_id: int) -> Rating:
    rating = db.session.get(Rating, rating_id)
    if rating is None or not rating.needs_follow_up:
        abort(404)
    return rating


@staff_bp.route("/<int:rating_id>", methods=["GET", "POST"])
def follow_up(rating_id: int):
    """One poor rating: the request, the comment, and the answer to the person."""
    rating = _rating_or_404(rating_id)
    form = FollowUpAnswerForm()
    if request.method == "POST" and not rating.follow_up_open:
        flash(_l("This follow-up has been answered already."), "error")
        return render_template(
            "ratings/follow_up.html", rating=rating, form=form, levels=LEVELS, now=utcnow()
        ), 409
    if rating.follow_up_open and form.validate_on_submit():
        try:
            answer_follow_up(rating, current_user, form.answer.data)
        except WorkflowError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("rating_follow_ups.follow_up", rating_id=rating_id), 303)
        db.session.commit()
        flash(_l("Your answer is sent to the person."), "success")
        return redirect(url_for("rating_follow_ups.index"), 303)
    status = 400 if form.errors else 200
    return render_template(
        "ratings/follow_up.html", rating=rating, form=form, levels=LEVELS, now=utcnow()
    ), status
