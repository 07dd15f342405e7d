"""The choices of a mediation application, with their labels."""

from flask_babel import lazy_gettext as _l

DISPUTE_TYPES = {
    "neighbours": _l("Neighbours"),
    "family": _l("Marriage and family"),
    "land": _l("Land and property"),
    "labour": _l("Labour and wages"),
    "debt": _l("Debts"),
    "traffic": _l("Traffic accident"),
    "medical": _l("Medical"),
    "consumer": _l("Consumer"),
    "other": _l("Other"),
}
CHANNELS = {
    "online": _l("Online application"),
    "counter": _l("In person at a committee or justice office"),
    "initiative": _l("Taken up by a committee on its own"),
}
AGREEMENT_FORMS = {
    "written": _l("Written agreement, signed by both parties"),
    "oral": _l("Oral agreement, recorded by the mediator"),
}
PERFORMANCE = {
    "performed": _l("Performed in full"),
    "partly": _l("Partly performed"),
    "not_performed": _l("Not performed"),
}
COMMITTEE_KINDS = {
    "township": _l("Township committee"),
    "village": _l("Village or community committee"),
    "industry": _l("Industry committee"),
}
