"""The audit trail: one event appended to a request's history, addressed to whose timeline
shows it. Written by the services and by the core's own steps (e.g. a safe-contact delivery)."""

from portal.core.clock import utcnow
from portal.core.models import AuditEvent, ServiceRequest
from portal.core.workflow import STAFF
from portal.extensions import db


def record_event(
    service_request: ServiceRequest,
    action: str,
    *,
    user=None,
    actor_type: str = STAFF,
    from_status: str | None = None,
    to_status: str | None = None,
    comment: str | None = None,
    audience: str = STAFF,
) -> AuditEvent:
    """Append one audit event to the request's trail, addressed to `audience` (APPLICANT,
    PARTY, BOTH or STAFF: whose timeline shows it)."""
    event = AuditEvent(
        request=service_request,
        action=action,
        actor_id=getattr(user, "id", None),
        actor_type=actor_type,
        from_status=from_status,
        to_status=to_status,
        comment=comment or None,
        audience=audience,
        created_at=utcnow(),
    )
    db.session.add(event)
    return event
