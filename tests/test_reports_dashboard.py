"""The reports home (issue #40): its year-to-date figures are remembered per app while the
kinds' month marks stand (portal.reports.year_memo), so every write and every run of
`refresh-reports` must show at once; and its queue links are built without routing each."""

from urllib.parse import urlencode

import pytest
from flask import url_for
from test_reports import figures_of, section_html
from test_reports import supervisor as supervisor  # noqa: F401 (a fixture)

from portal.core.clock import utcnow
from portal.core.registry import kind_for_code
from portal.extensions import db
from portal.reports.links import queue_link, with_argument
from portal.reports.summary import refresh


def legal_aid_figures(supervisor) -> dict[str, int]:
    html = supervisor.get("/staff/reports/").get_data(as_text=True)
    return {label: number for label, (number, _href) in figures_of(section_html(html, "legal_aid")).items()}


def test_every_write_and_every_refresh_shows_at_once(app, supervisor, make_application):
    """Each page reads the marks before it uses a remembered number: a new application, a
    refusal and a refresh each show on the next page, counted live or from the summary.
    Mutants caught: a section's remembered figures, or a kind's remembered numbers, kept
    under their figure keys alone (not the marks) keep showing 0 received after the first
    application."""
    assert legal_aid_figures(supervisor)["Applications received"] == 0
    first = make_application()
    assert legal_aid_figures(supervisor)["Applications received"] == 1  # counted live
    refresh()
    db.session.commit()
    assert legal_aid_figures(supervisor)["Applications received"] == 1  # read from the summary
    make_application()
    figures = legal_aid_figures(supervisor)
    assert figures["Applications received"] == 2 and figures["Refused"] == 0
    application = kind_for_code("LA").model.query.filter_by(reference=first.reference).one()
    application.status, application.is_open = "refused", False
    application.refused_at = application.decided_at = utcnow()
    db.session.commit()
    assert legal_aid_figures(supervisor)["Refused"] == 1
    refresh()
    db.session.commit()
    figures = legal_aid_figures(supervisor)
    assert figures["Applications received"] == 2 and figures["Refused"] == 1


def test_the_dashboard_counts_as_the_annual_report_of_this_year(app, supervisor, make_application):
    """The remembered figures are the annual report's numbers for the same months.
    Mutant caught: the year's sums taken over all but this month (where the application
    is) show 0 received."""
    from portal.reports.period import Period

    make_application()
    this_year = Period.year_to_date()
    legal_aid_figures(supervisor)  # remembered now
    annual = supervisor.get(
        f"/staff/reports/annual?start={this_year.start:%Y-%m}&end={this_year.end:%Y-%m}"
    ).get_data(as_text=True)
    dashboard = supervisor.get("/staff/reports/").get_data(as_text=True)
    shown = figures_of(section_html(dashboard, "legal_aid"))
    in_annual = figures_of(section_html(annual, "legal_aid"))
    assert len(shown) > 5 and shown == {label: in_annual[label] for label in shown}
    assert shown["Applications received"][0] == 1


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"tab": "all", "from": "2026-01-01", "to": "2026-12-31"},
        {"tab": "all", "status": "refused", "township": "3", "topic": "劳动 争议"},
        {"q": "a&b=c+d/e?f", "rating": "poor", "assignee": "none", "odd": "~-._!$'()*,;:@"},
    ],
)
def test_a_queue_link_is_what_url_for_builds(app, args):
    """Mutant caught: the values joined unquoted (the Chinese topic, the `&` and `=` of a
    search) differ from url_for's."""
    slug = kind_for_code("LA").slug
    with app.test_request_context("/staff/reports/"):
        assert queue_link(slug, args) == url_for("backoffice.queue_page", slug=slug, **args)
        if args:
            assert queue_link(slug, args).endswith(urlencode(args, safe="!$'()*,/:;?@"))


@pytest.mark.parametrize(
    ("endpoint", "args", "name", "value"),
    [
        ("consultation_log.entries", {"start": "2026-01", "end": "2026-12"}, "channel", "walk_in"),
        (
            "consultation_log.entries",
            {"start": "2026-01", "end": "2026-12", "township": "4"},
            "referral",
            "法律 援助&",
        ),
        ("adviser_services.index", {}, "service_type", "education"),
    ],
)
def test_a_list_link_with_one_more_argument_is_what_url_for_builds(app, endpoint, args, name, value):
    """Mutant caught: the argument always joined with "&" (the list without a period has no
    "?" yet) or unquoted (the Chinese referral) differs from url_for's."""
    with app.test_request_context("/staff/reports/"):
        assert with_argument(url_for(endpoint, **args), name, value) == url_for(
            endpoint, **args, **{name: value}
        )


def test_the_overdue_figures_stop_counting_at_the_queues_cap_on_the_home_only(
    app, supervisor, make_application
):
    """At 1M requests counting every overdue one took 63 ms of the reports home; it stops at
    QUEUE_COUNT_CAP there ("2+" here, as a queue's tab), and a period's report counts exactly.
    Red with the home counting exactly (3, not "2+")."""
    from test_reports import YEAR

    kind = kind_for_code("LA")
    for _ in range(3):
        application = make_application()
        found = kind.model.query.filter_by(reference=application.reference).one()
        found.due_at = found.due_sort = utcnow().replace(year=utcnow().year - 1)
    db.session.commit()
    app.config["QUEUE_COUNT_CAP"] = 2
    home = section_html(supervisor.get("/staff/reports/").get_data(as_text=True), "overdue")
    assert ">2+</a>" in home and ">3</a>" not in home
    report = supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True)
    assert figures_of(section_html(report, "overdue"))["Legal aid"][0] == 3
