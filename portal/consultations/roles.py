"""The staff role consultation booking introduces."""

from flask_babel import lazy_gettext as _l

from portal.core.contract import StaffRole

DESK = StaffRole("consultation_desk", _l("Consultation desk"))
