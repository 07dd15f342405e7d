"""The roles every deployment has (SPEC §1), owned by the core (portal.core.roles): the
core's access rules read them, and the core imports nothing above it."""

from portal.core.roles import ROLE_LABELS, Role

__all__ = ["ROLE_LABELS", "Role"]
