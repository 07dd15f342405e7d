"""Security matrix, enumerated from the URL map so that new routes are covered or fail.

The kinds, roles and staff areas are those of the running app's registry (its
CAPABILITIES setting), not of the default settings: a deployment with a capability
switched off is checked as it runs.

- every rule under /staff/ × every role → the expected answer;
- every route that accepts POST, without a CSRF token → 400 and nothing written;
- headers and cookie flags.
"""

import io
import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AccountType, User
from portal.core.models import Attachment, AuditEvent
from portal.extensions import db

from support import PASSWORD, application_form


def running():
    """The registry of the app under test (the current app context): what the matrix checks."""
    from portal.core.registry import registry

    return registry()


def installed_roles() -> list[str]:
    """Every role of every installed capability, enabled or not: the roles the tests are
    parametrised over (collected before any app exists); a role the running settings do
    not have is skipped, and a running role not among them fails the `world` fixture."""
    from portal.accounts.roles import Role
    from portal.core.registry import build_registry, installed_capability_packages

    return sorted(build_registry(installed_capability_packages(), core_roles=tuple(Role)).roles)


PUBLIC = ["anonymous", "resident", "enterprise"]
STAFF_ROLES = installed_roles()
ROLES = PUBLIC + STAFF_ROLES
#: Shared staff pages every staff account may open.
ALL_STAFF_PAGES = {"backoffice.login", "backoffice.home"}
#: Shared staff pages open to anyone staff: the generic admin pages have their own rule.
#: The shared admin blueprints: every page of them is for admins only.
ADMIN_BLUEPRINTS = {"admin", "enterprise_admin"}


def is_admin_page(endpoint: str) -> bool:
    return endpoint.split(".", 1)[0] in ADMIN_BLUEPRINTS


def kind_expectation(kind, endpoint: str, transition) -> set[str]:
    """Who may use a shared per-request page of this kind, derived from its declarations."""
    workers = {str(r) for r in kind.staff_roles}
    if endpoint == "backoffice.queue_page" or endpoint == "backoffice.queue_export":
        return workers | {"supervisor"} | ({str(kind.participant_role)} if kind.participant_role else set())
    if kind.staff_scope is not None:
        workers = set()  # staff limited to part of the kind (desk to its points): the sample is outside it
    # Roles that see only part of the kind (the bureau's reviewer: objections): a new sample is outside it.
    workers -= {str(r) for r in kind.role_scopes}
    if endpoint == "backoffice.claim_request":
        return workers  # supervisors assign instead
    if endpoint in ("backoffice.reassign_request", "backoffice.bulk_assign"):
        return {"supervisor"}
    if endpoint == "backoffice.take_action":
        # The sample is nobody's yet: a handler-only transition is the supervisor's alone.
        takers = set() if transition.handler_only else workers & {str(r) for r in transition.roles}
        return takers | {"supervisor"}
    return workers | {"supervisor"}  # detail, files, reveal, notes, messages


def skip_unless_running(role: str) -> None:
    if role not in PUBLIC and role not in running().roles:
        pytest.skip(f"{role} is a role of a capability the running settings switch off")


@pytest.fixture
def world(app):
    return build_world(app)


def build_world(app):
    """One account per role of the running app, and one sample request (with a file) of each of its kinds."""
    from datetime import date

    from portal.accounts.services import create_staff_user
    from portal.core.models import Holiday
    from portal.core.registry import all_kinds

    roles = set(running().roles)
    assert roles <= set(STAFF_ROLES), f"roles the matrix is not parametrised over: {roles - set(STAFF_ROLES)}"
    for role in sorted(roles):
        create_staff_user(role, PASSWORD, (role,), role.title())
    for kind, mobile in (("resident", "13800000001"), ("enterprise", "13800000002")):
        user = User(account_type=AccountType(kind), mobile=mobile, display_name=kind)
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.add(Holiday(day=date(2027, 1, 1), name="元旦"))
    db.session.commit()
    samples = {}
    for kind in all_kinds():
        sample = kind.make_sample()
        attachment = Attachment(
            request_id=sample.id,
            stored_name=f"{sample.id:032d}.pdf",
            original_name="a.pdf",
            content_type="application/pdf",
            size=10,
        )
        db.session.add(attachment)
        db.session.commit()
        __import__("pathlib").Path(app.config["UPLOAD_FOLDER"], attachment.stored_name).write_bytes(
            b"%PDF-1.4\n"
        )
        samples[kind.code] = {
            "reference": sample.reference,
            "attachment_id": attachment.id,
            "slug": kind.slug,
            "status": sample.status,
        }
    return {
        "samples": samples,
        "user_id": db.session.scalar(select(User.id).where(User.username == "lawyer")),
        "holiday_id": db.session.scalar(select(Holiday.id)),
    }


