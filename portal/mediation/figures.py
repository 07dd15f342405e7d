"""People's mediation in the reports (SPEC §7, the seed report's biggest figure): disputes
received, agreements reached and their amounts, by dispute type."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from portal.core.contract import Breakdown, Figure, ReportSection
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter
from portal.mediation.escalation import RISK_FILTER
from portal.mediation.models import MediationCase
from portal.mediation.states import MediationState as S
from portal.mediation.vocabulary import NOT_AGREED_LABEL

_table = MediationCase.__table__


def _agreed():
    return ServiceRequest.id.in_(select(_table.c.id).where(_table.c.agreement_form.is_not(None)))


def _failed():
    # A failed mediation stays "failed" until it is closed; a closed one without an agreement failed.
    return or_(ServiceRequest.status == S.FAILED, and_(ServiceRequest.status == S.CLOSED, ~_agreed()))


OUTCOMES = {"agreement": (_l("Agreement reached"), _agreed), "failed": (_l("No agreement"), _failed)}

REPORT_FILTERS = (
    RISK_FILTER,
    QueueFilter(
        "outcome",
        _l("Outcome"),
        lambda: [(k, str(v[0])) for k, v in OUTCOMES.items()],
        lambda value: OUTCOMES[value][1]() if value in OUTCOMES else None,
    ),
)


def report_sections() -> tuple[ReportSection, ...]:
    return (
        ReportSection(
            "mediation",
            _l("People's mediation"),
            figures=(
                Figure("received", _l("Disputes received"), "MD"),
                Figure(
                    "agreements",
                    _l("Agreements reached"),
                    "MD",
                    filters=(("outcome", "agreement"),),
                    share_of="received",
                    total=lambda: _table.c.agreement_amount,
                    total_label=_l("Amount agreed (yuan)"),
                ),
                Figure("failed", _l("Ended without agreement"), "MD", filters=(("outcome", "failed"),)),
                Figure("declined", _l("Declined"), "MD", status=S.DECLINED),
                Figure("not_agreed", NOT_AGREED_LABEL, "MD", status=S.NOT_AGREED),
                Figure("withdrawn", _l("Withdrawn by the applicant"), "MD", status=S.WITHDRAWN),
                Figure(
                    "risk",
                    _l("Flagged at risk of turning violent or criminal"),
                    "MD",
                    filters=(("risk", "any"),),
                ),
            ),
            breakdowns=(Breakdown("disputes", _l("Disputes by type"), "MD", "dispute"),),
            trend_kind="MD",
        ),
    )
