"""Labels of the adviser pages' choices, and the public work phone format."""

import re

from flask_babel import lazy_gettext as _l

from portal.core.identity import normalise_mobile

ADVISER_PROFESSIONS = {"lawyer": _l("Lawyer"), "legal_worker": _l("Grassroots legal worker")}
VILLAGE_TYPES = {"village": _l("Village"), "community": _l("Community")}
SERVICE_TYPES = {
    "mediation": _l("Mediations joined"),
    "village_service": _l("Legal services to the village"),
    "resident_service": _l("Services to residents"),
    "education": _l("Legal education events"),
    "other": _l("Other"),
}
TOPICS = {
    "land": _l("Land, housing and contracts"),
    "family": _l("Marriage, family and inheritance"),
    "labour": _l("Work and wages"),
    "neighbours": _l("Neighbours and village affairs"),
    "debts": _l("Debts and loans"),
    "injury": _l("Accidents and injuries"),
    "other": _l("Something else"),
}
PREFERRED_TIMES = {
    "any": _l("Any time"),
    "weekday_morning": _l("Weekday mornings"),
    "weekday_afternoon": _l("Weekday afternoons"),
    "weekday_evening": _l("Weekday evenings"),
    "weekend": _l("Weekends"),
}
LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})$")


def normalise_phone(value: str) -> str | None:
    """A mobile (11 digits) or a landline with area code (0731-84000000), else None."""
    if mobile := normalise_mobile(value):
        return mobile
    compact = re.sub(r"[\s()（）]", "", value or "")
    match = LANDLINE.match(compact)
    return f"{match.group(1)}-{match.group(2)}" if match else None
