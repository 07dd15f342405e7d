"""Sessions that really end (SPEC §11, issue #15): server-side revocation, the idle limit
from the first request, and the 10-minute end of an anonymous tracking session."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.clock import utcnow
from portal.extensions import db
from portal.security import LAST_SEEN_KEY, TRACK_SEEN_KEY, TRACKED_KEY

from support import PASSWORD


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(make_client, value: str):
    thief = make_client()
    thief.set_cookie("session", value)
    return thief


def test_a_replayed_cookie_after_sign_out_opens_nothing(client, make_client, make_staff):
    make_staff("officer", "legal_aid_officer")
    client.sign_in("officer")
    copied = session_cookie(client)
    assert replay(make_client, copied).get("/staff/").status_code == 200  # the copy works while signed in
    client.sign_out()
    replayed = replay(make_client, copied).get("/staff/")
    assert replayed.status_code == 302 and "/staff/login" in replayed.headers["Location"]
    # and a resident's page the same way
    assert replay(make_client, copied).get("/account/requests").status_code == 302


def test_signing_out_ends_every_session_of_the_account(client, make_client, make_staff):
    make_staff("officer", "legal_aid_officer")
    other_browser = make_client()
    client.sign_in("officer")
    other_browser.sign_in("officer")
    client.sign_out()
    assert other_browser.get("/staff/").status_code == 302
    client.sign_in("officer")  # signing in again works
    assert client.get("/staff/").status_code == 200


def test_a_password_change_or_a_disable_by_the_admin_ends_every_session(client, make_client, make_staff):
    officer = make_staff("officer", "legal_aid_officer")
    make_staff("boss", "admin")
    officer_browser = make_client()
    officer_browser.sign_in("officer")
    client.sign_in("boss")
    form = {
        "username": "officer",
        "display_name": "Officer",
        "roles": "legal_aid_officer",
        "active": "y",
        "password": "a-new-long-passphrase",
    }
    assert client.submit(f"/staff/admin/users/{officer.id}", form).status_code == 303
    assert officer_browser.get("/staff/").status_code == 302
    officer_browser.sign_in("officer", "a-new-long-passphrase")
    assert officer_browser.get("/staff/").status_code == 200
    disable = dict(form, password="")
    del disable["active"]
    assert client.submit(f"/staff/admin/users/{officer.id}", disable).status_code == 303
    assert officer_browser.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 200  # the admin's own session is untouched


def test_the_idle_stamp_is_set_at_sign_in(client, make_staff):
    make_staff("officer", "legal_aid_officer")
    client.sign_in("officer")  # the sign-in response itself carries the stamp
    with client.session_transaction() as session:
        stamp = session[LAST_SEEN_KEY]
    assert stamp
    with client.session_transaction() as session:
        session[LAST_SEEN_KEY] = (utcnow() - timedelta(minutes=31)).isoformat(timespec="seconds")
    assert client.get("/staff/").status_code == 302


def test_a_staff_session_without_a_stamp_is_not_honoured(client, make_staff):
    make_staff("officer", "legal_aid_officer")
    client.sign_in("officer")
    with client.session_transaction() as session:
        del session[LAST_SEEN_KEY]
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_an_anonymous_tracking_session_ends_after_ten_idle_minutes(client, make_application):
    application = make_application()
    found = client.submit("/track", {"reference": application.reference, "mobile": "13900000011"})
    assert found.status_code == 302
    assert client.get(f"/track/{application.reference}").status_code == 200
    with client.session_transaction() as session:
        assert session[TRACKED_KEY] and session[TRACK_SEEN_KEY]  # stamped from the first request
        session[TRACK_SEEN_KEY] = (utcnow() - timedelta(minutes=9)).isoformat(timespec="seconds")
    assert client.get(f"/track/{application.reference}").status_code == 200  # 9 minutes: still open
    with client.session_transaction() as session:
        session[TRACK_SEEN_KEY] = (utcnow() - timedelta(minutes=11)).isoformat(timespec="seconds")
    assert 'id="proof-needed"' in client.get(f"/track/{application.reference}").get_data(as_text=True)
    with client.session_transaction() as session:
        assert TRACKED_KEY not in session


def test_the_session_cookie_names_the_session_epoch(app, make_staff):
    officer = make_staff("officer", "legal_aid_officer")
    assert officer.get_id() == f"{officer.id}:0"
    officer.set_password(PASSWORD + "x")
    db.session.commit()
    assert db.session.scalar(select(User.session_epoch).where(User.id == officer.id)) == 1
