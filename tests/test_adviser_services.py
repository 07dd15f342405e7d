"""The advisers' services by kind (SPEC §7): a staff list filtered by kind, period and
township, and the report's figures counted through the same filter, each opening the
list it counts; for adviser administrators and supervisors only."""

import re
from datetime import date
from html import unescape

import pytest
from test_advisers_support import directory, township
from test_reports import figures_of, section_html

from portal.advisers import services
from portal.advisers.service_list import PAGE_SIZE
from portal.extensions import db

YEAR = "start=2025-01&end=2025-12"
ROW = re.compile(r"<tr>\s*<td>(\d{4}-\d\d-\d\d)</td>\s*<td>[^<]*</td>\s*<td>(\d+)</td>")


@pytest.fixture
def logged(app):
    """2025: 陈明 (星沙) mediation 2 + 3, education 1; 王芳 (㮾梨) mediation 4; an entry
    about no village (other, 1); and a mediation of 2024 (outside the year)."""
    world = directory()
    log = [
        ("chen", "金龙村", "mediation", date(2025, 2, 3), 2),
        ("chen", "金龙湾社区", "mediation", date(2025, 5, 1), 3),
        ("chen", "金龙村", "education", date(2025, 6, 1), 1),
        ("wang", "老金龙村", "mediation", date(2025, 12, 31), 4),
        ("wang", None, "other", date(2025, 7, 1), 1),
        ("chen", "金龙村", "mediation", date(2024, 12, 31), 5),
    ]
    for adviser, village, service_type, served_on, count in log:
        services.log_service(
            world[adviser],
            service_type=service_type,
            served_on=served_on,
            count=count,
            village_id=world[village].id if village else None,
            description="张三家的宅基地纠纷",
        )
    db.session.commit()
    return world


@pytest.fixture
def staff(make_staff, make_client):
    make_staff("chief", "supervisor")
    make_staff("manager", "adviser_admin")
    make_staff("officer", "legal_aid_officer")
    make_staff("root", "admin")

    def signed_in(login):
        client = make_client()
        client.set_cookie("lang", "en")
        client.sign_in(login)
        return client

    return signed_in


def listed(client, url: str) -> tuple[int, list[tuple[str, int]]]:
    """(the list's total of services, [(day, count)] of its rows) over every page."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    total = int(re.search(r": (\d+) services in \d+ log entries", html)[1])
    rows = [(day, int(n)) for day, n in ROW.findall(html)]
    if found := re.search(r'href="([^"]+)" rel="next"', html):
        rows += listed(client, unescape(found[1]))[1]
    return total, rows


@pytest.mark.parametrize(
    ("query", "total", "rows"),
    [
        (f"{YEAR}", 11, 5),
        (f"{YEAR}&service_type=mediation", 9, 3),
        (f"{YEAR}&service_type=mediation&township=XS", 5, 2),
        ("start=2025-05&end=2025-06&service_type=mediation", 3, 1),
        ("start=2024-01&end=2025-12&service_type=mediation", 14, 4),
    ],
)
def test_the_list_filters_by_kind_period_and_township(logged, staff, query, total, rows):
    query = query.replace("XS", str(township("430121001").id))
    found_total, found = listed(staff("chief"), f"/staff/adviser-services/?{query}")
    assert (found_total, len(found), sum(n for _day, n in found)) == (total, rows, total)


def test_the_list_shows_no_description_and_pages_by_keyset(app, logged, staff):
    world = logged
    for day in range(1, PAGE_SIZE + 6):
        services.log_service(
            world["wang"], service_type="resident_service", served_on=date(2025, 8, 1 + day % 28), count=1
        )
    db.session.commit()
    client = staff("manager")
    page = client.get(f"/staff/adviser-services/?{YEAR}&service_type=resident_service").get_data(as_text=True)
    assert "张三" not in page and 'rel="next"' in page
    total, rows = listed(client, f"/staff/adviser-services/?{YEAR}&service_type=resident_service")
    assert total == len(rows) == PAGE_SIZE + 5
    assert rows == sorted(rows, reverse=True)


def test_a_bad_period_or_kind_is_refused_next_to_the_field(logged, staff):
    client = staff("chief")
    response = client.get("/staff/adviser-services/?start=2025-06&end=2025-01")
    assert response.status_code == 400
    assert "The end month must not be before the start month." in response.get_data(as_text=True)
    response = client.get(f"/staff/adviser-services/?{YEAR}&service_type=nonsense")
    assert response.status_code == 400 and 'aria-invalid="true"' in response.get_data(as_text=True)


def test_the_report_counts_services_by_kind_and_each_opens_the_list_it_counts(logged, staff):
    client = staff("chief")
    html = section_html(client.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True), "advisers")
    found = {
        label: value for label, value in figures_of(html).items() if "/staff/adviser-services/" in value[1]
    }
    assert {label: n for label, (n, _url) in found.items()} == {
        "Adviser services": 11,
        "Mediations joined": 9,
        "Legal services to the village": 0,
        "Services to residents": 0,
        "Legal education events": 1,
        "Other": 1,
    }
    for label, (number, url) in found.items():
        total, rows = listed(client, url)
        assert total == sum(n for _day, n in rows) == number, (label, url)


def test_the_report_township_and_period_carry_into_the_links(logged, staff):
    client = staff("chief")
    xingsha = township("430121001").id
    html = client.get(f"/staff/reports/annual?start=2025-02&end=2025-06&township={xingsha}").get_data(
        as_text=True
    )
    number, url = figures_of(section_html(html, "advisers"))["Mediations joined"]
    assert number == 5 and f"township={xingsha}" in url and "start=2025-02" in url and "end=2025-06" in url
    assert listed(client, url)[0] == 5


@pytest.mark.parametrize(
    ("login", "status"), [("chief", 200), ("manager", 200), ("root", 200), ("officer", 403)]
)
def test_the_list_is_for_adviser_administrators_supervisors_and_admins(logged, staff, login, status):
    client = staff(login)
    assert client.get(f"/staff/adviser-services/?{YEAR}").status_code == status
    home = client.get("/staff/").get_data(as_text=True)
    assert ('href="/staff/adviser-services/"' in home) == (status == 200)


def test_a_cursor_too_long_for_an_id_starts_from_the_first_page(logged, staff):
    client = staff("chief")
    page = client.get(f"/staff/adviser-services/?{YEAR}&after=2025-06-01.{'9' * 40}")
    assert page.status_code == 200
