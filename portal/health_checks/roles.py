"""The staff role enterprise health checks introduce (the lawyers hold the core lawyer role)."""

from flask_babel import lazy_gettext as _l

from portal.core.contract import StaffRole

COORDINATOR = StaffRole("health_check_coordinator", _l("Health check coordinator"))
