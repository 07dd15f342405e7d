"""Reports (SPEC §7): figures counted from a seeded data set whose true counts the test
knows, each figure's link opening the queue that lists exactly what it counts, the
Excel file read back, bad ranges refused next to the field, and access."""

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.core.models import Township
from portal.core.registry import kind_for_code
from portal.extensions import db

YEAR = "start=2025-01&end=2025-12"
REFERENCE = re.compile(r"\b[A-Z]{2}-\d{4}-\d{6}\b")


def at(year, month, day=10):
    """A UTC moment inside the given local day."""
    return datetime(year, month, day, 2, 0)


@pytest.fixture
def seeded(app):
    """Requests of every service in 2025 (and one of each kind outside it), with known outcomes."""
    from portal.health_checks.models import Finding

    townships = list(db.session.scalars(select(Township).order_by(Township.sort_order)))
    made = {}

    def make(code, status, created, **fields):
        request = kind_for_code(code).make_sample()
        request.status = status
        request.is_open = kind_for_code(code).workflow.state(status).is_open
        request.created_at = created
        for name, value in fields.items():
            setattr(request, name, value)
        db.session.commit()
        made.setdefault(code, []).append(request.reference)
        return request

    # Legal aid: 4 received in 2025 (2 approved, both in time; 1 refused late; 1 waiting).
    make(
        "LA",
        "assigned",
        at(2025, 2),
        approved_at=at(2025, 2, 12),
        decided_at=at(2025, 2, 12),
        decision_due_at=at(2025, 2, 17),
        source="notice",
    )  # a notified defence (通知辩护)
    make(
        "LA",
        "refused",
        at(2025, 3),
        refused_at=at(2025, 3, 25),
        decided_at=at(2025, 3, 25),
        decision_due_at=at(2025, 3, 17),
    )
    make(
        "LA",
        "closed",
        at(2025, 3, 20),
        approved_at=at(2025, 3, 21),
        decided_at=at(2025, 3, 21),
        decision_due_at=at(2025, 3, 27),
        closing_outcome="mediated",
    )
    make("LA", "submitted", at(2025, 11), township_id=townships[1].id)
    make("LA", "closed", datetime(2024, 12, 31, 15, 0), approved_at=at(2025, 1, 2))  # 2024 locally: outside
    # Consultations: counted by appointment date; 2 in March 2025 (one attended, one missed).
    for status in ("completed", "no_show"):
        booking = make("CB", status, at(2025, 3))
        booking.starts_at = at(2025, 3, 12)
        db.session.commit()
    # Mediation: one agreement (1,200.50 yuan), one without agreement.
    make("MD", "closed", at(2025, 5), agreement_form="written", agreement_amount=Decimal("1200.50"))
    make("MD", "failed", at(2025, 6))
    # Health checks: one closed, with a high labour risk found and fixed.
    check = make("HC", "closed", at(2025, 7))
    db.session.add(
        Finding(
            check_id=check.id,
            area="labour",
            risk="high",
            finding="未签劳动合同",
            legal_basis="劳动合同法第十条",
            recommendation="补签",
            fixed_at=at(2025, 8),
        )
    )
    db.session.commit()
    # Advisers: one contact request, closed.
    make("AC", "closed", at(2025, 9))
    return made


def figures_of(html: str) -> dict[str, tuple[int, str]]:
    """{figure label: (number, queue link)} from the report's figure tables."""
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td><a href="([^"]+)">(\d+)</a>', html)
    return {label.strip(): (int(number), href.replace("&amp;", "&")) for label, href, number in rows}


def section_html(html: str, key: str) -> str:
    start = html.index(f'id="section-{key}"')
    end = html.find('<section class="report-section"', start)
    return html[start : end if end != -1 else len(html)]


@pytest.fixture
def supervisor(make_staff, make_client):
    make_staff("supervisor", "supervisor")
    client = make_client()
    client.set_cookie("lang", "en")
    client.sign_in("supervisor")
    return client


EXPECTED = {
    "legal_aid": {
        "Applications received": 4,
        "Approved": 2,
        "Refused": 1,
        "Decided": 3,
        "Decided within the time limit": 2,
        "Cases closed": 1,
        "Notified defence (notices received)": 1,
        "Applications forwarded from custody (Art. 39)": 0,
    },
    "consultations": {"Consultations booked": 2, "Attended": 1, "Missed (no-show)": 1, "Cancelled": 0},
    "mediation": {"Disputes received": 2, "Agreements reached": 1, "Ended without agreement": 1},
    "health_checks": {"Health checks requested": 1, "Closed": 1, "With findings marked fixed": 1},
    "advisers": {"Contact requests received": 1, "Closed": 1},
}


