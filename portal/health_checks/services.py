"""Health-check work outside the status machine: the request, findings, fixes, follow-up results."""

import json
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal.accounts.enterprises import Enterprise
from portal.accounts.profiles import legal_service_people
from portal.accounts.specialties import Profession
from portal.core.clock import utcnow
from portal.core.services import record_event, submit
from portal.core.workflow import APPLICANT
from portal.health_checks.models import Finding, HealthCheck


@dataclass(frozen=True)
class CheckRequest:
    """What a verified enterprise member asks for."""

    areas: list[str]
    mode: str
    preferred_dates: str | None
    notes: str | None
    answers: dict[str, str]
    industry: str
    employees: int
    township_id: int
    park: str | None


@dataclass(frozen=True)
class FindingDetails:
    area: str
    risk: str
    finding: str
    legal_basis: str
    recommendation: str
    fix_by: date | None


def request_check(enterprise: Enterprise, member_user, details: CheckRequest, locale: str) -> HealthCheck:
    """Record the enterprise's details and its request; the member is the applicant."""
    enterprise.industry = details.industry
    enterprise.employees = details.employees
    enterprise.township_id = details.township_id
    enterprise.park = details.park
    check = HealthCheck(
        enterprise_id=enterprise.id,
        applicant_name=enterprise.name,
        applicant_mobile=member_user.mobile,
        township_id=details.township_id,
        areas=",".join(details.areas),
        mode=details.mode,
        preferred_dates=details.preferred_dates,
        enterprise_notes=details.notes,
        self_assessment=json.dumps(details.answers) if details.answers else None,
    )
    return submit(check, user=member_user, locale=locale)


def team_candidates() -> list[tuple]:
    """Lawyers with a legal-service profile, labelled with their specialties and years of practice."""
    candidates = []
    for person in legal_service_people(profession=Profession.LAWYER):
        parts = [person.user.display_name, "、".join(str(label) for label in person.specialty_labels)]
        if (years := person.years_practising()) is not None:
            parts.append(ngettext("%(num)d year of practice", "%(num)d years of practice", years))
        candidates.append((person.user, " · ".join(p for p in parts if p)))
    return candidates


def add_finding(check: HealthCheck, by, details: FindingDetails) -> Finding:
    finding = Finding(check_id=check.id, created_by_id=by.id, **details.__dict__)
    check.findings.append(finding)
    record_event(check, "finding", user=by, comment=f"{details.area}/{details.risk}")
    return finding


def mark_fixed(finding: Finding, by, note: str) -> None:
    """The enterprise says it has dealt with a finding (整改); the team sees it."""
    finding.fixed_at = utcnow()
    finding.fixed_note = note
    record_event(
        finding.check, "finding_fixed", user=by, actor_type=APPLICANT, comment=note, audience=APPLICANT
    )


def record_follow_up_result(finding: Finding, by, result: str, note: str | None) -> None:
    finding.follow_up_result = result
    finding.follow_up_note = note or None
    record_event(finding.check, "follow_up_result", user=by, comment=f"{result} {note or ''}".strip())


def report_breach(check: HealthCheck, by, text: str) -> None:
    """The enterprise reports that the team solicited paid business: kept and flagged to
    staff, naming the pledge and who accepted it when."""
    from portal.health_checks.team import pledges_named

    check.breach_reported_at = utcnow()
    check.breach_report = text
    record_event(
        check,
        "breach_reported",
        user=by,
        actor_type=APPLICANT,
        comment=str(
            _l(
                "Breach of the confidentiality and no-soliciting pledge reported: %(text)s (pledged: %(pledges)s)",
                text=text,
                pledges=pledges_named(check) or "—",
            )
        ),
    )
