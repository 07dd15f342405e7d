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
    "court_told": _l("A court told the parties to apply"),
    "police_told": _l("The police told the parties to apply"),
    "court_commission": _l("Commissioned by a court before filing"),
    "other_body": _l("Referred by another body"),
}
#: Channels where another body referred the case: its name and document number are kept.
REFERRED_CHANNELS = ("court_told", "police_told", "court_commission", "other_body")
AGREEMENT_FORMS = {
    "written": _l("Written agreement, signed by both parties"),
    "oral": _l("Oral agreement, recorded by the mediator"),
}
PERFORMANCE = {
    "performed": _l("Performed in full"),
    "partly": _l("Partly performed"),
    "not_performed": _l("Not performed"),
}
COMMITTEE_LEVELS = {
    "county": _l("County committee"),
    "township": _l("Township committee"),
    "village": _l("Village or community committee"),
    "industry": _l("Industry or enterprise committee"),
}
#: The state where the other party did not agree (a state label and a report figure).
NOT_AGREED_LABEL = _l("The other party did not agree")
PRIVACY = {
    "private": _l("Not public: only the parties and the mediators attend"),
    "public": _l("Public: others may attend"),
}
ESCALATION_LEVELS = {
    "low": _l("Low risk"),
    "medium": _l("Medium risk"),
    "high": _l("High risk: may turn violent or criminal"),
}
ESCALATION_STEPS = {
    "separated": _l("Parties kept apart"),
    "village": _l("Village or community committee told"),
    "police": _l("Reported to the police"),
}
#: What the court decided on a joint application for judicial confirmation (Art. 33).
CONFIRMATION_RESULTS = {
    "confirmed": _l("Confirmed valid: enforceable"),
    "refused": _l("Application refused"),
}