def test_annual_report_counts_each_service_as_the_data_says(seeded, supervisor):
    response = supervisor.get(f"/staff/reports/annual?{YEAR}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for section, expected in EXPECTED.items():
        found = figures_of(section_html(html, section))
        assert {label: found[label][0] for label in expected} == expected, section
    legal_aid = section_html(html, "legal_aid")
    assert "50.0%" in legal_aid  # approved of received
    assert "66.7%" in legal_aid  # decided in time of decided
    assert "1,200.50" in section_html(html, "mediation")
    assert figures_of(legal_aid)["Settled by mediation"][0] == 1  # closed cases by outcome (结案)


def test_every_figure_opens_the_queue_listing_exactly_what_it_counts(seeded, supervisor):
    html = supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True)
    checked = 0
    for section in EXPECTED:
        for label, (number, href) in figures_of(section_html(html, section)).items():
            if href.startswith("/staff/adviser-services/"):
                continue  # the advisers' service log, not a queue (test_adviser_services.py)
            assert href.startswith("/staff/queue/"), (label, href)
            queue = supervisor.get(href).get_data(as_text=True)
            table = queue[queue.find("<tbody>") : queue.find("</tbody>")] if "<tbody>" in queue else ""
            assert len(set(REFERENCE.findall(table))) == number, (section, label, href)
            checked += 1
    assert checked >= 20


def test_township_narrows_every_figure(seeded, supervisor):
    first = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    html = supervisor.get(f"/staff/reports/annual?{YEAR}&township={first.id}").get_data(as_text=True)
    assert figures_of(section_html(html, "legal_aid"))["Applications received"][0] == 3


def test_trend_by_month_is_a_chart_with_its_table(seeded, supervisor):
    html = section_html(supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True), "legal_aid")
    assert '<svg class="chart" role="img"' in html and "<title id=" in html and "<desc id=" in html
    months = dict(re.findall(r'<th scope="row">(2025-\d\d)</th>\s*<td><a href="[^"]+">(\d+)</a>', html))
    assert months["2025-02"] == "1" and months["2025-03"] == "2" and months["2025-11"] == "1"
    assert months["2025-01"] == "0" and len(months) == 12


def test_excel_has_one_sheet_per_section_with_real_numbers_and_percentages(seeded, supervisor):
    response = supervisor.get(f"/staff/reports/annual.xlsx?{YEAR}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("report-202501-202512.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) >= 1 + len(EXPECTED)
    about = workbook.worksheets[0]
    assert about["B2"].value.date() == date(2025, 1, 1) and about["B2"].number_format == "yyyy-mm-dd"
    sheet = workbook["Legal aid"]
    assert sheet.freeze_panes == "A2"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row and row[0].value}
    assert rows["Applications received"][1].value == 4
    approved = rows["Approved"]
    assert (
        approved[1].value == 2
        and approved[2].value == pytest.approx(0.5)
        and approved[2].number_format == "0.0%"
    )
    assert sheet.column_dimensions["A"].width > 10
    mediation = {
        row[0].value: row for row in workbook["People's mediation"].iter_rows(min_row=2) if row[0].value
    }
    assert mediation["Agreements reached"][3].value == pytest.approx(1200.5)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2025-06&end=2025-01", "The end month must not be before the start month."),
        ("start=2019-01&end=2025-01", "A report covers at most 5 years (60 months)."),
        ("start=2025-13&end=2025-12", "Enter a month as YYYY-MM, e.g. 2025-01."),
    ],
)
def test_a_bad_range_is_refused_next_to_the_field_with_what_was_typed(app, supervisor, query, message):
    response = supervisor.get(f"/staff/reports/annual?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert 'value="' + query.split("&")[0].split("=")[1] + '"' in html
    assert supervisor.get(f"/staff/reports/annual.xlsx?{query}").status_code == 400


def test_exactly_five_years_is_accepted(app, supervisor):
    assert supervisor.get("/staff/reports/annual?start=2021-01&end=2025-12").status_code == 200


def test_dashboard_shows_this_year_overdue_and_links_from_the_staff_home(seeded, supervisor):
    home = supervisor.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/reports/"' in home
    html = supervisor.get("/staff/reports/").get_data(as_text=True)
    assert "Overdue now" in html and "Service ratings" in html and "Legal aid" in html


@pytest.mark.parametrize("role", ["legal_aid_officer", "lawyer", "mediator"])
def test_reports_are_for_supervisors_and_admins_only(app, make_staff, make_client, role):
    make_staff("someone", role)
    make_staff("chief", "admin")
    client = make_client()
    client.sign_in("someone")
    for path in ("/staff/reports/", f"/staff/reports/annual?{YEAR}", f"/staff/reports/annual.xlsx?{YEAR}"):
        assert client.get(path).status_code == 403
    assert 'href="/staff/reports/"' not in client.get("/staff/").get_data(as_text=True)
    admin = make_client()
    admin.sign_in("chief")
    assert admin.get(f"/staff/reports/annual?{YEAR}").status_code == 200


def _median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def test_median_days_to_decide_is_taken_over_the_decided_applications_it_links_to(seeded, supervisor):
    from portal.legal_aid.models import LegalAidApplication

    decided = db.session.scalars(
        select(LegalAidApplication).where(
            LegalAidApplication.decided_at.is_not(None),
            LegalAidApplication.created_at >= datetime(2024, 12, 31, 16),
            LegalAidApplication.created_at < datetime(2025, 12, 31, 16),
        )
    ).all()
    expected = _median([(a.decided_at - a.created_at).days for a in decided])
    html = section_html(supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True), "legal_aid")
    value, href, of = re.search(
        r"Median days from receipt to decision</th>\s*<td>([\d.]+)<br>"
        r'<a class="hint" href="([^"]+)">of (\d+) requests</a>',
        html,
    ).groups()
    assert len(decided) == 3
    assert (float(value), int(of)) == (expected, 3)
    queue = supervisor.get(href.replace("&amp;", "&")).get_data(as_text=True)
    assert len(set(REFERENCE.findall(queue[queue.find("<tbody>") : queue.find("</tbody>")]))) == 3


