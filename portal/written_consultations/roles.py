"""The staff role written consultations introduce."""

from flask_babel import lazy_gettext as _l

from portal.core.contract import StaffRole

DUTY = StaffRole("duty_lawyer", _l("Duty lawyer for written questions"))
