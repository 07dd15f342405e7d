"""Enterprise legal health checks in the reports (SPEC §7): checks done, risks found by area
and level, findings fixed. (`reports.py` here is the enterprise's own report document.)"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.contract import Breakdown, Figure, ReportSection
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter
from portal.health_checks.models import Finding, Report
from portal.health_checks.states import HealthCheckState as S
from portal.health_checks.vocabulary import AREAS, RISK_LEVELS

_findings = Finding.__table__


def _with_findings(*conditions):
    return ServiceRequest.id.in_(select(_findings.c.check_id).where(*conditions))


PROGRESS = {
    "published": (_l("Report published"), lambda: ServiceRequest.id.in_(select(Report.__table__.c.check_id))),
    "fixed": (_l("Findings marked fixed"), lambda: _with_findings(_findings.c.fixed_at.is_not(None))),
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


REPORT_FILTERS = (
    QueueFilter(
        "progress",
        _l("Progress"),
        lambda: [(k, str(v[0])) for k, v in PROGRESS.items()],
        lambda value: PROGRESS[value][1]() if value in PROGRESS else None,
    ),
    QueueFilter("risk", _l("Risk found"), _risk_choices, _risk_clause),
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
                    "resolved",
                    _l("With findings resolved at the follow-up"),
                    "HC",
                    filters=(("progress", "resolved"),),
                ),
            ),
            breakdowns=(
                Breakdown("areas", _l("Checks by area requested"), "HC", "area"),
                Breakdown("risks", _l("Checks with risks found, by area and level"), "HC", "risk"),
            ),
            trend_kind="HC",
        ),
    )