def _refresh(app) -> str:
    result = app.test_cli_runner().invoke(args=["refresh-reports"])
    assert result.exit_code == 0, result.output
    return result.output


def received_key() -> str:
    """The stored key of the legal aid applications received (all of a month's)."""
    from portal.reports.summary import ReportMonthValue

    return db.session.scalars(
        select(ReportMonthValue.key).where(
            ReportMonthValue.request_type == "LA", ReportMonthValue.key.startswith("n|all||#")
        )
    ).first()


def _received(supervisor, query=YEAR) -> int:
    html = supervisor.get(f"/staff/reports/annual?{query}").get_data(as_text=True)
    return figures_of(section_html(html, "legal_aid"))["Applications received"][0]


def test_the_report_reads_counted_months_until_a_request_of_the_month_changes(app, seeded, supervisor):
    """The summary is used (a number planted in it shows), and a change to a request of
    that month makes the report count the month again, in the same transaction."""
    from portal.reports.summary import COUNTY, ReportMonth, ReportMonthValue

    assert "counted" in _refresh(app)
    february = date(2025, 2, 1)
    assert (
        db.session.get(ReportMonth, ("LA", february)).computed_version
        == db.session.get(ReportMonth, ("LA", february)).version
    )
    stored = db.session.get(ReportMonthValue, ("LA", february, COUNTY, received_key()))
    assert stored.value == 1
    stored.value = 41  # as if counted when 41 applications were in February
    db.session.commit()
    assert _received(supervisor) == 44
    # A change of a February application (any column) makes February stale: counted live.
    february_application = kind_for_code("LA").model.query.filter_by(reference=seeded["LA"][0]).one()
    february_application.township_id = db.session.scalars(
        select(Township.id).where(Township.id != february_application.township_id)
    ).first()
    db.session.commit()
    assert _received(supervisor) == 4
    # The next run counts it again, with the true number.
    assert "counted 1 month(s)" in _refresh(app)
    assert db.session.get(ReportMonthValue, ("LA", february, COUNTY, received_key())).value == 1
    assert _received(supervisor) == 4


def test_a_change_committed_while_the_month_is_counted_leaves_it_stale(app, seeded):
    from portal.reports import summary

    _refresh(app)
    march = date(2025, 3, 1)
    read_before_counting = summary.current_version("LA", march)
    db.session.commit()
    application = kind_for_code("LA").model.query.filter_by(reference=seeded["LA"][1]).one()
    application.refused_at = None  # another worker's change, committed while the job counts
    db.session.commit()
    summary.store_month("LA", march, read_before_counting, {summary.COUNTY: {received_key(): Decimal(2)}})
    db.session.commit()
    assert march not in summary.stored_months("LA", [march])


