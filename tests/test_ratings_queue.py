"""The rating filter of every ratable queue, and the report's rating figures opening the
queue that lists exactly what they count (SPEC §7), over HTTP with seeded ratings."""

import re
from datetime import datetime
from html import unescape

import pytest
from sqlalchemy import select
from test_reports import REFERENCE, figures_of, section_html

from portal.core.models import Township
from portal.core.registry import kind_for_code
from portal.extensions import db
from portal.ratings.models import Rating

YEAR = "start=2025-01&end=2025-12"


@pytest.fixture
def supervisor(make_staff, make_client):
    make_staff("chief", "supervisor")
    client = make_client()
    client.set_cookie("lang", "en")
    client.sign_in("chief")
    return client


@pytest.fixture
def rated(app):
    """Closed requests with known ratings: legal aid rated 5, 4, 2, 1 and 1 (in 2024) and
    one not rated; one mediation rated 2. Returns {name: reference}."""
    townships = list(db.session.scalars(select(Township).order_by(Township.sort_order)))
    made = {}

    def make(name, code, level, rated_at, township=0):
        kind = kind_for_code(code)
        request = kind.make_sample()
        request.status = next(iter(sorted(kind.ratable_states)))
        request.is_open = False
        request.township_id = townships[township].id
        db.session.flush()
        if level:
            db.session.add(Rating(request_id=request.id, level=level, created_at=rated_at))
        db.session.commit()
        made[name] = request.reference

    make("very_satisfied", "LA", 5, datetime(2025, 3, 1, 2))
    make("satisfied", "LA", 4, datetime(2025, 6, 1, 2), township=1)
    make("dissatisfied", "LA", 2, datetime(2025, 6, 2, 2))
    make("very_dissatisfied", "LA", 1, datetime(2025, 12, 31, 2))
    make("last_year", "LA", 1, datetime(2024, 12, 31, 2))
    make("not_rated", "LA", 0, None)
    make("mediation", "MD", 2, datetime(2025, 4, 1, 2))
    return made


def listed(client, url: str) -> set[str]:
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.get_data(as_text=True)
    return (
        set(REFERENCE.findall(html[html.find("<tbody>") : html.find("</tbody>")]))
        if "<tbody>" in html
        else set()
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rating=poor", {"dissatisfied", "very_dissatisfied", "last_year"}),
        ("rating=poor&rated_from=2025-01-01&rated_to=2025-12-31", {"dissatisfied", "very_dissatisfied"}),
        ("rating=satisfied", {"very_satisfied", "satisfied"}),
        ("rating=rated", {"very_satisfied", "satisfied", "dissatisfied", "very_dissatisfied", "last_year"}),
        ("rating=1", {"very_dissatisfied", "last_year"}),
        ("rated_from=2025-06-01&rated_to=2025-06-02", {"satisfied", "dissatisfied"}),
        (
            "rating=nonsense",
            {"very_satisfied", "satisfied", "dissatisfied", "very_dissatisfied", "last_year", "not_rated"},
        ),
    ],
)
def test_the_rating_filter_narrows_the_queue(rated, supervisor, query, expected):
    slug = kind_for_code("LA").slug
    assert listed(supervisor, f"/staff/queue/{slug}?tab=all&{query}") == {rated[name] for name in expected}


def test_the_rating_filter_is_in_the_filter_bar_with_labels_and_works_as_a_plain_form(rated, supervisor):
    slug = kind_for_code("MD").slug
    html = supervisor.get(f"/staff/queue/{slug}?tab=all&rating=poor&rated_from=2025-01-01").get_data(
        as_text=True
    )
    start = html.index('<form method="get" class="filters"')
    bar = html[start : html.index("</form>", start)]
    assert '<label for="rating">Service rating</label>' in bar
    assert (
        '<label for="rated_from">Rated: from</label>' in bar
        and '<label for="rated_to">Rated: until</label>' in bar
    )
    assert '<option value="poor" selected>' in bar and 'name="rated_from" value="2025-01-01"' in bar
    # The tabs and the next page keep the filter.
    assert re.search(r'href="/staff/queue/[^"]*tab=closed[^"]*rating=poor', html)


def rating_links(html: str) -> dict[str, tuple[int, str]]:
    """Every figure and table row of the ratings section that links to a queue."""
    section = section_html(html, "ratings")
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td><a href="([^"]+)">(\d+)</a>', section)
    return {
        unescape(label.strip()): (int(n), unescape(href))
        for label, href, n in rows
        if href.startswith("/staff/queue/")
    }


def test_every_rating_figure_and_row_opens_the_queue_listing_what_it_counts(rated, supervisor):
    html = supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True)
    links = rating_links(html)
    figures = {unescape(label): found for label, found in figures_of(section_html(html, "ratings")).items()}
    assert figures["Ratings given · Legal aid"][0] == 4
    assert figures["Poor ratings (dissatisfied, very dissatisfied) · Legal aid"][0] == 2
    assert figures["Ratings given · People's mediation"][0] == 1
    assert "rating=poor" in figures["Poor ratings (dissatisfied, very dissatisfied) · Legal aid"][1]
    # The tables: by service, by township (two for legal aid), by staff member.
    assert links["Legal aid"][0] == 4 and links["Nobody assigned · Legal aid"][0] == 4
    assert sorted(
        n
        for label, (n, _href) in links.items()
        if label.endswith("· Legal aid") and not label.startswith(("Ratings given", "Poor", "Nobody"))
    ) == [1, 3]
    for label, (number, href) in links.items():
        assert len(listed(supervisor, href)) == number, (label, href)


def test_the_report_township_carries_into_the_rating_links(rated, supervisor):
    second = db.session.scalars(select(Township).order_by(Township.sort_order)).all()[1]
    html = supervisor.get(f"/staff/reports/annual?{YEAR}&township={second.id}").get_data(as_text=True)
    number, href = figures_of(section_html(html, "ratings"))["Ratings given · Legal aid"]
    assert number == 1 and f"township={second.id}" in href
    assert listed(supervisor, href) == {rated["satisfied"]}


def test_an_officer_neither_sees_nor_uses_the_rating_filter(rated, make_staff, make_client):
    """Ratings are for supervisors: an officer cannot list who rated the office poorly."""
    make_staff("clerk", "legal_aid_officer")
    officer = make_client()
    officer.set_cookie("lang", "en")
    officer.sign_in("clerk")
    slug = kind_for_code("LA").slug
    everything = listed(officer, f"/staff/queue/{slug}?tab=all")
    assert rated["dissatisfied"] in everything and rated["very_satisfied"] in everything
    assert listed(officer, f"/staff/queue/{slug}?tab=all&rating=poor") == everything
    assert "Service rating" not in officer.get(f"/staff/queue/{slug}?tab=all").get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["rated_to=9999-12-31", "rated_from=0001-01-01", "from=0001-01-01", "to=9999-12-31"]
)
def test_a_date_out_of_any_range_is_ignored_not_an_error(rated, supervisor, query):
    slug = kind_for_code("LA").slug
    assert supervisor.get(f"/staff/queue/{slug}?tab=all&{query}").status_code == 200
