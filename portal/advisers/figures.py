"""Village legal advisers in the reports (SPEC §7): residents' contact requests, by topic,
and the advisers' services by kind from their service log."""

from flask_babel import lazy_gettext as _l

from portal.advisers.states import ContactState as S
from portal.advisers.vocabulary import SERVICE_TYPES
from portal.core.contract import Breakdown, Figure, ReportSection


def services_by_type(period, with_tables: bool) -> tuple[list, list]:
    """The services logged in the period (and by kind), each linked to the service list
    filtered as it is counted (`portal.advisers.service_list.service_clauses`)."""
    from portal.advisers import service_list
    from portal.reports.results import Count, Table

    found = service_list.services_by_type(period)
    link = service_list.list_urls(period)
    rows = [
        Count(str(label), found.get(service_type, (0, 0))[0], link(service_type))
        for service_type, label in SERVICE_TYPES.items()
    ]
    everything = sum(row.value for row in rows)
    total = Count(str(_l("Adviser services")), everything, link())
    if not with_tables:
        return [total], []
    shares = [
        Count(r.label, r.value, r.url, share=r.value / everything if everything else None) for r in rows
    ]
    return [total], [
        Table(
            "services", str(_l("Adviser services by kind")), shares, value_label=str(_l("Number of services"))
        )
    ]


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
            counted=services_by_type,
        ),
    )
