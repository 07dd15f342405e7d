"""What staff do on a request's detail page: claim it, take a workflow action, add a note,
write to the applicant or the other party, reassign it."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.backoffice.detail_views import load_for_change, render_detail
from portal.backoffice.queue_views import handlers_for
from portal.backoffice.views import bp
from portal.core import attachments
from portal.core.access import (
    can_reassign,
    can_take,
)
from portal.core.choices import options
from portal.core.clock import utcnow
from portal.core.forms import (
    ActionForm,
    MessageForm,
    NoteForm,
    PartyMessageForm,
    ReassignForm,
)
from portal.core.registry import kind_of
from portal.core.services import (
    add_note,
    claim,
    message_applicant,
    message_party,
    perform,
    preview_notice,
    reassign,
)
from portal.core.workflow import STAFF, WorkflowError
from portal.extensions import db
from portal.safe_urls import safe_next_url


def back_to_detail(found, message=None, category="success"):
    if message:
        flash(message, category)
    return redirect(url_for("backoffice.detail", reference=found.reference), 303)


def conflict_page(found, error: WorkflowError):
    db.session.rollback()
    db.session.refresh(found)
    messages = {
        403: _l("You may not take this action on this request."),
        409: _l("Someone else changed this request first. Here is its current state."),
    }
    flash(getattr(error, "message", None) or messages.get(error.status_code, messages[409]), "error")
    return render_detail(found, status=error.status_code)


@bp.post("/requests/<reference>/claim")
def claim_request(reference: str):
    """Take an unassigned request; of two officers at once, exactly one gets it."""
    found = load_for_change(reference)
    if found.handler_id is not None and found.handler_id == current_user.id:
        return back_to_detail(
            found, _l("The request is yours now.")
        )  # sent twice, or it became theirs by acting on it
    if found.handler_id is not None:
        flash(_l("%(name)s took this request first.", name=found.handler.display_name), "error")
        return render_detail(found, status=409)
    try:
        claim(found, current_user)
        db.session.commit()
    except WorkflowError as error:
        return conflict_page(found, error)
    return back_to_detail(found, _l("The request is yours now."))


@bp.post("/requests/<reference>/actions/<action>")
def take_action(reference: str, action: str):
    """Take one declared transition with its form."""
    found = load_for_change(reference)
    transition = kind_of(found).workflow.transition(action)
    if transition is None or transition.actor != STAFF or found.status not in transition.sources:
        flash(_l("This action is not possible in the request's current state."), "error")
        return render_detail(found, status=409)
    if not can_take(current_user, found, transition):
        abort(403)
    if transition.guard is not None and (reason := transition.guard(found, utcnow())):
        flash(reason, "error")  # refused now whatever was typed: say why, not which field is wrong
        return render_detail(found, status=409)
    form = (transition.form or ActionForm)(prefix=action)
    form.prepare(found)
    if not form.validate_on_submit():
        return render_detail(found, submitted=(action, form), status=400)
    version = form.version.data
    if transition.preview and request.form.get("preview"):
        try:
            text = preview_notice(
                found, action, user=current_user, data=form.transition_data(), comment=form.comment.data
            )
        except WorkflowError as error:
            return conflict_page(found, error)
        db.session.refresh(found)
        return render_detail(found, submitted=(action, form), previews={action: text})
    try:
        perform(
            found,
            action,
            user=current_user,
            data=attachments.stage_checked(form.transition_data()),
            comment=form.comment.data,
            expected_version=int(version) if (version or "").isdigit() else None,
        )
        db.session.commit()
    except WorkflowError as error:
        return conflict_page(found, error)
    if request.form.get("next"):  # e.g. back to the desk's day view
        flash(_l("Done: %(action)s.", action=transition.label), "success")
        return redirect(safe_next_url(request.form["next"], "backoffice.home"), 303)
    return back_to_detail(found, _l("Done: %(action)s.", action=transition.label))


@bp.post("/requests/<reference>/notes")
def add_internal_note(reference: str):
    """Add a staff-only note."""
    found = load_for_change(reference)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_detail(found, note_form=form, status=400)
    add_note(found, current_user, form.body.data.strip())
    db.session.commit()
    return back_to_detail(found, _l("Note added."))


@bp.post("/requests/<reference>/message")
def send_message(reference: str):
    """Write to the applicant (portal inbox and SMS)."""
    found = load_for_change(reference)
    form = MessageForm()
    if not form.validate_on_submit():
        return render_detail(found, message_form=form, status=400)
    message_applicant(found, current_user, form.body.data.strip())
    db.session.commit()
    return back_to_detail(found, _l("Message sent to the applicant."))


@bp.post("/requests/<reference>/parties/<int:party_id>/message")
def send_party_message(reference: str, party_id: int):
    """Write to another party of the request (their inbox, and SMS when a mobile is known)."""
    found = load_for_change(reference)
    party = next((p for p in found.parties if p.id == party_id and p.notified_at is not None), None)
    if party is None:
        abort(404)  # a party who has not been told of the request yet gets nothing
    form = PartyMessageForm(prefix=f"party{party.id}")
    if not form.validate_on_submit():
        return render_detail(found, party_forms={party.id: form}, status=400)
    message_party(found, party, current_user, form.body.data.strip())
    db.session.commit()
    return back_to_detail(found, _l("Message sent to %(name)s.", name=party.name))


@bp.post("/requests/<reference>/reassign")
def reassign_request(reference: str):
    """A supervisor hands the request to another officer."""
    found = load_for_change(reference)
    if not can_reassign(current_user, found):
        abort(403)
    form = ReassignForm()
    candidates = {u.id: u for u in handlers_for(kind_of(found))}
    form.handler.choices = options((u.id, u.display_name) for u in candidates.values())
    if not form.validate_on_submit():
        return render_detail(found, status=400)
    try:
        reassign(found, candidates[form.handler.data], by=current_user, comment=form.comment.data)
        db.session.commit()
    except WorkflowError as error:
        return conflict_page(found, error)
    return back_to_detail(found, _l("Reassigned."))
