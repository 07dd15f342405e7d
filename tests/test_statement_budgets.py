"""Statements per page, pinned (issue #40): the count is exact whatever the machine's
load, so a page that starts reading more (a lazy load in a template, a per-row lookup,
a list read for a form nobody is offered) fails here, not only in a benchmark.

Each budget is the count after issue #40; the count before it is in the comment.
"""

from datetime import date

import pytest
from sqlalchemy import select
from statement_count import counted_statements
from test_switched_off_kinds import without  # noqa: F401 (a fixture)

from portal.accounts.profiles import save_profile
from portal.core.clock import local_today
from portal.extensions import db
from portal.legal_aid.assignment import open_cases
from portal.legal_aid.models import LegalAidApplication

from conftest import is_postgres


@pytest.fixture
def staff(make_staff):
    officer = make_staff("officer", "legal_aid_officer", name="张敏")
    lawyers = [make_staff(f"lawyer{n}", "lawyer", name=f"律师{n}") for n in range(3)]
    for lawyer in lawyers:
        save_profile(
            lawyer,
            profession="lawyer",
            practising_since=date(2010, 1, 1),
            firm="星城律师事务所",
            specialties=["labour"],
        )
    db.session.commit()
    return {"officer": officer, "lawyers": lawyers}


def act(client, reference, action, data=None):
    page = f"/staff/requests/{reference}"
    response = client.submit(page, data or {}, action=f"{page}/actions/{action}")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def statements_of(client, path: str):
    """The statements one GET of `path` sends, after a first GET (which may warm caches)."""
    assert client.get(path).status_code == 200
    with counted_statements(db.engine) as sent:
        assert client.get(path).status_code == 200
    return sent


@pytest.fixture
def officer(make_client, staff):
    client = make_client()
    client.sign_in("officer")
    return client


def claimed(officer, make_application) -> str:
    reference = make_application().reference
    page = f"/staff/requests/{reference}"
    assert officer.submit(page, {}, action=f"{page}/claim").status_code == 303
    return reference


def test_the_detail_page_of_a_new_application(officer, make_application):
    # Before: 12 (the user's roles apart, the parties of a kind that has none, the
    # objection outcomes of an application never objected to).
    sent = statements_of(officer, f"/staff/requests/{make_application().reference}")
    assert len(sent) <= 9, sent


def test_the_detail_page_with_the_lawyer_picker(officer, make_application, staff):
    # Before: 18 (also the handler's roles, and the picker's people read in three
    # statements: accounts, their roles, their specialties).
    reference = claimed(officer, make_application)
    act(officer, reference, "approve", {"approve-comment": "符合条件"})
    sent = statements_of(officer, f"/staff/requests/{reference}")
    assert len(sent) <= 12, sent
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert all(f"律师{n}" in page for n in range(3))  # every eligible person, no statement each


def test_the_legal_aid_queue(officer, make_application):
    # Before: 8 (the signed-in user's roles in a statement of their own), then 7 (the
    # handlers and the lawyers a statement each: accounts.services._active_staff).
    for _ in range(3):
        make_application()
    sent = statements_of(officer, "/staff/queue/legal-aid")
    assert len(sent) <= 6, sent


def test_the_legal_aid_queue_of_a_supervisor(make_client, make_staff, make_application):
    # Before: 9 (also the handlers read twice: for the filter and for the bulk form),
    # then 7 (the handlers and the lawyers a statement each).
    make_staff("supervisor", "supervisor", name="王主任")
    supervisor = make_client()
    supervisor.sign_in("supervisor")
    for _ in range(3):
        make_application()
    sent = statements_of(supervisor, "/staff/queue/legal-aid")
    assert len(sent) <= 6, sent


def test_the_detail_page_of_a_supervisor(make_client, make_staff, make_application, staff):
    # Before: 13 (the reassign form's handlers, besides what an officer's page reads).
    make_staff("supervisor", "supervisor", name="王主任")
    supervisor = make_client()
    supervisor.sign_in("supervisor")
    sent = statements_of(supervisor, f"/staff/requests/{make_application().reference}")
    assert len(sent) <= 10, sent


