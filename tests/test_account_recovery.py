"""Registration and mobile change proved by an SMS code, a forgotten password reset by
SMS code or at the counter, and one password rule for forms and `create-user` (SPEC §2,
§11; issue #15). The other tests run with MOBILE_VERIFICATION off; these turn it on."""

import html as html_module
import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AccountType, User
from portal.accounts.services import register_public_account
from portal.core.models import OutboxMessage, ServiceRequest
from portal.extensions import db

from support import PASSWORD, application_form

MOBILE = "13900000021"
OTHER = "13900000022"
NEW_PASSWORD = "a-brand-new-secret-77"


@pytest.fixture
def verifying(app):
    app.config["MOBILE_VERIFICATION"] = True
    return app


def last_code(mobile: str) -> str | None:
    body = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == mobile).order_by(OutboxMessage.id.desc())
    ).first()
    match = re.search(r"\d{6}", body or "")
    return match.group(0) if match else None


def texts_to(mobile: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == mobile)
    )


def kept_fields(html: str) -> dict:
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data.setdefault(name, []).append(html_module.unescape(value))
    return data


def accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def resident(mobile: str = MOBILE, verified: bool = False) -> User:
    user = register_public_account(AccountType.RESIDENT, mobile, "王五", PASSWORD)
    if verified:
        from portal.core.clock import utcnow

        user.mobile_verified_at = utcnow()
    db.session.commit()
    return user


