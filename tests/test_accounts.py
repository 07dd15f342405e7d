"""Accounts: registration, sign-in, lockout in the database, idle timeout, safe redirects."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import create_app
from portal.accounts.models import User
from portal.core.clock import utcnow
from portal.extensions import db
from portal.security import LAST_SEEN_KEY

from support import PASSWORD


def register(client, **overrides):
    data = {
        "account_type": "resident",
        "display_name": "赵红",
        "mobile": "13800000001",
        "password": "long-enough-pw",
        "confirm": "long-enough-pw",
    }
    data.update(overrides)
    return client.submit("/account/register", data)


def test_a_resident_registers_and_lands_on_my_requests(client):
    response = register(client, mobile="+86 138 0000 0001")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/requests")
    user = db.session.scalar(select(User))
    assert (user.account_type, user.mobile) == ("resident", "13800000001")
    assert user.password_hash != "long-enough-pw" and user.check_password("long-enough-pw")


def test_an_enterprise_needs_a_valid_credit_code(client):
    bad = register(
        client, account_type="enterprise", company_name="星沙某科技有限公司", uscc="91110000600037341N"
    )
    assert bad.status_code == 200 and 'id="uscc-error"' in bad.get_data(as_text=True)
    good = register(
        client, account_type="enterprise", company_name="星沙某科技有限公司", uscc="91110000600037341l"
    )
    assert good.status_code == 302 and good.headers["Location"].endswith("/account/enterprise")
    from portal.accounts.enterprises import Enterprise, EnterpriseMember

    assert db.session.scalar(select(Enterprise.uscc)) == "91110000600037341L"
    assert db.session.scalar(select(EnterpriseMember.status)) == "pending"  # typing a code proves nothing


def test_a_mobile_registers_only_once(client, make_client):
    register(client)
    again = register(make_client())
    assert 'id="mobile-error"' in again.get_data(as_text=True)


def test_five_failures_lock_the_account_for_fifteen_minutes(client, make_staff):
    make_staff("officer", "legal_aid_officer")
    for _ in range(5):
        assert client.submit("/staff/login", {"login": "officer", "password": "wrong"}).status_code == 200
    locked = client.submit("/staff/login", {"login": "officer", "password": PASSWORD})
    assert locked.status_code == 200
    from portal.accounts.models import LoginThrottle

    lock = db.session.scalar(select(LoginThrottle).where(LoginThrottle.scope == "account"))
    assert lock.login == "officer" and lock.locked_until > utcnow() + timedelta(minutes=14)
    lock.locked_until = utcnow() - timedelta(seconds=1)  # fifteen minutes later
    db.session.commit()
    assert client.submit("/staff/login", {"login": "officer", "password": PASSWORD}).status_code == 302


def test_login_is_rate_limited_per_address(schema, tmp_path):
    from conftest import PortalClient, app_config

    limited = create_app(
        dict(app_config(schema, tmp_path), RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="5 per minute")
    )
    limited.test_client_class = PortalClient
    client = limited.test_client()
    with limited.app_context():
        statuses = [
            client.submit("/account/login", {"login": "x", "password": "y"}).status_code for _ in range(7)
        ]
        db.engine.dispose()  # close its connections now: PostgreSQL's would warn when collected later
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]


def test_staff_are_signed_out_after_thirty_idle_minutes(client, make_staff):
    make_staff("officer", "legal_aid_officer")
    client.sign_in("officer")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        session[LAST_SEEN_KEY] = (utcnow() - timedelta(minutes=31)).isoformat(timespec="seconds")
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert client.get("/staff/").status_code == 302


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(client, make_staff, target):
    make_staff("officer", "legal_aid_officer")
    response = client.submit(
        "/staff/login", {"login": "officer", "password": PASSWORD}, action=f"/staff/login?next={target}"
    )
    assert response.headers["Location"] == "/staff/"


def test_next_inside_the_site_is_followed(client, make_staff):
    make_staff("officer", "legal_aid_officer")
    response = client.submit(
        "/staff/login",
        {"login": "officer", "password": PASSWORD},
        action="/staff/login?next=/staff/queue/legal-aid",
    )
    assert response.headers["Location"] == "/staff/queue/legal-aid"


def test_sign_out_is_post_only(client, make_staff):
    make_staff("officer", "legal_aid_officer")
    client.sign_in("officer")
    assert client.get("/account/logout").status_code == 405
    assert client.get("/staff/").status_code == 200
    client.sign_out()
    assert client.get("/staff/").status_code == 302


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_DEMO", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("UPLOAD_FOLDER", str(tmp_path / "uploads"))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_the_admin_creates_staff_accounts_with_roles(client, make_staff):
    make_staff("admin", "admin")
    client.sign_in("admin")
    weak = client.submit(
        "/staff/admin/users/new",
        {
            "username": "newbie",
            "display_name": "新人",
            "password": "short",
            "roles": ["legal_aid_officer"],
            "active": "y",
        },
    )
    assert weak.status_code == 400
    created = client.submit(
        "/staff/admin/users/new",
        {
            "username": "newbie",
            "display_name": "新人",
            "password": "long-enough-password",
            "roles": ["legal_aid_officer", "supervisor"],
            "active": "y",
        },
    )
    assert created.status_code == 303
    user = db.session.scalar(select(User).where(User.username == "newbie"))
    assert user.roles == {"legal_aid_officer", "supervisor"} and user.is_staff


def test_create_user_command(app):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--username",
            "chen",
            "--password",
            "a-long-password",
            "--role",
            "lawyer",
            "--role",
            "legal_aid_officer",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "chen"))
    assert user.roles == {"lawyer", "legal_aid_officer"} and user.check_password("a-long-password")
    again = app.test_cli_runner().invoke(
        args=["create-user", "--username", "chen", "--password", "a-long-password", "--role", "lawyer"]
    )
    assert again.exit_code != 0