def test_the_open_case_lawyer_follows_the_case(officer, make_client, make_application, staff):
    """Counting a person's open cases reads only their open cases: the copy of the lawyer
    kept while the case is open is set on assignment and cleared when the case closes."""
    lawyer = staff["lawyers"][0]
    reference = claimed(officer, make_application)
    act(officer, reference, "approve", {"approve-comment": "符合条件"})
    act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(lawyer.id)})
    row = db.session.scalar(select(LegalAidApplication).where(LegalAidApplication.reference == reference))
    assert row.open_case_lawyer_id == lawyer.id
    assert open_cases([lawyer.id, staff["lawyers"][1].id]) == {lawyer.id: 1, staff["lawyers"][1].id: 0}
    as_lawyer = make_client()
    as_lawyer.sign_in(lawyer.username)
    act(
        as_lawyer,
        reference,
        "submit_closing",
        {
            "submit_closing-outcome": "mediated",
            "submit_closing-ended_on": local_today().isoformat(),
            "submit_closing-summary": "调解结案",
        },
    )
    act(officer, reference, "close", {"close-subsidy": "1200", "close-quality": "good"})
    db.session.expire_all()
    row = db.session.get(LegalAidApplication, row.id)
    assert (row.status, row.lawyer_id, row.open_case_lawyer_id) == ("closed", lawyer.id, None)
    assert open_cases([lawyer.id]) == {lawyer.id: 0}


@pytest.mark.skipif(is_postgres(), reason="SQLite's plan is stable on a small table; PostgreSQL's is not")
def test_the_open_case_count_reads_no_closed_case(app, staff):
    """The count goes through the open cases' index alone: no join to every request of
    the person (which read each closed case to find the few open ones)."""
    lawyer_id = staff["lawyers"][0].id
    with counted_statements(db.engine) as sent:
        open_cases([lawyer_id])
    (statement,) = sent
    assert "service_request" not in statement
    explained = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", sent.parameters[0])
    plan = " ".join(str(row[-1]) for row in explained)
    assert "ix_legal_aid_open_case_lawyer" in plan, plan


