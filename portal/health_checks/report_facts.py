"""Who looked at what, frozen into each report version (SPEC §5, round 3): the team with
their firms, the visit dates, the scope (areas, documents seen), the limits, the organiser
and partners. A correction keeps the documents seen of the version it corrects."""

from portal.core.clock import to_local
from portal.health_checks.models import HealthCheck
from portal.health_checks.team import firm_of, organiser
from portal.health_checks.vocabulary import AREAS, LIMITS, PARTNERS


def report_facts(check: HealthCheck, documents_seen: str | None) -> dict:
    if not documents_seen and check.current_report is not None:
        documents_seen = check.current_report.facts.get("documents_seen")
    return {
        "team": [
            {"name": m.user.display_name, "firm": firm_of(m.user), "lead": m.is_lead}
            for m in check.active_team
        ],
        "visit_dates": [to_local(check.visit_at).date().isoformat()] if check.visit_at else [],
        "areas": [str(AREAS.get(a, a)) for a in check.area_codes],
        "documents_seen": documents_seen or "",
        "limits": str(LIMITS),
        "organiser": organiser(),
        "partners": [str(PARTNERS[p]) for p in check.partner_codes if p in PARTNERS],
    }
