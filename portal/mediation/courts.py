"""The courts competent to confirm a mediation agreement (People's Mediation Law Art. 33;
Civil Procedure Law, confirming mediation agreements): the court that invited the mediation
for a court-commissioned case; otherwise a basic court of a party's domicile, of where the
subject matter is or of the committee, each from the setting MEDIATION_BASIC_COURTS."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.mediation.models import MediationCase

INVITING = _l("the court that commissioned the mediation")
SUBJECT = _l("where the dispute arose")
COMMITTEE = _l("where the committee sits")
OTHER = ("other", _l("Another basic court of a party's domicile"))
#: A court and why it is competent, punctuated as each language writes it (zh: full width).
COURT_AND_GROUNDS = _l("%(court)s (%(grounds)s)")
TWO_GROUNDS = _l("%(first)s; %(second)s")


def basic_court(township) -> str | None:
    courts = current_app.config.get("MEDIATION_BASIC_COURTS") or {}
    return courts.get(township.code if township is not None else "", None) or courts.get("")


def _label(court: str, grounds: list[str]) -> str:
    joined = grounds[0]
    for ground in grounds[1:]:
        joined = str(TWO_GROUNDS % {"first": joined, "second": ground})
    return str(COURT_AND_GROUNDS % {"court": court, "grounds": joined})


def competent_courts(case: MediationCase) -> list[tuple[str, str]]:
    """(court, label) choices: each competent court once, with why it is competent."""
    if case.channel == "court_commission" and case.referring_body:
        return [
            (
                case.referring_body,
                str(COURT_AND_GROUNDS % {"court": case.referring_body, "grounds": INVITING}),
            )
        ]
    grounds: dict[str, list[str]] = {}
    committee_township = case.committee.township if case.committee else None
    for township, ground in ((case.township, SUBJECT), (committee_township, COMMITTEE)):
        court = basic_court(township)
        if court and str(ground) not in grounds.setdefault(court, []):
            grounds[court].append(str(ground))
    return [(court, _label(court, why)) for court, why in grounds.items()] + [(OTHER[0], str(OTHER[1]))]