def registration(mobile: str = MOBILE) -> dict:
    return {
        "account_type": "resident",
        "display_name": "李四",
        "mobile": mobile,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# --------------------------------------------------------------------------- registration


def test_registration_waits_for_the_code_and_records_the_proof(verifying, client):
    page = client.submit("/account/register", registration())
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="mobile_code"' in html and accounts() == 0
    refused = client.post(
        "/account/register", data={**kept_fields(html), "mobile_code": wrong(last_code(MOBILE))}
    )
    assert refused.status_code == 400 and accounts() == 0
    done = client.post("/account/register", data={**kept_fields(html), "mobile_code": last_code(MOBILE)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/requests")
    user = db.session.scalar(select(User).where(User.mobile == MOBILE))
    assert user is not None and user.mobile_verified_at is not None


def test_registration_does_not_tell_a_stranger_that_a_mobile_is_registered(verifying, client, make_client):
    resident()
    for_registered = client.submit("/account/register", registration(MOBILE))
    for_new = make_client().submit("/account/register", registration(OTHER))
    assert for_registered.status_code == for_new.status_code == 200
    strip = lambda page, m: re.sub(r'value="[^"]*"', "", page.get_data(as_text=True)).replace(m[-4:], "")  # noqa: E731
    assert strip(for_registered, MOBILE) == strip(for_new, OTHER)  # the same page, but for the number
    assert "exists" not in for_registered.get_data(as_text=True)
    # Only the owner, who has the code, learns it; no second account is made.
    html = for_registered.get_data(as_text=True)
    owner = client.post("/account/register", data={**kept_fields(html), "mobile_code": last_code(MOBILE)})
    assert owner.status_code == 303 and owner.headers["Location"].endswith("/account/login")
    assert db.session.scalar(select(func.count()).select_from(User).where(User.mobile == MOBILE)) == 1


def test_without_verification_a_signed_in_mobile_must_have_been_proved(verifying, client):
    resident(verified=False)
    client.sign_in(MOBILE)
    first = client.submit("/legal-aid/apply", application_form(mobile=MOBILE))
    assert 'name="mobile_code"' in first.get_data(as_text=True)  # registered but never proved
    html = first.get_data(as_text=True)
    assert (
        client.post(
            "/legal-aid/apply", data={**kept_fields(html), "mobile_code": last_code(MOBILE)}
        ).status_code
        == 303
    )
    assert db.session.scalar(select(User.mobile_verified_at).where(User.mobile == MOBILE)) is not None
    sent = texts_to(MOBILE)
    again = client.submit("/legal-aid/apply", application_form(mobile=MOBILE))
    assert again.status_code == 303 and texts_to(MOBILE) == sent + 1  # the receipt only, no code
    assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 2


# --------------------------------------------------------------------------- mobile change


def test_a_new_mobile_is_proved_and_ends_other_sessions(verifying, client, make_client):
    resident(verified=True)
    client.sign_in(MOBILE)
    elsewhere = make_client()
    elsewhere.sign_in(MOBILE)
    bad = client.submit("/account/mobile", {"mobile": OTHER, "password": "not-the-password"})
    assert bad.status_code == 400 and 'id="password-error"' in bad.get_data(as_text=True)
    page = client.submit("/account/mobile", {"mobile": OTHER, "password": PASSWORD})
    html = page.get_data(as_text=True)
    assert 'name="mobile_code"' in html
    assert db.session.scalar(select(User.mobile).where(User.mobile == MOBILE)) == MOBILE  # not yet
    done = client.post("/account/mobile", data={**kept_fields(html), "mobile_code": last_code(OTHER)})
    assert done.status_code == 303
    user = db.session.scalar(select(User).where(User.mobile == OTHER))
    assert user is not None and user.mobile_verified_at is not None
    old_number_told = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == MOBILE).order_by(OutboxMessage.id.desc())
    ).first()
    assert "12348" in old_number_told
    assert client.get("/account/requests").status_code == 200  # this browser goes on
    assert elsewhere.get("/account/requests").status_code == 302  # the other one is signed out


def test_a_mobile_of_another_account_is_refused_after_the_proof(verifying, client):
    resident(verified=True)
    resident(OTHER)
    client.sign_in(MOBILE)
    html = client.submit("/account/mobile", {"mobile": OTHER, "password": PASSWORD}).get_data(as_text=True)
    refused = client.post("/account/mobile", data={**kept_fields(html), "mobile_code": last_code(OTHER)})
    assert (
        refused.status_code == 400
        and "another account" in refused.get_data(as_text=True)
        or "其他账号" in refused.get_data(as_text=True)
    )
    assert (
        db.session.scalar(select(User.mobile).where(User.display_name == "王五").order_by(User.id)) == MOBILE
    )


# --------------------------------------------------------------------------- password reset


def test_the_reset_answer_is_the_same_for_a_registered_and_an_unknown_number(verifying, client, make_client):
    resident()
    known = client.submit("/account/reset-password", {"mobile": MOBILE})
    unknown = make_client().submit("/account/reset-password", {"mobile": OTHER})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert texts_to(MOBILE) == 1 and texts_to(OTHER) == 0  # a stranger's phone gets nothing


def test_a_reset_by_code_sets_the_password_and_ends_every_session(verifying, client, make_client):
    resident()
    signed_in = make_client()
    signed_in.sign_in(MOBILE)
    client.submit("/account/reset-password", {"mobile": MOBILE})
    code = last_code(MOBILE)
    form = {"code": wrong(code), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    refused = client.submit("/account/reset-password/code", form)
    assert refused.status_code == 400 and 'id="code-error"' in refused.get_data(as_text=True)
    done = client.submit("/account/reset-password/code", dict(form, code=code))
    assert done.status_code == 303 and done.headers["Location"].endswith("/account/login")
    assert signed_in.get("/account/requests").status_code == 302  # signed out everywhere
    make_client().sign_in(MOBILE, NEW_PASSWORD)


def test_five_wrong_codes_use_the_reset_code_up(verifying, client):
    resident()
    client.submit("/account/reset-password", {"mobile": MOBILE})
    code = last_code(MOBILE)
    form = {"code": wrong(code), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(5):
        client.submit("/account/reset-password/code", form)
    late = client.submit("/account/reset-password/code", dict(form, code=code))
    assert late.status_code == 400
    user = db.session.scalar(select(User).where(User.mobile == MOBILE))
    assert user.check_password(PASSWORD) and not user.check_password(NEW_PASSWORD)


def test_without_sms_the_reset_page_sends_people_to_the_counter(client):
    page = client.get("/account/reset-password")
    assert page.status_code == 200 and 'name="mobile"' not in page.get_data(as_text=True)
    assert client.get("/account/reset-password/code").status_code == 302


def test_a_counter_reset_opens_only_the_password_page(client, make_client, make_staff):
    user = resident()
    make_staff("admin", "admin")
    admin = make_client()
    admin.sign_in("admin")
    assert MOBILE in admin.get(f"/staff/admin/residents?mobile={MOBILE}").get_data(as_text=True)
    shown = admin.submit(
        f"/staff/admin/residents?mobile={MOBILE}",
        {},
        action=f"/staff/admin/residents/{user.id}/temporary-password",
    )
    temporary = re.search(
        r'class="temporary-password"><strong>([a-z0-9]{12})</strong>', shown.get_data(as_text=True)
    ).group(1)
    assert client.post("/account/login", data={"login": MOBILE, "password": PASSWORD}).status_code != 302
    signed = client.submit("/account/login", {"login": MOBILE, "password": temporary})
    assert signed.headers["Location"].endswith("/account/password")
    assert client.get("/account/requests").headers["Location"].endswith("/account/password")
    changed = client.submit(
        "/account/password", {"current": temporary, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert changed.status_code == 303
    assert client.get("/account/requests").status_code == 200


def test_counter_resets_are_for_admins_only(client, make_staff):
    user = resident()
    make_staff("officer", "legal_aid_officer")
    client.sign_in("officer")
    assert client.get("/staff/admin/residents").status_code == 403
    token = client.csrf_token("/staff/")
    assert (
        client.post(
            f"/staff/admin/residents/{user.id}/temporary-password", data={"csrf_token": token}
        ).status_code
        == 403
    )


# --------------------------------------------------------------------------- one rule


def test_create_user_refuses_a_common_password(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=["create-user", "--username", "clerk", "--password", "1234567890", "--role", "admin"]
    )
    assert weak.exit_code != 0 and "refused" in weak.output
    short = runner.invoke(
        args=["create-user", "--username", "clerk", "--password", "Ab3$", "--role", "admin"]
    )
    assert short.exit_code != 0
    strong = runner.invoke(
        args=["create-user", "--username", "clerk", "--password", NEW_PASSWORD, "--role", "admin"]
    )
    assert strong.exit_code == 0, strong.output
