"""Security matrix, enumerated from the URL map so that new routes are covered or fail.

- every rule under /staff/ × every role → the expected answer;
- every route that accepts POST, without a CSRF token → 400 and nothing written;
- headers and cookie flags.
"""

import io
import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AccountKind, User
from portal.core.models import Attachment, AuditEvent
from portal.extensions import db

from support import PASSWORD, application_form

ROLES = ["anonymous", "resident", "enterprise", "lawyer", "legal_aid_officer", "consultation_desk",
         "health_check_coordinator", "adviser_admin", "supervisor", "admin"]
QUEUE_LA = {"legal_aid_officer", "supervisor", "lawyer"}
ALL_STAFF = set(ROLES) - {"anonymous", "resident", "enterprise"}

#: Who may use each staff endpoint. A new /staff/ route without an entry fails the test.
STAFF_ACCESS = {
    "backoffice.login": set(ROLES),
    "backoffice.home": ALL_STAFF,
    "backoffice.queue_page": QUEUE_LA,
    "backoffice.queue_export": QUEUE_LA,
    "backoffice.detail": {"legal_aid_officer", "supervisor"},
    "backoffice.attachment": {"legal_aid_officer", "supervisor"},
    "backoffice.reveal_id": {"legal_aid_officer", "supervisor"},
    "backoffice.claim_request": {"legal_aid_officer"},  # supervisors assign instead
    "backoffice.take_action": {"legal_aid_officer", "supervisor"},
    "backoffice.add_internal_note": {"legal_aid_officer", "supervisor"},
    "backoffice.send_message": {"legal_aid_officer", "supervisor"},
    "backoffice.reassign_request": {"supervisor"},
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.holidays": {"admin"},
    "admin.delete_holiday": {"admin"},
    "adviser_admin.advisers": {"adviser_admin"},
    "adviser_admin.new_adviser": {"adviser_admin"},
    "adviser_admin.edit_adviser": {"adviser_admin"},
    "adviser_admin.detail": {"adviser_admin"},  # and the adviser's own linked account
    "adviser_admin.add_service": {"adviser_admin"},  # and the adviser's own linked account
    "adviser_admin.me": {"adviser_admin", "lawyer"},
    "adviser_admin.villages": {"adviser_admin"},
    "adviser_admin.new_village": {"adviser_admin"},
    "adviser_admin.village": {"adviser_admin"},
    "adviser_admin.reassign": {"adviser_admin"},
    "adviser_admin.roster_import": {"adviser_admin"},
    "adviser_admin.roster_export": {"adviser_admin"},
    # Consultation desks: desk staff of the point (the world's desk user works it), admins.
    "desk.points": {"consultation_desk", "admin", "supervisor"},
    "desk.day_view": {"consultation_desk", "admin", "supervisor"},
    "desk.walk_in": {"consultation_desk", "admin"},
    "desk.change_slot": {"consultation_desk", "admin"},
    "desk.close_today": {"consultation_desk", "admin"},
    "desk.settings": {"consultation_desk", "admin"},
    "desk.add_template": {"consultation_desk", "admin"},
    "desk.template_capacity": {"consultation_desk", "admin"},
    "desk.delete_template": {"consultation_desk", "admin"},
    "desk.add_closure": {"consultation_desk", "admin"},
    "desk.delete_closure": {"consultation_desk", "admin"},
    "desk.desk_staff": {"admin"},
}


@pytest.fixture
def world(app, make_staff, make_client, make_application):
    """One account per role, an application with a file, a holiday."""
    from datetime import date

    from portal.core.models import Holiday

    for role in ROLES:
        if role in ("anonymous", "resident", "enterprise"):
            continue
        make_staff(role, role)
    for kind, mobile in (("resident", "13800000001"), ("enterprise", "13800000002")):
        user = User(kind=AccountKind(kind), mobile=mobile, display_name=kind)
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.add(Holiday(day=date(2027, 1, 1), name="元旦"))
    db.session.commit()
    application = make_application()
    attachment = Attachment(request_id=application.id, stored_name="0" * 32 + ".pdf", original_name="a.pdf",
                            content_type="application/pdf", size=10)
    db.session.add(attachment)
    db.session.commit()
    (app.config["UPLOAD_FOLDER"] and __import__("pathlib").Path(app.config["UPLOAD_FOLDER"], attachment.stored_name)
     .write_bytes(b"%PDF-1.4\n"))
    return {
        "reference": application.reference,
        "attachment_id": attachment.id,
        "user_id": db.session.scalar(select(User.id).where(User.username == "lawyer")),
        "holiday_id": db.session.scalar(select(Holiday.id)),
        **consultation_world(),
    }


def consultation_world() -> dict:
    """A service point worked by the desk user, with a template, a slot and a closure."""
    from datetime import time, timedelta

    from portal.consultations.models import (
        Closure,
        ConsultationSlot,
        ServicePoint,
        SlotTemplate,
        StaffServicePoint,
    )
    from portal.core.clock import local_today, utcnow

    point = ServicePoint(code="CENTRE", kind="centre", name="中心", name_en="Centre", address="a", phone="1",
                         hours="h", services="s")
    point.templates = [SlotTemplate(weekday=0, start_time=time(9), end_time=time(10), capacity=1)]
    db.session.add(point)
    db.session.flush()
    start = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    slot = ConsultationSlot(service_point_id=point.id, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=1)
    closure = Closure(service_point_id=point.id, day=local_today() + timedelta(days=40), reason="x")
    desk = db.session.scalar(select(User).where(User.username == "consultation_desk"))
    db.session.add_all([slot, closure, StaffServicePoint(user_id=desk.id, service_point_id=point.id)])
    db.session.commit()
    return {"point_id": point.id, "slot_id": slot.id, "template_id": point.templates[0].id,
            "closure_id": closure.id, "change": "block"}


