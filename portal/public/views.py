"""Home page, /healthz, and the applicant's tracking pages for every request type."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import update

from portal.accounts.verification import shows_code_on_page
from portal.core import attachments
from portal.core.access import (
    applicant_may_see,
    applicant_request_or_proof,
    ask_for_proof,
    can_applicant_take,
    can_party_take,
    events_for,
    is_read_only,
    party_viewing,
)
from portal.core.clock import utcnow
from portal.core.error_pages import render_error
from portal.core.forms import ApplicantActionForm, TrackCodeForm, TrackForm
from portal.core.identity import mask_mobile, normalise_mobile
from portal.core.models import InboxMessage
from portal.core.offers import viewer_offers
from portal.core.pages import public_page, request_has_quick_exit
from portal.core.registry import kind_of, partial_context
from portal.core.services import load_by_reference, perform
from portal.core.timeline import messages_to, timeline_events
from portal.core.workflow import APPLICANT, PARTY, WorkflowError
from portal.database import begin_writing, end_writing
from portal.extensions import db
from portal.public import track_proof
from portal.public.progress import progress_steps
from portal.ratings.views import rating_panel
from portal.safe_urls import safe_next_url
from portal.serving import HealthCheck

bp = Blueprint("public", __name__)

TOO_MANY_TRIES = _l(
    "Too many tries from this address. Wait an hour, or call 12348 or visit a justice office."
)


@bp.get("/")
@public_page
def home():
    """The portal's front page."""
    return render_template("public/home.html")


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers (not public: `no-store`), on the
    app's own HealthCheck: answered within 3 s, one check in flight, cached 2 s."""
    status, body = health_check()()
    return body, status


def health_check() -> HealthCheck:
    """This app's check, made at the first /healthz (its own connection, not the pool's)."""
    check = current_app.extensions.get("portal_health_check")
    if check is None:
        check = current_app.extensions.setdefault(
            "portal_health_check", HealthCheck(current_app.config["SQLALCHEMY_DATABASE_URI"])
        )
    return check


@bp.route("/track", methods=["GET", "POST"])
def track():
    """Reference + mobile: the same answer for every pair; a code goes to the mobile when
    it is the applicant's or a told party's, and the request is shown after it (SPEC §2)."""
    form = TrackForm()
    if not form.validate_on_submit():
        return render_template("public/track.html", form=form), 400 if form.is_submitted() else 200
    mobile = normalise_mobile(form.mobile.data)
    next_url = safe_next_url(form.next.data, "public.track") if form.next.data else None
    if not track_proof.take_try(form.reference.data):
        return render_error(429, TOO_MANY_TRIES)
    target = track_proof.match(load_by_reference(form.reference.data), mobile)
    if target is not None and (
        not current_app.config.get("MOBILE_VERIFICATION", True) or track_proof.owns_mobile(mobile)
    ):
        # No SMS in this deployment, or a signed-in resident whose account proved this mobile.
        reference = track_proof.remember(target)
        return redirect(next_url or url_for("public.track_request", reference=reference))
    if not current_app.config.get("MOBILE_VERIFICATION", True):
        form.reference.errors.append(_l("No request matches this reference and mobile number."))
        return render_template("public/track.html", form=form)
    code = track_proof.start(form.reference.data, mobile, next_url)
    return _code_page(mask_mobile(mobile), demo_code=code if shows_code_on_page() else None)


def _code_page(masked: str, form=None, *, demo_code=None, status: int = 200):
    page = render_template(
        "public/track_code.html",
        form=form or TrackCodeForm(formdata=None),
        masked=masked,
        demo_code=demo_code,
    )
    return page, status


@bp.route("/track/code", methods=["GET", "POST"])
def track_code():
    """The code sent by `/track`: right, the request (or the page asked for) opens."""
    waiting = track_proof.pending()
    if waiting is None:
        return redirect(url_for("public.track"), 303)
    masked = mask_mobile(waiting.mobile)
    if request.method == "GET":
        return _code_page(masked)
    if not track_proof.take_try(waiting.reference):
        return render_error(429, TOO_MANY_TRIES)
    if request.form.get("resend"):
        code = track_proof.start(waiting.reference, waiting.mobile, waiting.next_url)
        return _code_page(masked, demo_code=code if shows_code_on_page() else None)
    form = TrackCodeForm()
    if not form.validate_on_submit():
        return _code_page(masked, form, status=400)
    target = track_proof.prove(waiting, form.code.data)
    if target is None:
        form.code.errors.append(_l("The code is wrong or no longer valid. Check it, or send a new one."))
        return _code_page(masked, form, status=400)
    reference = track_proof.remember(target)
    return redirect(waiting.next_url or url_for("public.track_request", reference=reference), 303)


def _load_for_viewer(reference: str):
    """The request and who this browser follows it as: (request, None) for the applicant,
    (request, party) for another party; the proof page for anyone else."""
    found = load_by_reference(reference)
    if found is not None and applicant_may_see(found):
        return found, None
    party = party_viewing(found) if found is not None else None
    if party is None:
        ask_for_proof(reference)
    return found, party


def viewer_forms(request_obj, actor: str, submitted=None, offers=None):
    """A form for each action the applicant (or the other party) may take now (its guard
    allowing it: a refused one is explained in words instead, never offered)."""
    result = []
    if is_read_only(request_obj):
        return result
    for transition in (offers or viewer_offers(request_obj, actor)).allowed:
        if submitted is not None and submitted[0] == transition.action:
            result.append((transition, submitted[1]))
            continue
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
        end_writing()
    return _render_tracking(found, party)


def _render_tracking(found, party, submitted=None, status=200):
    kind = kind_of(found)
    viewer = PARTY if party else APPLICANT
    messages = messages_to(found, party.id if party else None)  # display-only rows (#40)
    events = events_for(timeline_events(found, viewer), viewer)
    offers = viewer_offers(found, viewer)
    forms = viewer_forms(found, viewer, submitted, offers)
    # The latest word from the office (e.g. the officer's message asking for materials, and
    # the note on the step that led here) goes at the top, before what the person can do
    # now; the messages and the history below keep it too.
    latest = next((e for e in reversed(events) if e.comment and e.to_status == found.status), None)
    latest_message = messages[-1] if messages else None
    return (
        render_template(
            "public/track_request.html",
            **partial_context(kind),
            request_obj=found,
            kind=kind,
            party=party,
            read_only=is_read_only(found),
            state=kind.workflow.state(found.status),
            steps=progress_steps(kind.workflow, found.status, [e.to_status for e in events if e.to_status]),
            latest_update=latest,
            latest_message=latest_message,
            events=events,
            messages=messages,
            forms=[(t, f) for t, f in forms if not t.needs_confirmation],
            confirmed_actions=[t for t, _f in forms if t.needs_confirmation],
            refusals=offers.refused,
            quick_exit_here=request_has_quick_exit(kind, found),
            rating_panel=None if party else rating_panel(found),  # the applicant's own view only
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
            actor_type=PARTY if party else APPLICANT,
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
    return attachments.download(applicant_request_or_proof(reference), attachment_id)
