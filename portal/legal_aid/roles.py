"""The staff role legal aid introduces."""

from flask_babel import lazy_gettext as _l

from portal.core.contract import StaffRole

OFFICER = StaffRole("legal_aid_officer", _l("Legal aid officer"))
#: The justice bureau's reviewer of objections to refusals and terminations (Art. 49).
REVIEWER = StaffRole("bureau_reviewer", _l("Bureau reviewer of legal aid objections"))