def url_for_rule(rule, world) -> str:
    values = {"slug": "legal-aid", "fmt": "csv", "action": "start_review", "adviser_id": 1, "village_id": 1, **world}
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), url)
    return url


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/staff")]


def signed_in_client(make_client, role):
    client = make_client()
    if role == "anonymous":
        return client
    login = {"resident": "13800000001", "enterprise": "13800000002"}.get(role, role)
    client.sign_in(login)
    return client


def test_every_staff_route_has_a_declared_expectation(app):
    undeclared = {r.endpoint for r in staff_rules(app)} - set(STAFF_ACCESS)
    assert not undeclared, f"declare who may use: {sorted(undeclared)}"


@pytest.mark.parametrize("role", ROLES)
def test_staff_routes_answer_each_role_as_declared(app, world, make_client, role):
    client = signed_in_client(make_client, role)
    for rule in staff_rules(app):
        url = url_for_rule(rule, world)
        if "GET" in rule.methods:
            response = client.get(url)
        else:
            response = client.submit("/staff/login", {}, action=url)
        allowed = role in STAFF_ACCESS[rule.endpoint]
        status = response.status_code
        if allowed:
            assert status < 500 and status != 403, (role, url, status)
            assert not (status == 302 and "/login" in response.headers.get("Location", "")), (role, url)
        elif role == "anonymous":
            assert status == 302 and "/staff/login" in response.headers["Location"], (role, url, status)
        else:
            assert status == 403, (role, url, status)


def post_rules(app):
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods]


def test_every_post_without_a_csrf_token_is_refused_and_writes_nothing(schema, tmp_path, world, make_client):
    from portal import create_app

    from conftest import PortalClient, app_config

    strict = create_app(dict(app_config(schema, tmp_path / "strict"), WTF_CSRF_ENABLED=True))
    assert strict.config["WTF_CSRF_ENABLED"]
    strict.test_client_class = PortalClient
    client = strict.test_client()
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    users_before = db.session.scalar(select(func.count()).select_from(User))
    db.session.commit()  # SQLite: release the test's own transaction before the requests write
    client.sign_in("admin")  # signed in as the most powerful role
    checked = []
    with strict.app_context():
        for rule in post_rules(strict):
            url = url_for_rule(rule, world)
            response = client.post(url, data={"body": "x", "login": "admin", "password": PASSWORD})
            assert response.status_code == 400, (url, response.status_code)
            checked.append(rule.endpoint)
        db.engine.dispose()  # close its connections now: PostgreSQL's would warn when collected later
    assert {"accounts.login", "legal_aid.apply", "public.track", "backoffice.claim_request", "accounts.logout"} <= set(checked)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before


def test_security_headers_and_cookie_flags(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    page = client.get("/legal-aid/apply")
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(app):
    from portal.config import DefaultConfig

    assert DefaultConfig.SESSION_COOKIE_SECURE and DefaultConfig.REMEMBER_COOKIE_SECURE


def test_no_template_uses_inline_script_or_style(app):
    from pathlib import Path

    from portal.config import PROJECT_ROOT

    for template in Path(PROJECT_ROOT, "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script>" not in text, template
        assert not re.search(r"<[^>]+\s(style|on[a-z]+)=", text), template


def test_one_applicant_cannot_reach_another_applicants_request_or_files(client, make_client, app):
    data = application_form()
    data["attachments"] = [(io.BytesIO(b"%PDF-1.4\n%%EOF"), "mine.pdf")]
    first = client.submit("/legal-aid/apply", data, content_type="multipart/form-data")
    mine = first.headers["Location"].rsplit("/", 1)[1]
    other = make_client()
    theirs = other.submit("/legal-aid/apply", application_form(mobile="13700000000")).headers["Location"].rsplit("/", 1)[1]
    attachment = db.session.scalar(select(Attachment))
    assert client.get(f"/track/{mine}/files/{attachment.id}").status_code == 200
    assert client.get(f"/track/{mine}/files/{attachment.id}").headers["Content-Disposition"].startswith("attachment")
    assert other.get(f"/track/{mine}").status_code == 404
    assert other.get(f"/track/{mine}/files/{attachment.id}").status_code == 404
    assert other.get(f"/track/{theirs}/files/{attachment.id}").status_code == 404  # file of another request
    assert other.get(f"/legal-aid/applied/{mine}").status_code == 404
    assert client.get(f"/static/../instance/uploads/{attachment.stored_name}").status_code == 404


def test_exports_neutralise_formula_cells(client, make_staff, make_application):
    make_staff("officer", "legal_aid_officer")
    make_application(applicant_name="=HYPERLINK(\"http://evil\")")
    make_application(applicant_name="@SUM(1+1)")
    client.sign_in("officer")
    csv = client.get("/staff/queue/legal-aid/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and "'@SUM" in csv
    assert "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(client.get("/staff/queue/legal-aid/export.xlsx").data))
    names = [row[3] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert set(names) == {"'=HYPERLINK(\"http://evil\")", "'@SUM(1+1)"}
