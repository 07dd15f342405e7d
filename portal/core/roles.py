"""The roles every deployment has (SPEC §1); capabilities declare their own (`StaffRole`).
The core owns them: its access rules read them (portal.accounts.roles re-exports them)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    """A core role: administration, supervision, and the legal-service person (lawyer)."""

    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    #: A legal-service person: sees and works only the cases of any capability assigned to them.
    LAWYER = "lawyer"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
    Role.LAWYER: _l("Lawyer"),
}