def test_the_migration_copies_the_lawyer_of_each_open_case(tmp_path):
    """0044 on a database of the old schema: an open case with a lawyer gets its copy; a
    closed one and one without a lawyer get none."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal import create_app
    from portal.database import MIGRATIONS_DIR

    from conftest import app_config

    old = create_app(app_config("sqlite:///" + str(tmp_path / "old.sqlite3"), tmp_path / "uploads"))
    with old.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision="0035_safe_contact")
        db.session.execute(
            text(
                "INSERT INTO user_account (id, kind, username, display_name, password_hash, is_active_account,"
                " failed_logins, created_at) VALUES (7, 'staff', 'lawyer', '陈律师', 'x', 1, 0, '2026-01-01')"
            )
        )
        for number, (is_open, lawyer) in enumerate(((1, 7), (0, 7), (1, None)), start=1):
            db.session.execute(
                text(
                    "INSERT INTO service_request (id, request_type, reference, status, is_open, priority,"
                    " due_sort, applicant_name, applicant_mobile, locale, created_at, updated_at, version)"
                    " VALUES (:id, 'LA', :reference, 'assigned', :open, 1, '9999-12-31', '周建国',"
                    " '13900000011', 'zh_Hans', '2026-01-01', '2026-01-01', 1)"
                ),
                {"id": number, "reference": f"LA-2026-00000{number}", "open": is_open},
            )
            db.session.execute(
                text(
                    "INSERT INTO legal_aid_application (id, address, for_relative, matter_type, stage, facts,"
                    " urgent, lawyer_id) VALUES (:id, '长沙县', 0, 'labour', 'arbitration', '拖欠工资', 0, :lawyer)"
                ),
                {"id": number, "lawyer": lawyer},
            )
        db.session.commit()
        db.session.remove()
        upgrade(directory=MIGRATIONS_DIR)
        found = dict(
            db.session.execute(text("SELECT id, open_case_lawyer_id FROM legal_aid_application")).all()
        )
        db.session.remove()
        db.engine.dispose()
    assert found == {1: 7, 2: None, 3: None}


def test_a_read_only_detail_page_builds_only_the_forms_it_offers(app, make_staff, without, monkeypatch):  # noqa: F811
    """A request of a switched-off service takes no note, message or action: its staff
    detail page builds no form for them (it built the note and message forms before
    issue #40). The applicant's new mobile is the one change it still takes (so that
    tracking follows the new number), and a supervisor is offered it."""
    from wtforms.form import BaseForm

    from portal.core.registry import REGISTRY_KEY

    sample = app.extensions[REGISTRY_KEY].kinds["LA"].make_sample()
    make_staff("boss", "supervisor")
    reference = sample.reference
    other = without(app, "LA")
    staff = other.test_client()
    staff.sign_in("boss")
    built = []
    original = BaseForm.__init__

    def counted(form, *args, **kwargs):
        built.append(type(form).__name__)
        original(form, *args, **kwargs)

    monkeypatch.setattr(BaseForm, "__init__", counted)
    page = staff.get(f"/staff/requests/{reference}")
    assert page.status_code == 200
    assert built == ["MobileChangeForm"]


def test_the_reports_home(make_client, make_staff, make_application):
    """The supervisor's dashboard after `refresh-reports`: the kinds' month marks in one
    statement and the year's numbers remembered while they stand (portal.reports.year_memo);
    the ratings counted in one grouped statement, the follow-ups in one, what is overdue in
    one; consultations by channel in two, adviser services and archive use in one each.
    Before: 128 here (each section's stored months in a statement of its own, the months
    before the first request, which have no row, counted live on every page, three rating
    queries per kind, a count per kind overdue and per follow-up figure).
    Mutant caught: the memo never used (every page reads the stored months and counts the
    months without a row) sends 98."""
    from portal.reports.summary import refresh

    make_staff("supervisor", "supervisor", name="王主任")
    supervisor = make_client()
    supervisor.sign_in("supervisor")
    for _ in range(3):
        make_application()
    refresh()
    db.session.commit()
    sent = statements_of(supervisor, "/staff/reports/")
    assert len(sent) <= 9, sent


def test_the_booking_pages(client, app):
    """Booking step 1 (the points and their free days) and a day's times: the calendar
    (holiday rows and which years are officially arranged) is one statement. Before: 4
    and 5 (the arranged years read in a statement of their own)."""
    from test_consultations import day_of, make_point, make_slot

    point = make_point()
    slot = make_slot(point, hours_ahead=72)
    db.session.commit()
    assert len(statements_of(client, "/consultations/book")) <= 3
    sent = statements_of(client, f"/consultations/book?point={point.id}&date={day_of(slot)}")
    assert len(sent) <= 4, sent


def test_a_request_is_read_with_its_handler_and_not_the_handlers_roles(app, make_staff, make_application):
    """A handler, an actor or an author joined to a page's rows is shown by name: their
    roles are not read (#40: the archive search and the health check form each sent a
    statement for them). Red with `User.role_rows` loaded by selectin."""
    handler = make_staff("handler", "legal_aid_officer", name="李办")
    found = make_application()
    found.handler_id = handler.id
    db.session.commit()
    found_id = found.id
    db.session.expunge_all()
    with counted_statements(db.engine) as sent:
        loaded = db.session.get(LegalAidApplication, found_id)  # the handler joined
        assert loaded.handler.display_name == "李办"
    assert sent and not [s for s in sent if "user_role" in s], sent
    assert loaded.handler.roles == {"legal_aid_officer"}  # still there when asked


def test_the_staff_lists_are_read_once_a_transaction_and_again_after_a_commit(app, make_staff):
    """The handlers and the lawyers of a page come from one statement; an account made
    (or a role changed) and committed is in the next list, not hidden by the first."""
    from portal.accounts.services import staff_choices

    make_staff("officer1", "legal_aid_officer", name="甲")
    with counted_statements(db.engine) as sent:
        officers = staff_choices("legal_aid_officer", "supervisor")
        lawyers = staff_choices("lawyer")
    assert [o.display_name for o in officers] == ["甲"] and lawyers == []
    assert len(sent) == 1, sent
    make_staff("lawyer1", "lawyer", name="乙")  # commits
    assert [(name) for _id, name in staff_choices("lawyer")] == ["乙"]
