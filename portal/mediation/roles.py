"""The staff roles people's mediation introduces."""

from flask_babel import lazy_gettext as _l

from portal.core.contract import StaffRole

COORDINATOR = StaffRole("mediation_coordinator", _l("Mediation coordinator"))
#: A people's mediator (人民调解员): sees and works only the cases assigned to them.
MEDIATOR = StaffRole("mediator", _l("People's mediator"))
