"""The roles a staff account may hold (SPEC §1)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    """A staff or lawyer role; a user may hold several."""

    LEGAL_AID_OFFICER = "legal_aid_officer"
    CONSULTATION_DESK = "consultation_desk"
    HEALTH_CHECK_COORDINATOR = "health_check_coordinator"
    ADVISER_ADMIN = "adviser_admin"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    LAWYER = "lawyer"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.LEGAL_AID_OFFICER: _l("Legal aid officer"),
    Role.CONSULTATION_DESK: _l("Consultation desk"),
    Role.HEALTH_CHECK_COORDINATOR: _l("Health check coordinator"),
    Role.ADVISER_ADMIN: _l("Adviser administrator"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
    Role.LAWYER: _l("Lawyer"),
}

STAFF_ROLES = frozenset(Role)