def test_a_booking_moved_to_another_month_makes_both_months_count_again(app, seeded, supervisor):
    _refresh(app)
    query = "start=2025-03&end=2025-04"

    def booked() -> dict:
        html = supervisor.get(f"/staff/reports/annual?{query}").get_data(as_text=True)
        section = section_html(html, "consultations")
        return dict(re.findall(r'<th scope="row">(2025-0\d)</th>\s*<td><a href="[^"]+">(\d+)</a>', section))

    assert booked() == {"2025-03": "2", "2025-04": "0"}
    booking = kind_for_code("CB").model.query.filter_by(reference=seeded["CB"][0]).one()
    booking.starts_at = at(2025, 4, 14)
    db.session.commit()
    assert booked() == {"2025-03": "1", "2025-04": "1"}


def test_a_change_to_a_row_the_figures_read_beside_the_request_counts_its_month_again(
    app, seeded, supervisor
):
    """Health check figures count findings (another table): unmarking a fixed finding
    shows at once, although the check itself did not change."""
    from portal.health_checks.models import Finding

    def fixed() -> int:
        html = supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True)
        return figures_of(section_html(html, "health_checks"))["With findings marked fixed"][0]

    _refresh(app)
    assert fixed() == 1
    db.session.scalars(select(Finding)).one().fixed_at = None
    db.session.commit()
    assert fixed() == 0


def test_a_finding_deleted_over_http_counts_its_month_again(app, seeded, supervisor, make_staff, make_client):
    """The team deletes a finding of a check under review: the report no longer counts it
    at once, although the check itself did not change. Mutant caught: the summary
    noting the months of new and changed dependent rows only (`session.deleted` left out
    of what `_note_changed_months` passes to `_requests_of_dependents`,
    portal/reports/summary.py)."""
    from portal.health_checks.models import Finding

    def fixed() -> int:
        html = supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True)
        return figures_of(section_html(html, "health_checks"))["With findings marked fixed"][0]

    check = kind_for_code("HC").model.query.filter_by(reference=seeded["HC"][0]).one()
    check.status, check.is_open = "in_review", True  # the team is still writing its findings
    db.session.commit()
    _refresh(app)
    assert fixed() == 1
    make_staff("coordinator", "health_check_coordinator")
    team = make_client()
    team.sign_in("coordinator")
    page = f"/staff/health-checks/{check.reference}/findings"
    finding_id = db.session.scalars(select(Finding.id)).one()
    deleted = team.submit(page, {}, action=f"{page}/{finding_id}/delete")
    assert deleted.status_code == 303
    assert db.session.scalar(select(Finding.id)) is None
    assert fixed() == 0


def test_a_township_report_reads_the_townships_stored_months_and_follows_a_move(app, seeded, supervisor):
    townships = list(db.session.scalars(select(Township).order_by(Township.sort_order)))
    first, second = (f"{YEAR}&township={t.id}" for t in townships[:2])
    _refresh(app)
    assert (_received(supervisor, first), _received(supervisor, second)) == (3, 1)
    moved = kind_for_code("LA").model.query.filter_by(reference=seeded["LA"][0]).one()
    moved.township_id = townships[1].id
    db.session.commit()
    assert (_received(supervisor, first), _received(supervisor, second), _received(supervisor)) == (2, 2, 4)
    _refresh(app)
    assert (_received(supervisor, first), _received(supervisor, second), _received(supervisor)) == (2, 2, 4)


def test_months_stored_under_an_old_rule_are_counted_again_after_the_rule_changes(
    app, seeded, supervisor, monkeypatch
):
    """A release that changes what a figure counts (here "approved" becomes "refused")
    must not show the months stored under the old rule."""
    from portal.legal_aid import figures
    from portal.legal_aid.models import LegalAidApplication
    from portal.reports import measures

    def approved() -> int:
        html = supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True)
        return figures_of(section_html(html, "legal_aid"))["Approved"][0]

    _refresh(app)
    assert approved() == 2
    label, _rule = figures.DECISIONS["approved"]
    monkeypatch.setitem(
        figures.DECISIONS, "approved", (label, lambda: LegalAidApplication.refused_at.is_not(None))
    )
    monkeypatch.setattr(measures, "_DEFINITIONS", {})  # a new release starts new processes
    assert approved() == 1