def url_for_rule(rule, values) -> str:
    defaults = {"fmt": "csv", "action": "none", "change": "block"}
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values.get(name, defaults.get(name, 1))), url)
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


def answer(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    return client.submit("/staff/login", {}, action=url)


def check(role, url, status, location, allowed: bool) -> None:
    if allowed:
        assert status < 500 and status != 403, (role, url, status)
        assert not (status == 302 and "/login" in location), (role, url)
    elif role == "anonymous":
        assert status == 302 and "/staff/login" in location, (role, url, status)
    else:
        assert status == 403, (role, url, status)


def capability_area(endpoint: str):
    from portal.core.contract import CORE_STAFF_AREAS

    blueprint = endpoint.split(".", 1)[0]
    if (
        blueprint in CORE_STAFF_AREAS
    ):  # the core's own staff pages (outbox, reports, follow-ups), declared like a capability's
        return {str(r) for r in CORE_STAFF_AREAS[blueprint]}
    for capability in running().capabilities:
        if capability.staff_areas and blueprint in capability.staff_areas:
            return {str(r) for r in capability.staff_areas[blueprint]}
    return None


def test_every_staff_route_is_shared_or_in_a_declared_staff_area(app):
    shared = ALL_STAFF_PAGES | {
        e for e in app.view_functions if e.startswith("backoffice.") or is_admin_page(e)
    }
    undeclared = {r.endpoint for r in staff_rules(app)} - shared
    undeclared = {e for e in undeclared if capability_area(e) is None}
    assert not undeclared, f"declare who may use: {sorted(undeclared)}"


@pytest.mark.parametrize("role", ROLES)
def test_shared_staff_pages_answer_each_kind_and_role_as_declared(app, world, make_client, role):
    """Every declared kind × every declared role × every shared per-request staff page."""
    skip_unless_running(role)
    check_shared_pages(app, world, make_client, role)


def check_shared_pages(app, world, make_client, role) -> None:
    kinds = sorted(running().kinds)
    client = signed_in_client(make_client, role)
    checked = 0
    for code in kinds:
        kind, values = running().kinds[code], world["samples"][code]
        transition = next(t for t in kind.workflow.from_state(values["status"], "staff"))
        # The declared transition first and the claim last: both may move the sample on.
        order = {"backoffice.take_action": 0, "backoffice.claim_request": 2}
        for rule in sorted(staff_rules(app), key=lambda r: order.get(r.endpoint, 1)):
            if not rule.endpoint.startswith("backoffice.") or rule.endpoint in ALL_STAFF_PAGES:
                continue
            url = url_for_rule(rule, {**values, "action": transition.action})
            response = answer(client, rule, url)
            allowed = role in kind_expectation(kind, rule.endpoint, transition)
            check(role, url, response.status_code, response.headers.get("Location", ""), allowed)
            checked += 1
    assert checked >= len(kinds) * 10


@pytest.mark.parametrize("role", ROLES)
def test_capability_and_admin_staff_pages_refuse_roles_they_do_not_declare(app, world, make_client, role):
    """A capability's own staff pages let in only the roles of its staff area; admin pages only admins."""
    skip_unless_running(role)
    check_capability_pages(app, world, make_client, role)


def check_capability_pages(app, world, make_client, role) -> None:
    client = signed_in_client(make_client, role)
    for rule in staff_rules(app):
        if rule.endpoint == "backoffice.login":
            continue  # the sign-in page is open to all
        area = {"admin"} if is_admin_page(rule.endpoint) else capability_area(rule.endpoint)
        if rule.endpoint in ALL_STAFF_PAGES:
            area = set(running().roles)
        if area is None or role in area:
            continue  # inside its area, the capability's own tests check each page per object
        url = url_for_rule(rule, world)
        response = answer(client, rule, url)
        check(role, url, response.status_code, response.headers.get("Location", ""), allowed=False)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_shared_staff_home_and_admin_pages_let_in_their_roles(app, world, make_client, role):
    skip_unless_running(role)
    client = signed_in_client(make_client, role)
    for rule in staff_rules(app):
        if rule.endpoint in ALL_STAFF_PAGES or (role == "admin" and is_admin_page(rule.endpoint)):
            url = url_for_rule(rule, world)
            response = answer(client, rule, url)
            check(role, url, response.status_code, response.headers.get("Location", ""), allowed=True)


def test_the_matrix_checks_the_running_settings(app, schema, tmp_path):
    """With health checks switched off, the matrix checks the app as it runs: its kinds, its
    roles, its routes. Mutant caught: the matrix reading the default settings' registry
    (`DefaultConfig.CAPABILITIES`) instead of the running app's."""
    from portal import create_app

    from conftest import PortalClient, app_config

    packages = tuple(p for p in app.config["CAPABILITIES"] if p != "portal.health_checks")
    expected = set(running().kinds) - {"HC"}  # every kind the settings enable, but health checks
    other = create_app(dict(app_config(schema, tmp_path / "other"), CAPABILITIES=packages))
    other.test_client_class = PortalClient
    try:
        with other.app_context():
            assert "HC" not in running().kinds and "health_check_coordinator" not in running().roles
            assert set(running().kinds) == expected and {"LA", "CB", "MD", "AC"} <= expected
            world = build_world(other)
            assert set(world["samples"]) == expected
            for role in ("supervisor", "lawyer", "enterprise"):
                check_shared_pages(other, world, other.test_client, role)
                check_capability_pages(other, world, other.test_client, role)
            db.session.remove()
            db.engine.dispose()
    finally:
        db.session.rollback()


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
    values = {**world, **next(iter(world["samples"].values()))}
    with strict.app_context():
        for rule in post_rules(strict):
            url = url_for_rule(rule, values)
            response = client.post(url, data={"body": "x", "login": "admin", "password": PASSWORD})
            # The gateway's receipts have no CSRF token but a signature: unsigned, 403.
            expected = 403 if rule.endpoint == "sms_receipts.sms_receipts" else 400
            assert response.status_code == expected, (url, response.status_code)
            checked.append(rule.endpoint)
        db.engine.dispose()  # close its connections now: PostgreSQL's would warn when collected later
    assert {
        "accounts.login",
        "legal_aid.apply",
        "public.track",
        "backoffice.claim_request",
        "accounts.logout",
    } <= set(checked)
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
    theirs = (
        other.submit("/legal-aid/apply", application_form(mobile="13700000000"))
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    attachment = db.session.scalar(select(Attachment))
    assert client.get(f"/track/{mine}/files/{attachment.id}").status_code == 200
    assert (
        client.get(f"/track/{mine}/files/{attachment.id}")
        .headers["Content-Disposition"]
        .startswith("attachment")
    )
    # Another browser gets the page that asks for the reference, the mobile and the code.
    for page in (
        f"/track/{mine}",
        f"/track/{mine}/files/{attachment.id}",
        f"/legal-aid/applied/{mine}",
    ):
        response = other.get(page)
        assert response.status_code == 200 and 'id="proof-needed"' in response.get_data(as_text=True), page
        assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert other.get(f"/track/{theirs}/files/{attachment.id}").status_code == 404  # a file of another request
    assert client.get(f"/static/../instance/uploads/{attachment.stored_name}").status_code == 404


def test_exports_neutralise_formula_cells(client, make_staff, make_application):
    make_staff("officer", "legal_aid_officer")
    make_application(applicant_name='=HYPERLINK("http://evil")')
    make_application(applicant_name="@SUM(1+1)")
    client.sign_in("officer")
    csv = client.get("/staff/queue/legal-aid/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and "'@SUM" in csv
    assert "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(client.get("/staff/queue/legal-aid/export.xlsx").data))
    names = [row[3] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert set(names) == {'\'=HYPERLINK("http://evil")', "'@SUM(1+1)"}
