"""Decisions in writing (SPEC §3): 准予 / 不予 / 终止法律援助决定书.

Each document names the reference, applicant, matter, decision, reasons and legal basis,
the remedies, the date and the issuing centre. It exists while its decision stands: a
refusal or termination the bureau ordered corrected is revoked and no longer offered.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

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


def decision_of(
    application: LegalAidApplication, which: str, objection_days: int | None = None
) -> Decision | None:
    """The standing decision document of this kind, or None."""
    from flask import current_app

    days = objection_days or current_app.config["LEGAL_AID_OBJECTION_DAYS"]
    a = application
    if which == APPROVAL and a.approved_at:
        return Decision(
            APPROVAL,
            DECISIONS[APPROVAL],
            a.approved_at,
            _l("Legal aid is granted. The legal aid centre assigns a lawyer to handle the matter."),
            a.approval_note or str(_l("The application meets the conditions for legal aid.")),
            _l("Legal Aid Law of the People's Republic of China, Arts. 31, 34, 41 and 43"),
            None,
        )
    if which == REFUSAL and a.refused_at:
        return Decision(
            REFUSAL,
            DECISIONS[REFUSAL],
            a.refused_at,
            _l("Legal aid is not granted."),
            a.refusal_reasons or "",
            _l("Legal Aid Law of the People's Republic of China, Arts. 31, 34 and 43"),
            _remedy(days, a, "refused"),
        )
    if which == TERMINATION and a.terminated_at:
        ground = TERMINATION_GROUNDS.get(a.termination_ground or "", a.termination_ground or "")
        return Decision(
            TERMINATION,
            DECISIONS[TERMINATION],
            a.terminated_at,
            _l("Legal aid is terminated: %(ground)s.", ground=ground),
            a.termination_reasons or "",
            _l("Legal Aid Law of the People's Republic of China, Art. 48"),
            _remedy(days, a, "terminated"),
        )
    return None


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
    found = [d for which in DECISIONS if (d := decision_of(application, which))]
    return sorted(found, key=lambda d: d.decided_at)
