"""People's mediation in the reports (SPEC §7, the seed report's biggest figure): disputes
received, accepted and mediated; agreements over those mediated; by channel, with the
court-commissioned ones apart; major and enterprise-related disputes; escalation flags and
民转刑; performance and judicial confirmation. Each figure is a queue filter's selection."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from portal.core.contract import Breakdown, Figure, ReportSection
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter
from portal.mediation.agreement_forms import LABELS
from portal.mediation.escalation import RISK_FILTER
from portal.mediation.models import MediationCase
from portal.mediation.states import MediationState as S
from portal.mediation.vocabulary import CHANNELS, NOT_AGREED_LABEL, PERFORMANCE

_table = MediationCase.__table__


def _on_case(condition):
    return ServiceRequest.id.in_(select(_table.c.id).where(condition))


def _agreed():
    return _on_case(_table.c.agreement_form.is_not(None))


def _failed():
    # A failed mediation stays "failed" until it is closed; a closed one without an agreement failed.
    return or_(ServiceRequest.status == S.FAILED, and_(ServiceRequest.status == S.CLOSED, ~_agreed()))


#: Mediated: the mediation ended, with an agreement or without one (SPEC §12: success
#: rate = agreements over mediated). A case still being mediated is in neither.
MEDIATED = _l("Mediated: ended with or without an agreement")

OUTCOMES = {"agreement": (_l("Agreement reached"), _agreed), "failed": (_l("No agreement"), _failed)}
STAGES = {
    # A committee is assigned on acceptance, and kept whatever follows.
    "accepted": (_l("Accepted"), lambda: _on_case(_table.c.committee_id.is_not(None))),
    "mediated": (MEDIATED, lambda: or_(_agreed(), _failed())),
}
MARKS = {
    "major": (_l("Major dispute"), lambda: _on_case(_table.c.major.is_(True))),
    "enterprise": (_l("Involves an enterprise"), lambda: _on_case(_table.c.enterprise_related.is_(True))),
    "criminal": (
        _l("Turned into a criminal case"),
        lambda: _on_case(_table.c.turned_criminal.is_(True)),
    ),
}
CONFIRMATIONS = {
    "applied": (_l("Applied for"), lambda: _on_case(_table.c.confirmation_applied_on.is_not(None))),
    "confirmed": (
        _l("Confirmed by the court"),
        lambda: _on_case(_table.c.confirmation_result == "confirmed"),
    ),
}


def _choice_filter(name, label, table: dict) -> QueueFilter:
    return QueueFilter(
        name,
        label,
        lambda: [(k, str(v[0])) for k, v in table.items()],
        lambda value: table[value][1]() if value in table else None,
    )


def _value_filter(name, label, column, labels: dict) -> QueueFilter:
    return QueueFilter(
        name,
        label,
        lambda: [(k, str(v)) for k, v in labels.items()],
        lambda value: _on_case(column == value) if value in labels else None,
    )


REPORT_FILTERS = (
    RISK_FILTER,
    _choice_filter("outcome", _l("Outcome"), OUTCOMES),
    _choice_filter("stage", _l("Stage reached"), STAGES),
    _value_filter("channel", _l("How the dispute came"), _table.c.channel, CHANNELS),
    _choice_filter("mark", _l("Marked"), MARKS),
    _value_filter("performance", _l("Performance of the agreement"), _table.c.performance, PERFORMANCE),
    _choice_filter("confirmation", LABELS["confirmation"], CONFIRMATIONS),
)


def report_sections() -> tuple[ReportSection, ...]:
    return (
        ReportSection(
            "mediation",
            _l("People's mediation"),
            figures=(
                Figure("received", _l("Disputes received"), "MD"),
                Figure("accepted", _l("Accepted by a committee"), "MD", filters=(("stage", "accepted"),)),
                Figure("mediated", MEDIATED, "MD", filters=(("stage", "mediated"),)),
                Figure(
                    "agreements",
                    _l("Agreements reached"),
                    "MD",
                    filters=(("outcome", "agreement"),),
                    share_of="mediated",
                    total=lambda: _table.c.agreement_amount,
                    total_label=_l("Amount agreed (yuan)"),
                ),
                Figure("failed", _l("Ended without agreement"), "MD", filters=(("outcome", "failed"),)),
                Figure("declined", _l("Declined"), "MD", status=S.DECLINED),
                Figure("not_agreed", NOT_AGREED_LABEL, "MD", status=S.NOT_AGREED),
                Figure("withdrawn", _l("Withdrawn by the applicant"), "MD", status=S.WITHDRAWN),
                Figure(
                    "court_commissioned",
                    CHANNELS["court_commission"],
                    "MD",
                    filters=(("channel", "court_commission"),),
                ),
                Figure("major", _l("Major disputes"), "MD", filters=(("mark", "major"),)),
                Figure(
                    "enterprise",
                    _l("Disputes involving an enterprise"),
                    "MD",
                    filters=(("mark", "enterprise"),),
                ),
                Figure(
                    "risk",
                    _l("Flagged at risk of turning violent or criminal"),
                    "MD",
                    filters=(("risk", "any"),),
                ),
                Figure(
                    "criminal",
                    _l("Turned into a criminal case"),
                    "MD",
                    filters=(("mark", "criminal"),),
                ),
                Figure(
                    "performed",
                    _l("Agreements performed in full"),
                    "MD",
                    filters=(("performance", "performed"),),
                    share_of="agreements",
                ),
                Figure(
                    "confirmation_applied",
                    LABELS["applied_for"],
                    "MD",
                    filters=(("confirmation", "applied"),),
                ),
                Figure(
                    "confirmed", _l("Confirmed by a court"), "MD", filters=(("confirmation", "confirmed"),)
                ),
            ),
            breakdowns=(
                Breakdown("disputes", _l("Disputes by type"), "MD", "dispute"),
                Breakdown("channels", _l("Disputes by channel"), "MD", "channel"),
            ),
            trend_kind="MD",
        ),
    )
