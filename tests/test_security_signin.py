"""Sign-in that cannot be turned against its owner (SPEC §11, issue #15): throttles per
account+address and per address, one answer and one password-hash check for every
refusal, the admin's page of locks, the password rules, ProxyFix."""

import re

import pytest
from sqlalchemy import select

from portal import create_app
from portal.accounts import services
from portal.accounts.models import LoginThrottle, User
from portal.core.clock import utcnow
from portal.extensions import db

from support import PASSWORD

HOME, AWAY = "203.0.113.5", "198.51.100.7"
ERROR = re.compile(r'id="login-error"[^>]*>(.*?)</', re.S)


def from_address(make_client, address: str):
    browser = make_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def attempt(browser, login: str, password: str):
    return browser.submit("/staff/login", {"login": login, "password": password})


def error_of(response) -> str:
    html = response.get_data(as_text=True)
    start = html.index('class="field-error"') if 'class="field-error"' in html else html.index("login-error")
    return re.sub(r"\s+", " ", html[start : start + 400])


def test_a_lockout_from_one_address_leaves_the_owner_free_elsewhere(make_client, make_staff):
    make_staff("admin", "admin")
    attacker = from_address(make_client, HOME)
    for _ in range(5):
        assert attempt(attacker, "admin", "guess-guess-guess").status_code == 200
    assert attempt(attacker, "admin", PASSWORD).status_code == 200  # locked here, even with the password
    owner = from_address(make_client, AWAY)
    assert attempt(owner, "admin", PASSWORD).status_code == 302  # the owner signs in from elsewhere
    user = db.session.scalar(select(User).where(User.username == "admin"))
    assert user.locked_until is None  # the account itself is never locked


def test_too_many_failures_from_one_address_lock_that_address_for_every_account(app, make_client, make_staff):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 4
    make_staff("officer", "legal_aid_officer")
    sprayer = from_address(make_client, HOME)
    for name in ("a1", "a2", "a3", "a4"):
        attempt(sprayer, name, "guess-guess-guess")
    assert attempt(sprayer, "officer", PASSWORD).status_code == 200
    assert attempt(from_address(make_client, AWAY), "officer", PASSWORD).status_code == 302


def test_unknown_user_wrong_password_and_locked_account_get_the_same_answer(make_client, make_staff):
    # Three logins of the same length, so that the pages can be compared character for character.
    make_staff("member", "legal_aid_officer")
    make_staff("locked", "legal_aid_officer")
    browser = from_address(make_client, HOME)
    for _ in range(5):
        attempt(browser, "locked", "guess-guess-guess")
    unknown = attempt(browser, "nobody", "guess-guess-guess")
    wrong = attempt(browser, "member", "guess-guess-guess")
    locked = attempt(browser, "locked", PASSWORD)
    assert unknown.status_code == wrong.status_code == locked.status_code == 200
    assert (
        error_of(unknown).replace("nobody", "X")
        == error_of(wrong).replace("member", "X")
        == error_of(locked).replace("locked", "X")
    )


@pytest.mark.parametrize("case", ["unknown", "wrong", "locked", "locked_right_password", "right", "disabled"])
def test_every_branch_does_exactly_one_password_hash_check(app, make_staff, monkeypatch, case):
    make_staff("officer", "legal_aid_officer")
    if case == "disabled":
        db.session.scalar(select(User).where(User.username == "officer")).is_active_account = False
    if case.startswith("locked"):
        for scope, key, login in services.throttle_keys("officer", HOME):
            db.session.add(
                LoginThrottle(
                    scope=scope,
                    key=key,
                    login=login,
                    address=HOME,
                    failures=5,
                    first_failure_at=utcnow(),
                    locked_until=utcnow().replace(year=2100),
                )
            )
    db.session.commit()
    services.dummy_hash()  # made once per process, not per request
    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda *a: calls.append(a) or real(*a))
    login = "nobody" if case == "unknown" else "officer"
    password = PASSWORD if case in ("right", "disabled", "locked_right_password") else "guess-guess-guess"
    with app.test_request_context():
        result = services.authenticate(login, password, HOME)
    assert len(calls) == 1
    assert (result.user is not None) == (case == "right")
    if case in ("unknown", "wrong", "locked", "locked_right_password"):
        assert result.error is services.SIGN_IN_REFUSED


