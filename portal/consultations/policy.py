"""Who may do what at a consultation desk, on the engine's own predicates (one access policy).

Serving people (walk-ins, check-in, closing today, blocking a slot) is a booking transition
or leads to one, so it needs exactly what the engine asks of a check-in: the desk role and
the service point in the user's scope. Opening hours and closures are also kept by admins;
supervisors read every desk.
"""

from sqlalchemy import select

from portal.accounts.roles import Role
from portal.consultations.models import ServicePoint, StaffServicePoint
from portal.core.access import works_queue
from portal.core.registry import kind_for_code
from portal.extensions import db

KIND_CODE = "CB"


def points_of(user):
    """The ids of the service points a desk user works, as a subquery."""
    return select(StaffServicePoint.service_point_id).where(StaffServicePoint.user_id == user.id)


def works_point(user, point: ServicePoint) -> bool:
    return point.id in set(db.session.scalars(points_of(user)))


def can_serve_at(user, point: ServicePoint) -> bool:
    """Register walk-ins and take booking actions at this point (the engine's desk scope)."""
    return works_queue(user, kind_for_code(KIND_CODE)) and works_point(user, point)


def can_manage_point(user, point: ServicePoint) -> bool:
    """Keep the point's opening hours, closures and blocked slots."""
    return user.has_role(Role.ADMIN) or can_serve_at(user, point)


def can_read_desk(user, point: ServicePoint) -> bool:
    """See the point's day view."""
    return user.has_role(Role.SUPERVISOR) or can_manage_point(user, point)


def sees_every_point(user) -> bool:
    return user.has_role(Role.ADMIN, Role.SUPERVISOR)
