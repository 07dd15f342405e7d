"""The generic queue: tabs, counts, filters, search, due-time order and keyset pages."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest, Township
from portal.core.queue import tab_clause
from portal.core.services import claim
from portal.extensions import db


@pytest.fixture
def officer(make_staff):
    return make_staff("officer", "legal_aid_officer", name="张敏")


def references(page: str) -> list[str]:
    page = re.sub(r'<span class="hint duplicate">.*?</span>', "", page)  # a row's duplicate link
    found = re.findall(r'href="/staff/requests/(LA-\d{4}-\d{6})"', page)
    return list(dict.fromkeys(found))


def test_tabs_split_unassigned_mine_overdue_and_closed(client, officer, make_staff, make_application):
    other = make_staff("officer2", "legal_aid_officer")
    free = make_application()
    mine = make_application()
    theirs = make_application()
    late = make_application()
    done = make_application()
    claim(mine, officer)
    claim(theirs, other)
    late.set_due(utcnow() - timedelta(hours=2))
    done.status, done.is_open = "withdrawn", False
    db.session.commit()
    client.sign_in("officer")

    def tab(name):
        return set(references(client.get(f"/staff/queue/legal-aid?tab={name}").get_data(as_text=True)))

    assert tab("unassigned") == {free.reference, late.reference}
    assert tab("mine") == {mine.reference}
    assert tab("open") == {free.reference, mine.reference, theirs.reference, late.reference}
    assert tab("overdue") == {late.reference}
    assert tab("closed") == {done.reference}
    page = client.get("/staff/queue/legal-aid").get_data(as_text=True)
    assert re.search(r'tab=overdue"[^>]*>[^<]*<span class="count">1</span>', page)


def test_open_requests_sort_urgent_first_then_by_due_time(client, officer, make_application):
    later = make_application()
    sooner = make_application()
    urgent = make_application(urgent=True)
    later.set_due(utcnow() + timedelta(days=6))
    sooner.set_due(utcnow() + timedelta(days=1))
    db.session.commit()
    client.sign_in("officer")
    order = references(client.get("/staff/queue/legal-aid").get_data(as_text=True))
    assert order == [urgent.reference, sooner.reference, later.reference]


def test_filters_and_search(client, officer, make_application):
    townships = list(db.session.scalars(select(Township).order_by(Township.sort_order)))
    a = make_application(applicant_name="周建国", township_id=townships[0].id)
    b = make_application(applicant_name="吴秀英", applicant_mobile="13700000000", township_id=townships[5].id)
    client.sign_in("officer")

    def found(query):
        return set(references(client.get(f"/staff/queue/legal-aid?{query}").get_data(as_text=True)))

    assert found(f"township={townships[5].id}") == {b.reference}
    assert found("q=吴") == {b.reference}
    assert found("q=137 0000 0000") == {b.reference}
    assert found(f"q={a.reference.lower()}") == {a.reference}
    assert found("q=%25") == set()  # a wildcard typed by the user is just a character
    assert found("status=submitted") == {a.reference, b.reference}
    assert found("status=approved") == set()
    assert found("assignee=none") == {a.reference, b.reference}
    today = utcnow().date()
    assert found(f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}") == {
        a.reference,
        b.reference,
    }
    assert found(f"from={today + timedelta(days=2)}") == set()
    assert client.get("/staff/queue/legal-aid?from=not-a-date&after=garbage").status_code == 200


@pytest.mark.parametrize("shared_deadline", [False, True])
def test_keyset_pages_cover_every_row_once(client, app, officer, make_application, shared_deadline):
    app.config["QUEUE_PAGE_SIZE"] = 3
    made = [make_application(urgent=(i % 4 == 0)) for i in range(8)]
    if shared_deadline:  # ties on (priority, due) exercise the id seek across pages
        for application in made:
            application.set_due(None)
        db.session.commit()
    made = [a.reference for a in made]
    client.sign_in("officer")
    seen, url = [], "/staff/queue/legal-aid?tab=open"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += references(page)
        match = re.search(r'href="([^"]+)" rel="next"', page)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


def test_counts_stop_at_the_cap(client, app, officer, make_application):
    app.config["QUEUE_COUNT_CAP"] = 3
    for _ in range(5):
        make_application()
    client.sign_in("officer")
    page = client.get("/staff/queue/legal-aid").get_data(as_text=True)
    assert '<span class="count">3+</span>' in page


def test_export_follows_the_filters(client, officer, make_application):
    make_application(applicant_name="周建国")
    make_application(applicant_name="吴秀英")
    client.sign_in("officer")
    csv = client.get("/staff/queue/legal-aid/export.csv?q=吴").get_data(as_text=True)
    assert "吴秀英" in csv and "周建国" not in csv
    assert "139****0011" in csv and "13900000011" not in csv  # phones masked in exports


def plan_of(query) -> str:
    compiled = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        return " ".join(str(row) for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + compiled)))
    db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
    return " ".join(str(row) for row in db.session.execute(db.text("EXPLAIN " + compiled)))


@pytest.mark.parametrize(
    ("tab", "q", "index"),
    [
        ("overdue", "", "ix_request_queue_due"),
        ("mine", "", "ix_request_queue_handler"),
        ("open", "周", "ix_request_type_name"),
    ],
)
def test_counts_and_searches_use_an_index(app, officer, tab, q, index):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans follow table statistics: bench/ measures them at 1M rows")
    from portal.core.queue import QueueParams, filter_clauses
    from portal.legal_aid.workflow import LEGAL_AID

    clauses = filter_clauses(LEGAL_AID, QueueParams(tab=tab, q=q), None)
    query = (
        select(ServiceRequest.id).where(*clauses, tab_clause(tab, officer, LEGAL_AID, utcnow())).limit(1001)
    )
    plan = plan_of(query)
    assert index in plan, plan
    db.session.rollback()


def test_the_queue_uses_its_index(app):
    """Page 1 of the open tab is an index range scan, not a sort of the whole table."""
    from portal.core.queue import QueueParams, ordering, tab_clause
    from portal.legal_aid.workflow import LEGAL_AID

    query = (
        select(ServiceRequest.id)
        .where(ServiceRequest.request_type == "LA", tab_clause("open", None, LEGAL_AID, utcnow()))
        .order_by(*ordering("open"))
        .limit(21)
    )
    compiled = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        plan = " ".join(str(row) for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + compiled)))
        assert "ix_request_queue_open" in plan and "TEMP B-TREE" not in plan, plan
    else:
        db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(str(row) for row in db.session.execute(db.text("EXPLAIN " + compiled)))
        assert "ix_request_queue_open" in plan and "Sort" not in plan.split("Index")[0], plan
    assert QueueParams().tab == "open"


def test_open_tabs_sort_by_received_date_with_keyset_pages(app, make_application, make_staff, make_client):
    """Sorted by the date received (oldest first), the open tab pages by a keyset cursor of
    its own: every request once, in that order, across pages. Seen red with the received
    cursor decoded as a due-date one (the second page started again)."""
    from portal.core.registry import kind_for_code

    make_staff("boss", "supervisor")
    app.config["QUEUE_PAGE_SIZE"] = 2
    applications = [make_application() for _ in range(5)]
    start = utcnow() - timedelta(days=10)
    for n, application in enumerate(reversed(applications)):  # the last made is the oldest
        application.created_at = start + timedelta(hours=n)
        application.priority = 0 if n == 4 else 1  # the newest is urgent: first by due date only
    db.session.commit()
    client = make_client()
    client.sign_in("boss")
    slug = kind_for_code("LA").slug
    url, seen = f"/staff/queue/{slug}?sort=received", []
    for _page in range(5):  # 3 pages of 2; more means a cursor started over
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r'<td><a href="[^"]*">(LA-\d{4}-\d{6})</a>', html)  # not a duplicate's link
        after = re.search(r'href="([^"]*)" rel="next"', html)
        if after is None:
            break
        url = after.group(1).replace("&amp;", "&")
    oldest_first = [a.reference for a in sorted(applications, key=lambda a: (a.created_at, a.id))]
    assert seen == oldest_first
    by_due = re.findall(
        r'<td><a href="[^"]*">(LA-\d{4}-\d{6})</a>', client.get(f"/staff/queue/{slug}").get_data(as_text=True)
    )
    assert by_due[0] == oldest_first[-1]  # the urgent (newest) first when sorted by due date


def test_the_queue_as_opened_reads_each_viewer_and_moment_afresh(
    client, officer, make_staff, make_application, make_client, clock
):
    """The unfiltered queue runs statements built once (issue #40, `core.queue_reads`): the
    viewer and the moment are bound each time, never the first viewer's or the first
    view's. Mutants caught: the viewer's id built into the kept statement (the second
    officer saw the first one's "Mine"), and the moment built in (a deadline passed after
    the first view was not overdue)."""
    other = make_staff("officer2", "legal_aid_officer")
    mine, theirs, soon = make_application(), make_application(), make_application()
    claim(mine, officer)
    claim(theirs, other)
    soon.set_due(utcnow() + timedelta(hours=1))
    db.session.commit()
    client.sign_in("officer")
    second = make_client()
    second.sign_in("officer2")

    def tab(who, name):
        return set(references(who.get(f"/staff/queue/legal-aid?tab={name}").get_data(as_text=True)))

    def count(who, name):
        page = who.get("/staff/queue/legal-aid").get_data(as_text=True)
        return int(re.search(rf'tab={name}"[^>]*>[^<]*<span class="count">(\d+)', page).group(1))

    for _ in range(2):
        assert tab(client, "mine") == {mine.reference} and count(client, "mine") == 1
        assert tab(second, "mine") == {theirs.reference} and count(second, "mine") == 1
    assert soon.reference not in tab(client, "overdue") and count(client, "overdue") == 0
    clock(timedelta(hours=2))
    later = make_client()  # two hours idle: the first session was signed out meanwhile
    later.sign_in("officer")
    assert soon.reference in tab(later, "overdue") and count(later, "overdue") == 1
