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
    # Asked the plain way round (no double negative): here "yes" is the answer to look at.
    "disputes": _l("Does the company have a lawsuit, an arbitration or an unpaid judgment now?"),
}
ANSWERS = {"yes": _l("Yes"), "no": _l("No"), "unsure": _l("Not sure")}
RISKY = frozenset({"no", "unsure"})
#: Questions where "yes" is the answer that points to a risk.
RISKY_BY_AREA = {"disputes": frozenset({"yes", "unsure"})}
MODES = {"onsite": _l("Visit at our premises"), "remote": _l("Remotely (documents and a video call)")}
RISK_LEVELS = {
    "high": _l("High (urgent)"),
    "medium": _l("Medium"),
    "low": _l("Low"),
}
FOLLOW_UP_RESULTS = {"resolved": _l("Resolved"), "unresolved": _l("Not resolved")}


#: Public bodies that organise checks with the bureau (the county ran its own with the 工信局).
PARTNERS = {
    "industry": _l("Bureau of Industry and Information Technology"),
    "federation": _l("Federation of Industry and Commerce"),
}
#: The team's pledge, when the setting HEALTH_CHECK_PLEDGE_TEXT is empty.
DEFAULT_PLEDGE = _l(
    "I keep confidential everything I learn about the enterprise during this check: its "
    "documents, contracts, finances and trade secrets. I use it only for this check. I do not "
    "offer the enterprise paid services, and do not act against it, because of this check. "
    "If the enterprise reports a breach, the bureau looks into it."
)
#: What the check is not, printed on every report.
LIMITS = _l(
    "This check is free and looks only at the areas and documents listed. It is not a full "
    "legal audit: it does not certify that the enterprise complies with every law, and it is "
    "not legal advice on a particular dispute."
)


def is_risky(area: str, answer: str) -> bool:
    return answer in RISKY_BY_AREA.get(area, RISKY)


def flagged_areas(answers: dict[str, str]) -> list[str]:
    """The areas whose self-assessment answer points to a likely risk."""
    return [area for area, answer in answers.items() if is_risky(area, answer)]
