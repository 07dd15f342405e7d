"""Enterprise legal health checks in the reports (SPEC §7): checks done, risks found by area
and level, findings fixed. (`reports.py` here is the enterprise's own report document.)"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.core.contract import Breakdown, Figure, ReportSection
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter
from portal.health_checks.models import Finding, HealthCheck, Report
from portal.health_checks.states import HealthCheckState as S
from portal.health_checks.vocabulary import AREAS, PARTNERS, RISK_LEVELS

_findings = Finding.__table__


def _with_findings(*conditions):
    return ServiceRequest.id.in_(select(_findings.c.check_id).where(*conditions))


PROGRESS = {
    "published": (_l("Report published"), lambda: ServiceRequest.id.in_(select(Report.__table__.c.check_id))),
    "fixed": (_l("Findings marked fixed"), lambda: _with_findings(_findings.c.fixed_at.is_not(None))),
    # Fixed on or before the finding's deadline (the day, as the database dates the moment).
    "fixed_in_time": (
        _l("Findings fixed within the deadline"),
        lambda: _with_findings(
            _findings.c.fixed_at.is_not(None),
            _findings.c.fix_by.is_not(None),
            func.date(_findings.c.fixed_at) <= _findings.c.fix_by,
        ),
    ),
    "resolved": (
        _l("Findings resolved at the follow-up"),
        lambda: _with_findings(_findings.c.follow_up_result == "resolved"),
    ),
}


def _risk_choices():
    return [
        (f"{area}:{risk}", f"{AREAS[area]} · {RISK_LEVELS[risk]}") for area in AREAS for risk in RISK_LEVELS
    ]


def _risk_clause(value: str):
    area, _sep, risk = value.partition(":")
    if area not in AREAS or risk not in RISK_LEVELS:
        return None
    return _with_findings(_findings.c.area == area, _findings.c.risk == risk)


def _partner_clause(value: str):
    if value not in PARTNERS:
        return None
    table = HealthCheck.__table__
    return ServiceRequest.id.in_(select(table.c.id).where(table.c.partners.contains(value)))


REPORT_FILTERS = (
    QueueFilter(
        "progress",
        _l("Progress"),
        lambda: [(k, str(v[0])) for k, v in PROGRESS.items()],
        lambda value: PROGRESS[value][1]() if value in PROGRESS else None,
    ),
    QueueFilter("risk", _l("Risk found"), _risk_choices, _risk_clause),
    QueueFilter(
        "partner", _l("Organised with"), lambda: [(k, str(v)) for k, v in PARTNERS.items()], _partner_clause
    ),
)


def report_sections() -> tuple[ReportSection, ...]:
    return (
        ReportSection(
            "health_checks",
            _l("Enterprise legal health checks"),
            figures=(
                Figure("requested", _l("Health checks requested"), "HC"),
                Figure(
                    "published",
                    _l("Reports published"),
                    "HC",
                    filters=(("progress", "published"),),
                    share_of="requested",
                ),
                Figure("closed", _l("Closed"), "HC", status=S.CLOSED),
                Figure("declined", _l("Declined"), "HC", status=S.DECLINED),
                Figure("fixed", _l("With findings marked fixed"), "HC", filters=(("progress", "fixed"),)),
                Figure(
                    "fixed_in_time",
                    _l("With findings fixed within the deadline"),
                    "HC",
                    filters=(("progress", "fixed_in_time"),),
                ),
                Figure(
                    "resolved",
                    _l("With findings resolved at the follow-up"),
                    "HC",
                    filters=(("progress", "resolved"),),
                ),
            ),
            breakdowns=(
                Breakdown("areas", _l("Checks by area requested"), "HC", "area"),
                Breakdown("risks", _l("Checks with risks found, by area and level"), "HC", "risk"),
                Breakdown("partners", _l("Checks by organising partner"), "HC", "partner"),
            ),
            trend_kind="HC",
        ),
    )
