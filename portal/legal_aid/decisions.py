"""Decisions in writing (SPEC §3): 准予 / 不予 / 终止法律援助决定书.

Each document names the reference, applicant, matter, decision, reasons and legal basis,
the remedies, the date and the issuing centre. It exists while its decision stands: a
refusal or termination the bureau ordered corrected is revoked and no longer offered.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.legal_aid import numbering
from portal.legal_aid.citations import cite, matter_article, refusal_articles
from portal.legal_aid.matters import CRIMINAL_DEFENCE
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.services import TERMINATION_GROUNDS

APPROVAL, REFUSAL, TERMINATION = "approval", "refusal", "termination"
DECISIONS = {
    APPROVAL: _l("Decision to grant legal aid"),
    REFUSAL: _l("Decision not to grant legal aid"),
    TERMINATION: _l("Decision to terminate legal aid"),
}


@dataclass(frozen=True)
class Decision:
    which: str
    title: object
    decided_at: datetime
    decision: object
    reasons: str
    legal_basis: object
    remedies: object | None
    #: 文号, from the document's own series (numbering).
    number: str | None = None


def decision_of(
    application: LegalAidApplication, which: str, objection_days: int | None = None, numbers=None
) -> Decision | None:
    """The standing decision document of this kind, or None. `numbers`: the application's
    document numbers (`numbering.numbers_of`), when the caller has read them already."""
    from flask import current_app

    def number(series: str) -> str | None:
        return numbering.number_of(application, series) if numbers is None else numbers.get(series)

    days = objection_days or current_app.config["LEGAL_AID_OBJECTION_DAYS"]
    a = application
    if which == APPROVAL and a.approved_at:
        return Decision(
            APPROVAL,
            DECISIONS[APPROVAL],
            a.approved_at,
            _l("Legal aid is granted. The legal aid centre assigns a lawyer to handle the matter."),
            a.approval_note or str(_l("The application meets the conditions for legal aid.")),
            legal_basis(a, APPROVAL),
            None,
            number(APPROVAL),
        )
    if which == REFUSAL and a.refused_at:
        return Decision(
            REFUSAL,
            DECISIONS[REFUSAL],
            a.refused_at,
            _l("Legal aid is not granted."),
            a.refusal_reasons or "",
            legal_basis(a, REFUSAL),
            _remedy(days, a, "refused"),
            number(REFUSAL),
        )
    if which == TERMINATION and a.terminated_at:
        ground = TERMINATION_GROUNDS.get(a.termination_ground or "", a.termination_ground or "")
        return Decision(
            TERMINATION,
            DECISIONS[TERMINATION],
            a.terminated_at,
            _l("Legal aid is terminated: %(ground)s.", ground=ground),
            a.termination_reasons or "",
            legal_basis(a, TERMINATION),
            _remedy(days, a, "terminated"),
            number(TERMINATION),
        )
    return None


#: Art. 48's items, in the order of TERMINATION_GROUNDS (一)-(八).
TERMINATION_ITEMS = {key: n for n, key in enumerate(TERMINATION_GROUNDS, start=1)}


def articles(application: LegalAidApplication, which: str) -> list[tuple[int, int | None]]:
    """The articles (number, item) of the Legal Aid Law this decision rests on, for this
    case: the matter (Art. 24 defence, 29 other criminal parties, 31 civil and
    administrative, 32 a claim without the hardship test), how the means were settled
    (Art. 34 the hardship standard, 42 a waiver on proof, none for a defence: Art. 24),
    Art. 39 for an application forwarded from custody, Art. 43 the decision itself; a
    termination cites its own item of Art. 48; a refusal on a named ground (out of scope,
    hardship not met) that ground's articles (citations.refusal_articles)."""
    if which == TERMINATION:
        return [(48, TERMINATION_ITEMS.get(application.termination_ground or ""))]
    if which == REFUSAL and (grounded := refusal_articles(application)):
        return grounded
    matter = application.matter_type
    cited = [(matter_article(application), None)]
    if application.claim_exemption:
        cited.append((32, None))
    elif application.exemption:
        cited.append((42, None))
    elif matter != CRIMINAL_DEFENCE:
        cited.append((34, None))
    if application.source == "detention":
        cited.append((39, None))
    cited.append((43, None))
    return sorted(cited)


def legal_basis(application: LegalAidApplication, which: str) -> str:
    """The articles cited, in the reader's language."""
    return cite(articles(application, which))


def _remedy(days: int, application: LegalAidApplication | None = None, which: str | None = None):
    if (
        application is not None
        and application.objection_outcome == "upheld"
        and application.objection_to == which
    ):
        return _l(
            "The county justice bureau reviewed your objection and upheld this decision. If you disagree, you may apply for administrative reconsideration or bring an administrative lawsuit according to law."
        )
    return _l(
        "If you disagree with this decision, you may object to the county justice bureau that set up the legal aid centre; the bureau decides within %(days)s days of receiving the objection (Legal Aid Law, Art. 49). File the objection on the tracking page.",
        days=days,
    )


def decisions_of(application: LegalAidApplication) -> list[Decision]:
    """The standing decisions of an application, oldest first."""
    a = application
    # The numbers read once, and only when a decision stands (a new application has none).
    numbers = numbering.numbers_of(a) if (a.approved_at or a.refused_at or a.terminated_at) else {}
    found = [d for which in DECISIONS if (d := decision_of(a, which, numbers=numbers))]
    return sorted(found, key=lambda d: d.decided_at)
