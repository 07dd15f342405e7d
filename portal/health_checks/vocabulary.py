"""What a health check looks at (SPEC §5), its self-assessment questions and risk levels."""

from flask_babel import lazy_gettext as _l

from portal.accounts.specialties import HEALTH_CHECK_AREAS

#: The areas are the legal-service people's specialties of the same name (one vocabulary).
AREAS = HEALTH_CHECK_AREAS
#: One yes / no / not sure question per area; the answer in RISKY flags a likely risk.
QUESTIONS = {
    "governance": _l("Does a written rule say who may use the company seal, with a log of each use?"),
    "contracts": _l("Are important contracts reviewed by a lawyer or legal staff before signing?"),
    "labour": _l("Does every employee have a written labour contract?"),
    "ip": _l("Are your trademarks registered and your trade secrets covered by confidentiality agreements?"),
    "tax": _l("Are all invoices issued and received in line with tax rules?"),
    "safety": _l("Do you hold every safety and environmental permit your work needs?"),
    "data": _l("Do you have consent and a written policy for the personal information you collect?"),
    "financing": _l("Are all guarantees the company gave approved by its shareholders or board?"),
    "disputes": _l("Is the company free of lawsuits, arbitration and unpaid judgments?"),
}
ANSWERS = {"yes": _l("Yes"), "no": _l("No"), "unsure": _l("Not sure")}
RISKY = frozenset({"no", "unsure"})
MODES = {"onsite": _l("Visit at our premises"), "remote": _l("Remotely (documents and a video call)")}
RISK_LEVELS = {
    "high": _l("High (urgent)"),
    "medium": _l("Medium"),
    "low": _l("Low"),
}
FOLLOW_UP_RESULTS = {"resolved": _l("Resolved"), "unresolved": _l("Not resolved")}


def flagged_areas(answers: dict[str, str]) -> list[str]:
    """The areas whose self-assessment answer points to a likely risk."""
    return [area for area, answer in answers.items() if answer in RISKY]