def test_the_admin_sees_and_lifts_locks(client, make_client, make_staff):
    make_staff("officer", "legal_aid_officer")
    make_staff("boss", "admin")
    attacker = from_address(make_client, HOME)
    for _ in range(5):
        attempt(attacker, "officer", "guess-guess-guess")
    client.sign_in("boss")
    page = client.get("/staff/admin/locks").get_data(as_text=True)
    assert "officer" in page and HOME in page
    lock = db.session.scalar(select(LoginThrottle).where(LoginThrottle.locked_until.is_not(None)))
    assert (
        client.submit("/staff/admin/locks", {}, action=f"/staff/admin/locks/{lock.id}/clear").status_code
        == 303
    )
    assert attempt(attacker, "officer", PASSWORD).status_code == 302


def test_only_admins_see_the_locks(client, make_staff):
    make_staff("officer", "legal_aid_officer")
    client.sign_in("officer")
    assert client.get("/staff/admin/locks").status_code == 403


@pytest.mark.parametrize("password", ["short-pw", "1234567890", "Password123", "qwertyuiop", "aaaaaaaaaaaa"])
def test_weak_passwords_are_refused(client, password):
    response = client.submit(
        "/account/register",
        {
            "account_type": "resident",
            "display_name": "赵红",
            "mobile": "13800000001",
            "password": password,
            "confirm": password,
        },
    )
    assert response.status_code == 200 and 'id="password-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User.id)) is None


def test_the_admin_cannot_give_a_common_password(client, make_staff):
    make_staff("boss", "admin")
    client.sign_in("boss")
    weak = client.submit(
        "/staff/admin/users/new",
        {
            "username": "newbie",
            "display_name": "新人",
            "password": "password123",
            "roles": ["lawyer"],
            "active": "y",
        },
    )
    assert weak.status_code == 400


def test_the_address_comes_from_x_forwarded_for_only_through_proxy_fix(schema, tmp_path, make_staff):
    from conftest import PortalClient, app_config

    make_staff("officer", "legal_aid_officer")
    for trusted, expected_away in ((1, 302), (0, 200)):
        behind = create_app(dict(app_config(schema, tmp_path / str(trusted)), PROXY_FIX_X_FOR=trusted))
        behind.test_client_class = PortalClient
        with behind.app_context():
            db.session.execute(LoginThrottle.__table__.delete())
            db.session.commit()
            attacker, owner = behind.test_client(), behind.test_client()
            attacker.environ_base["HTTP_X_FORWARDED_FOR"] = HOME
            owner.environ_base["HTTP_X_FORWARDED_FOR"] = AWAY
            for _ in range(5):
                attempt(attacker, "officer", "guess-guess-guess")
            # Behind one trusted proxy the owner's address is its own; without ProxyFix a
            # forged header changes nothing: both share the proxy's address.
            assert attempt(owner, "officer", PASSWORD).status_code == expected_away
            db.session.remove()
            db.engine.dispose()


def test_simultaneous_first_sign_ins_from_one_address_all_get_an_answer(app, make_staff):
    """Two staff behind one office address (or one person pressing twice) signing in at
    the same moment for the first time: each attempt makes the address's counter if it is
    missing; the slower one used to fail on the unique key (a 500 on PostgreSQL, where
    sign-ins run side by side). Mutant seen red on PostgreSQL: the plain INSERT back."""
    from test_concurrency import run_in_threads

    logins = [make_staff(f"clerk{n}", "legal_aid_officer").username for n in range(4)]
    logins += logins  # each one twice: the account+address counter is raced too
    db.session.commit()  # reading the names began a transaction: SQLite's write lock

    def sign_in(index):
        return services.authenticate(logins[index], PASSWORD, HOME).user is not None

    results = run_in_threads(app, sign_in, len(logins))
    assert results == [True] * len(logins), results
    keys = db.session.scalars(select(LoginThrottle.key).order_by(LoginThrottle.key)).all()
    assert keys == sorted({f"a:{login}|{HOME}" for login in logins} | {f"i:{HOME}"})
