"""The fixed lists of consultation booking (SPEC §4)."""

from flask_babel import lazy_gettext as _l

CHANNELS = {
    "in_person": _l("In person"),
    "phone": _l("Phone call-back"),
    "video": _l("Video call"),
}
TOPICS = {
    "family": _l("Marriage and family"),
    "labour": _l("Labour and employment"),
    "contracts": _l("Contracts and debts"),
    "property": _l("Property and land"),
    "traffic": _l("Traffic accidents"),
    "criminal": _l("Criminal matters"),
    "administrative": _l("Administrative matters"),
    "enterprise": _l("Enterprise matters"),
    "other": _l("Other"),
}
REFERRALS = {
    "": _l("No referral"),
    "legal_aid": _l("Legal aid"),
    "mediation": _l("Mediation"),
    "notarisation": _l("Notarisation"),
}
POINT_KINDS = {
    "centre": _l("County public legal service centre"),
    "justice_office": _l("Township justice office"),
    "mediation_studio": _l("Enterprise mediation studio"),
}
WEEKDAYS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday")]
