"""What the bureau's reviewer of objections (Art. 49) sees of legal aid: the objections
under review, and the cases they decided; each of those whole (SPEC §1)."""

from sqlalchemy import or_, select

from portal.core.models import AuditEvent, ServiceRequest
from portal.core.registry import RoleScope
from portal.legal_aid.states import LegalAidState as S


def _reviewer_clause(user):
    decided = select(AuditEvent.request_id).where(AuditEvent.actor_id == user.id)
    return or_(ServiceRequest.status == S.OBJECTION, ServiceRequest.id.in_(decided))


def _reviewer_allows(application, user) -> bool:
    return application.status == S.OBJECTION or any(e.actor_id == user.id for e in application.events)


REVIEWER_SCOPE = RoleScope(clause=_reviewer_clause, allows=_reviewer_allows)
