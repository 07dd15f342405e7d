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
POINT_TYPES = {
    "centre": _l("County public legal service centre"),
    "justice_office": _l("Township justice office"),
    "mediation_studio": _l("Enterprise mediation studio"),
}
WEEKDAYS = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]
#: What to bring to a consultation, per topic (your identity card always).
WHAT_TO_BRING = {
    "family": _l("Marriage certificate or divorce papers, household register, papers on shared property."),
    "labour": _l("Labour contract, pay slips or bank statements, any notice of dismissal."),
    "contracts": _l("The contract, IOUs, receipts and messages about the debt."),
    "property": _l("Property or land-use certificates, contracts and any official decisions."),
    "traffic": _l("The traffic police accident report, medical records and bills."),
    "criminal": _l("Any notice from the police, procuratorate or court."),
    "administrative": _l("The administrative decision and any papers you received with it."),
    "enterprise": _l("Business licence, contracts and correspondence on the matter."),
    "other": _l("Any papers about your question."),
}
