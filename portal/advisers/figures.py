"""Village legal advisers in the reports (SPEC §7): residents' contact requests, by topic."""

from flask_babel import lazy_gettext as _l

from portal.advisers.states import ContactState as S
from portal.core.contract import Breakdown, Figure, ReportSection


def report_sections() -> tuple[ReportSection, ...]:
    return (
        ReportSection(
            "advisers",
            _l("Village legal advisers"),
            figures=(
                Figure("received", _l("Contact requests received"), "AC"),
                Figure("answered", _l("Answered, awaiting closing"), "AC", status=S.ANSWERED),
                Figure("closed", _l("Closed"), "AC", status=S.CLOSED, share_of="received"),
                Figure("withdrawn", _l("Withdrawn"), "AC", status=S.WITHDRAWN),
            ),
            breakdowns=(Breakdown("topics", _l("Contact requests by topic"), "AC", "topic"),),
            trend_kind="AC",
        ),
    )
