"""The staff role the adviser directory introduces (advisers themselves hold the core lawyer role)."""

from flask_babel import lazy_gettext as _l

from portal.core.contract import StaffRole

ADVISER_ADMIN = StaffRole("adviser_admin", _l("Adviser administrator"))
