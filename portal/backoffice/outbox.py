"""The outbox for supervisors and admins: what could not be delivered, what still waits,
and sending a failed message again (POST, audited).

Who may open it is declared once (portal.core.contract.CORE_STAFF_AREAS); the staff
guard enforces it for every page of this blueprint.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, func, or_, select

from portal.core.access import can_view
from portal.core.contract import CORE_STAFF_AREAS
from portal.core.messaging.delivery import FAILED, PENDING, SENDING, SENT, UNDELIVERED, resend
from portal.core.models import OutboxMessage, ServiceRequest
from portal.core.notifications import mask_recipient
from portal.core.services import record_event
from portal.extensions import db
from portal.safe_urls import safe_next_url

bp = Blueprint("outbox", __name__, url_prefix="/staff/outbox")
audit_log = logging.getLogger("portal.audit")
PAGE_SIZE = 100
#: The page's tabs: what each shows.
VIEWS = {
    "failed": (
        _l("Not delivered"),
        or_(OutboxMessage.status == FAILED, OutboxMessage.delivery == UNDELIVERED),
    ),
    "waiting": (_l("Waiting or retrying"), OutboxMessage.status.in_((PENDING, SENDING))),
}
STATUS_LABELS = {
    PENDING: _l("Waiting"),
    SENDING: _l("Being sent"),
    SENT: _l("Sent"),
    FAILED: _l("Failed"),
}


def may_resend(user) -> bool:
    """The roles of the outbox page may send a failed message again."""
    return bool(user.is_authenticated and user.is_staff and user.has_role(*CORE_STAFF_AREAS["outbox"]))


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A message about a request that finally failed, as its staff detail page lists it."""

    id: int
    created_at: datetime
    channel: str
    masked_recipient: str
    status_label: str
    last_error: str | None
    body: str


_UNDELIVERED = (
    select(
        OutboxMessage.id,
        OutboxMessage.created_at,
        OutboxMessage.channel,
        OutboxMessage.recipient,
        OutboxMessage.status,
        OutboxMessage.delivery,
        OutboxMessage.last_error,
        OutboxMessage.body,
    )
    .where(OutboxMessage.request_id == bindparam("request_id"), VIEWS["failed"][1])
    .order_by(OutboxMessage.id)
)


def undelivered_messages(request_obj: ServiceRequest) -> list[Undelivered]:
    """The messages about one request that finally failed, for its staff detail page (passed
    by its view: no app-wide template global), read as the rows the page shows."""
    return [
        Undelivered(
            row.id,
            row.created_at,
            row.channel,
            mask_recipient(row.recipient),
            status_label(row.status, row.delivery),
            row.last_error,
            row.body,
        )
        for row in db.session.execute(_UNDELIVERED, {"request_id": request_obj.id})
    ]


def status_label(status: str, delivery: str | None) -> str:
    if delivery == UNDELIVERED:
        return str(_l("Not delivered (gateway receipt)"))
    return str(STATUS_LABELS.get(status, status))


def message_status_label(message: OutboxMessage) -> str:
    return status_label(message.status, message.delivery)


def masked_recipient(message: OutboxMessage) -> str:
    return mask_recipient(message.recipient)


@bp.get("/")
def page():
    """Messages that could not be delivered (or are still waiting), newest first."""
    view = request.args.get("view", "failed")
    if view not in VIEWS:
        view = "failed"
    rows = db.session.execute(
        select(OutboxMessage, ServiceRequest.reference)
        .outerjoin(ServiceRequest, ServiceRequest.id == OutboxMessage.request_id)
        .where(VIEWS[view][1])
        .order_by(OutboxMessage.id.desc())
        .limit(PAGE_SIZE)
    ).all()
    counts = {
        name: db.session.scalar(select(func.count()).select_from(OutboxMessage).where(clause))
        for name, (_label, clause) in VIEWS.items()
    }
    return render_template(
        "backoffice/outbox.html",
        rows=rows,
        view=view,
        views=VIEWS,
        counts=counts,
        page_size=PAGE_SIZE,
        masked_recipient=masked_recipient,
        message_status_label=message_status_label,
        outbox_request_link=request_link,
    )


@bp.post("/<int:message_id>/resend")
def resend_message(message_id: int):
    """Send a failed message again from a first attempt, and record who did."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    back = safe_next_url(request.form.get("next"), "outbox.page")
    if not resend(message):
        flash(_l("This message has not failed: it is not sent again."), "error")
        return redirect(back, 303)
    found = db.session.get(ServiceRequest, message.request_id) if message.request_id else None
    if found is not None:
        record_event(
            found,
            "resend_message",
            user=current_user,
            comment=f"#{message.id} {mask_recipient(message.recipient)}",
        )
    else:  # a message about no request (e.g. a waiting-list offer): the audit log keeps it
        audit_log.info("outbox message %s queued again by staff %s", message.id, current_user.id)
    db.session.commit()
    flash(_l("The message is queued again; the sender delivers it on its next run."), "success")
    return redirect(back, 303)


def request_link(reference: str | None, message: OutboxMessage):
    """A link to the request's detail page when this user may open it."""
    if reference is None:
        return None
    found = db.session.get(ServiceRequest, message.request_id)
    return (
        url_for("backoffice.detail", reference=reference) if found and can_view(current_user, found) else None
    )
