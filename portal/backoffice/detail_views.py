"""The staff detail page of a request: loading it for this person, the action forms it
offers, revealing the ID number and its files."""

from flask import abort, render_template
from flask_login import current_user

from portal.backoffice import detail_rows, outbox
from portal.backoffice.queue_views import handlers_for
from portal.backoffice.views import bp
from portal.core import attachments
from portal.core.access import (
    audience_labels,
    can_change_mobile,
    can_claim,
    can_reassign,
    can_view,
    is_read_only,
    queue_scope,
    refuse_if_read_only,
)
from portal.core.choices import options
from portal.core.duplicates import probable_duplicates
from portal.core.forms import (
    ActionForm,
    MessageForm,
    MobileChangeForm,
    NoteForm,
    PartyMessageForm,
    ReassignForm,
)
from portal.core.models import ReadAudit
from portal.core.offers import staff_offers
from portal.core.registry import kind_of, partial_context
from portal.core.services import (
    load_by_reference,
)
from portal.extensions import db


def load_for_staff(reference: str):
    found = load_by_reference(reference)
    if found is None:
        abort(404)
    if not can_view(current_user, found):
        abort(403)
    return found


def load_for_change(reference: str):
    """The request, for a change by this staff user: never one whose service is switched off."""
    found = load_for_staff(reference)
    refuse_if_read_only(found)
    return found


def action_forms(found, submitted=None, offers=None):
    """A form for each transition this user may take now (its guard allowing it)."""
    forms = []
    for transition in (offers or staff_offers(current_user, found)).allowed:
        if submitted and submitted[0] == transition.action:
            forms.append((transition, submitted[1]))
            continue
        form = (transition.form or ActionForm)(prefix=transition.action, version=found.version, formdata=None)
        form.prepare(found)
        forms.append((transition, form))
    return forms


def render_detail(
    found,
    *,
    submitted=None,
    reveal=False,
    status=200,
    note_form=None,
    message_form=None,
    party_forms=None,
    previews=None,
    mobile_form=None,
    delivery_form=None,
):
    from portal.backoffice.safe_contact import NoticeDeliveredForm
    from portal.core.safe_contact import PIN_MAX_TRIES

    kind = kind_of(found)
    read_only = is_read_only(found)
    offers = staff_offers(current_user, found)
    reassign_form = None
    if can_reassign(current_user, found):
        reassign_form = ReassignForm(formdata=None)
        reassign_form.handler.choices = options((u.id, u.display_name) for u in handlers_for(kind))
    return (
        render_template(
            "backoffice/detail.html",
            **partial_context(kind),
            request_obj=found,
            kind=kind,
            read_only=read_only,
            # The kind's partial is shown only while its service runs (detail.html).
            detail=kind.detail_model(found) if kind.detail_model and not read_only else {},
            # Only an open request is flagged (probable_duplicates): a closed one asks nothing.
            duplicate_of=probable_duplicates(kind, [found.id], queue_scope(current_user, kind)).get(found.id)
            if found.is_open
            else None,
            state=kind.workflow.state(found.status),
            forms=action_forms(found, submitted, offers),
            refusals=offers.refused,
            previews=previews or {},
            can_claim=can_claim(current_user, found),
            reassign_form=reassign_form,
            # A switched-off service's request is read only: no form to build for it.
            note_form=None if read_only else note_form or NoteForm(formdata=None),
            message_form=None if read_only else message_form or MessageForm(formdata=None),
            # Only a kind with other parties (its party_template) has any to write to.
            party_forms=[
                (p, (party_forms or {}).get(p.id) or PartyMessageForm(prefix=f"party{p.id}", formdata=None))
                for p in found.parties
                if p.notified_at is not None
            ]
            if kind.party_template and not read_only
            else [],
            reveal=reveal,
            audience_labels=audience_labels(kind),
            mobile_form=(mobile_form or MobileChangeForm(formdata=None))
            if can_change_mobile(current_user, found)
            else None,
            delivery_form=(delivery_form or NoticeDeliveredForm(formdata=None))
            if found.safe_contact and can_change_mobile(current_user, found)
            else None,
            pin_locked=found.safe_contact and found.pin_tries >= PIN_MAX_TRIES,
            files=detail_rows.files_of(found),
            notes=detail_rows.notes_of(found),
            audit_trail=detail_rows.audit_trail(found),
            read_audit=detail_rows.id_viewings(found),
            # A switched-off service's page lists no undelivered message (detail.html).
            undelivered=[] if read_only else outbox.undelivered_messages(found),
            may_resend=outbox.may_resend(current_user),
        ),
        status,
    )


@bp.get("/requests/<reference>")
def detail(reference: str):
    """All data, files, audit timeline, notes and the actions allowed now."""
    return render_detail(load_for_staff(reference))


@bp.post("/requests/<reference>/reveal-id")
def reveal_id(reference: str):
    """Show the full ID number once, and record who saw it (audit of reading): of a kind
    that declares where it keeps one (`RequestKind.id_attributes`), when it has one."""
    found = load_for_staff(reference)
    kind = kind_of(found)
    if not any(getattr(found, name, None) for name in kind.id_attributes):
        abort(404)
    db.session.add(ReadAudit(request_id=found.id, user_id=current_user.id, what="id_number"))
    db.session.commit()
    return render_detail(found, reveal=True)


@bp.get("/requests/<reference>/attachments/<int:attachment_id>")
def attachment(reference: str, attachment_id: int):
    """Download a file of a request this user may see."""
    return attachments.download(load_for_staff(reference), attachment_id)
