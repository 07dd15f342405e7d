"""Enterprise legal health checks declare themselves (SPEC §13); the request kind is still to come."""

from flask_babel import lazy_gettext as _l

from portal.core.contract import Capability, HomeCard, StaffRole
from portal.health_checks.views import TITLE, bp

COORDINATOR = StaffRole("health_check_coordinator", _l("Health check coordinator"))

CAPABILITY = Capability(
    name="health_checks",
    label=TITLE,
    blueprints=(bp,),
    roles=(COORDINATOR,),
    home_card=HomeCard(
        "health_checks.index",
        TITLE,
        _l("A lawyer team checks your company's legal risks and reports what to fix."),
    ),
)
