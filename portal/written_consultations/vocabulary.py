"""Choices of written questions: topics and referrals."""

from flask_babel import lazy_gettext as _l

TOPICS = {
    "labour": _l("Work and wages"),
    "family": _l("Marriage and family"),
    "land": _l("Land and housing"),
    "debt": _l("Loans and debts"),
    "traffic": _l("Traffic accidents"),
    "consumer": _l("Shopping and services"),
    "other_topic": _l("Something else"),
}

#: What the answerer may refer the person to, beyond the written answer.
REFERRALS = {
    "": _l("No referral"),
    "legal_aid": _l("Apply for legal aid"),
    "mediation": _l("People's mediation"),
    "booking": _l("Book a consultation"),
}
#: Where each referral starts (an endpoint of another capability, when it is enabled).
REFERRAL_ENDPOINTS = {
    "legal_aid": "legal_aid.apply",
    "mediation": "mediation.apply",
    "booking": "consultations.book",
}

#: How a logged consultation reached the bureau (the booked and written ones are requests).
CHANNELS = {
    "call": _l("12348 call"),
    "walk_in": _l("Walk-in visit"),
    "outreach": _l("Outreach event"),
}
