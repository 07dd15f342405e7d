"""Home page, /healthz, and the applicant's tracking pages for every request type."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import text, update

from portal.core import attachments
from portal.core.access import (
    applicant_may_see,
    applicant_request_or_404,
    can_applicant_take,
    can_party_take,
    party_for_mobile,
    party_viewing,
    remember_party,
    remember_tracked,
)
from portal.core.clock import utcnow
from portal.core.forms import ApplicantActionForm, TrackForm
from portal.core.identity import normalise_mobile
from portal.core.models import InboxMessage
from portal.core.pages import public_page, request_has_quick_exit
from portal.core.registry import kind_of
from portal.core.services import load_by_reference, perform
from portal.core.workflow import APPLICANT, PARTY, WorkflowError
from portal.database import begin_writing
from portal.extensions import db, limiter
from portal.public.progress import progress_steps

bp = Blueprint("public", __name__)


@bp.get("/")
@public_page
def home():
    """The portal's front page."""
    return render_template("public/home.html")


@bp.get("/healthz")
@public_page
def healthz():
    """Liveness and database check for load balancers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 — any database failure means unhealthy
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


def track_rate():
    return current_app.config["RATELIMIT_TRACK"]


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(track_rate, methods=["POST"])
def track():
    """Find a request by reference and the mobile number given with it (the applicant's,
    or that of another party once they have been told of the request)."""
    form = TrackForm()
    if form.validate_on_submit():
        found = load_by_reference(form.reference.data)
        mobile = normalise_mobile(form.mobile.data)
        party = party_for_mobile(found, mobile) if found is not None and mobile else None
        if found is not None and mobile is not None and found.applicant_mobile == mobile:
            remember_tracked(found)
            return redirect(url_for("public.track_request", reference=found.reference))
        if party is not None:
            remember_party(party)
            return redirect(url_for("public.track_request", reference=found.reference))
        # One message for every miss: a wrong guess must not reveal that a reference exists.
        form.reference.errors.append(_l("No request matches this reference and mobile number."))
    return render_template("public/track.html", form=form)


def _load_for_viewer(reference: str):
    """The request and who this browser follows it as: (request, None) for the applicant,
    (request, party) for another party; 404 for anyone else."""
    found = load_by_reference(reference)
    if found is not None and applicant_may_see(found):
        return found, None
    party = party_viewing(found) if found is not None else None
    if party is None:
        abort(404)
    return found, party


def viewer_forms(request_obj, actor: str, submitted=None):
    """A form for each action the applicant (or the other party) may take now."""
    result = []
    now = utcnow()
    for transition in kind_of(request_obj).workflow.from_state(request_obj.status, actor):
        if submitted is not None and submitted[0] == transition.action:
            result.append((transition, submitted[1]))
            continue
        if transition.guard is not None and transition.guard(request_obj, now):
            continue  # not possible now (e.g. a second objection): not offered
        form = (transition.form or ApplicantActionForm)(prefix=transition.action, version=request_obj.version)
        form.prepare(request_obj)
        result.append((transition, form))
    return result


@bp.get("/track/<reference>")
def track_request(reference: str):
    """The applicant's view (or another party's): status, public timeline, messages, actions."""
    found, party = _load_for_viewer(reference)
    if party is None and current_user.is_authenticated and found.applicant_user_id == current_user.id:
        # Reading one's messages is the one write a GET makes; the view owns its commit.
        begin_writing()
        db.session.execute(
            update(InboxMessage)
            .where(
                InboxMessage.request_id == found.id,
                InboxMessage.party_id.is_(None),
                InboxMessage.read_at.is_(None),
            )
            .values(read_at=utcnow())
        )
        db.session.commit()
    return _render_tracking(found, party)


def _render_tracking(found, party, submitted=None, status=200):
    kind = kind_of(found)
    messages = [m for m in found.messages if m.party_id == (party.id if party else None)]
    events = [e for e in found.events if e.is_public]
    forms = viewer_forms(found, PARTY if party else APPLICANT, submitted)
    # The latest word from the office (e.g. the officer's message asking for materials, and
    # the note on the step that led here) goes at the top, before what the person can do
    # now; the messages and the history below keep it too.
    latest = next((e for e in reversed(events) if e.comment and e.to_status == found.status), None)
    latest_message = messages[-1] if messages else None
    return (
        render_template(
            "public/track_request.html",
            request_obj=found,
            kind=kind,
            party=party,
            state=kind.workflow.state(found.status),
            steps=progress_steps(kind.workflow, found.status, [e.to_status for e in events if e.to_status]),
            latest_update=latest,
            latest_message=latest_message,
            events=events,
            messages=messages,
            forms=[(t, f) for t, f in forms if not t.needs_confirmation],
            confirmed_actions=[t for t, _f in forms if t.needs_confirmation],
            quick_exit_here=request_has_quick_exit(kind, found),
        ),
        status,
    )


def _viewer_transition(found, party, action: str):
    """The transition `action` when this viewer may take it now, else None."""
    transition = kind_of(found).workflow.transition(action)
    allowed = can_party_take if party else can_applicant_take
    return transition if transition is not None and allowed(found, transition) else None


@bp.get("/track/<reference>/actions/<action>")
def confirm_action(reference: str, action: str):
    """The page that asks once more before an action that cannot be undone (a GET: it
    changes nothing; its form posts to `applicant_action`)."""
    found, party = _load_for_viewer(reference)
    transition = _viewer_transition(found, party, action)
    if transition is None or not transition.needs_confirmation:
        return redirect(url_for("public.track_request", reference=found.reference), 303)
    form = (transition.form or ApplicantActionForm)(prefix=action, version=found.version)
    form.prepare(found)
    return _render_confirmation(found, party, transition, form)


def _render_confirmation(found, party, transition, form, status=200):
    return render_template(
        "public/confirm_action.html",
        request_obj=found,
        kind=kind_of(found),
        party=party,
        transition=transition,
        form=form,
        quick_exit_here=request_has_quick_exit(kind_of(found), found),
    ), status


def done_message(found, transition) -> str:
    """What the flash says once an action is done, in plain words."""
    if transition.done_message:
        return transition.done_message
    state = kind_of(found).workflow.state(found.status)
    return _l("Done. %(reference)s is now “%(state)s”.", reference=found.reference, state=state.label)


@bp.post("/track/<reference>/actions/<action>")
def applicant_action(reference: str, action: str):
    """Take one of the applicant's (or the other party's) actions."""
    found, party = _load_for_viewer(reference)
    transition = _viewer_transition(found, party, action)
    if transition is None:
        flash(_l("This action is not possible in the request's current state."), "error")
        return _render_tracking(found, party, status=409)
    form = (transition.form or ApplicantActionForm)(prefix=action)
    form.prepare(found)
    if not form.validate_on_submit():
        if transition.needs_confirmation:
            return _render_confirmation(found, party, transition, form, status=400)
        return _render_tracking(found, party, submitted=(action, form), status=400)
    try:
        perform(
            found,
            action,
            user=current_user if current_user.is_authenticated else None,
            actor_kind=PARTY if party else APPLICANT,
            data=attachments.stage_checked(form.transition_data()),
            comment=form.comment.data,
            expected_version=int(form.version.data) if (form.version.data or "").isdigit() else None,
        )
    except WorkflowError as error:
        db.session.rollback()
        flash(
            getattr(error, "message", None)
            or _l("This request changed in the meantime: check it and try again."),
            "error",
        )
        return redirect(url_for("public.track_request", reference=reference), 303)
    db.session.commit()
    flash(done_message(found, transition), "success")
    return redirect(url_for("public.track_request", reference=found.reference), 303)


@bp.get("/track/<reference>/files/<int:attachment_id>")
def applicant_attachment(reference: str, attachment_id: int):
    """Download one of the request's files, for the applicant only."""
    return attachments.download(applicant_request_or_404(reference), attachment_id)
