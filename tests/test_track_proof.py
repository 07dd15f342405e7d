"""Nothing of a request before the code (SPEC §2 "Identity and tracking", issue #28).

Over HTTP with the production settings on: MOBILE_VERIFICATION (the code read from the
outbox) and the rate limits. Each test says which broken implementation it catches.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from test_mediation import OTHER_MOBILE, SUMMARY, accept, applied, case
from test_mediation import people as people  # noqa: F401 (a fixture)

from portal import create_app
from portal.accounts.models import AccountType
from portal.accounts.services import register_public_account
from portal.accounts.verification import new_code
from portal.core.clock import utcnow
from portal.core.models import OutboxMessage, ServiceRequest
from portal.extensions import db
from portal.security import TRACK_SEEN_KEY

from conftest import PortalClient, app_config
from support import PASSWORD

MOBILE = "13900000011"
STRANGER_MOBILE = "13700000099"
SAME_ANSWER = "如编号与手机号码相符，验证码已发送至该号码"


@pytest.fixture
def deployed(app, schema, tmp_path):
    """The app as deployed: codes by SMS, rate limits counted (on the emptied database of `app`)."""
    settings = {"MOBILE_VERIFICATION": True, "RATELIMIT_ENABLED": True}
    instance = create_app({**app_config(schema, tmp_path / "deployed"), **settings})
    instance.test_client_class = PortalClient
    with instance.app_context():
        yield instance
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_client(deployed):
    """Another browser of the deployed app."""
    return deployed.test_client


def texts_to(mobile: str) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.recipient == mobile).order_by(OutboxMessage.id)
        )
    )


def codes_to(mobile: str) -> list[str]:
    return [re.search(r"\d{6}", text).group(0) for text in texts_to(mobile) if "验证码" in text]


def last_code(mobile: str) -> str:
    return codes_to(mobile)[-1]


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def pair(client, reference: str, mobile: str, address: str = "203.0.113.5", **extra):
    client.environ_base["REMOTE_ADDR"] = address
    return client.submit("/track", {"reference": reference, "mobile": mobile, **extra})


def type_code(client, code: str):
    return client.submit("/track/code", {"code": code})


def answer_shape(response) -> str:
    """The page without what differs by design: the CSRF token, what was typed (the masked
    number, the reference in the page's own address)."""
    html = response.get_data(as_text=True)
    html = re.sub(r'value="[^"]*"', 'value=""', html)
    html = re.sub(r"/[A-Z]{2}-\d{4}-\d{6}\b", "/REF", html)  # this page's own address (language links)
    return re.sub(r"1\d\d\*{4}\d{4}", "MASKED", html)


def test_every_pair_gets_the_same_answer_and_only_a_match_gets_a_code(
    deployed, make_client, make_application
):
    """Catches: the old /track (a match opens the request at once, a miss says "no request
    matches"), and a code sent to a mobile that is not the request's."""
    reference = make_application().reference
    answers = [
        pair(make_client(), reference, MOBILE),  # the right pair
        pair(make_client(), reference, STRANGER_MOBILE),  # a wrong mobile
        pair(make_client(), "LA-2026-999999", MOBILE),  # no such reference
        pair(make_client(), "XX", STRANGER_MOBILE),  # not even a reference
    ]
    assert {a.status_code for a in answers} == {200}
    assert len({answer_shape(a) for a in answers}) == 1
    assert SAME_ANSWER in answers[0].get_data(as_text=True)
    assert "周建国" not in answers[0].get_data(as_text=True)
    assert len(codes_to(MOBILE)) == 1 and texts_to(STRANGER_MOBILE) == []


def test_nothing_is_shown_or_done_before_the_code(deployed, make_client, make_application):
    """Catches: a request shown, or withdrawn, on the pair alone (the old tracking), or
    after a wrong code."""
    application = make_application()
    reference = application.reference
    browser = make_client()
    pair(browser, reference, MOBILE)
    code = last_code(MOBILE)
    page = browser.get(f"/track/{reference}")
    assert page.status_code == 200 and 'id="proof-needed"' in page.get_data(as_text=True)
    assert "周建国" not in page.get_data(as_text=True)
    withdraw = browser.submit("/track", {}, action=f"/track/{reference}/actions/withdraw")
    assert (
        withdraw.status_code == 403 and db.session.get(ServiceRequest, application.id).status == "submitted"
    )
    refused = type_code(browser, wrong(code))
    assert refused.status_code == 400 and 'id="code-error"' in refused.get_data(as_text=True)
    assert "周建国" not in browser.get(f"/track/{reference}").get_data(as_text=True)

    opened = type_code(browser, code)
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/track/{reference}")
    assert "周建国" in browser.get(f"/track/{reference}").get_data(as_text=True)
    done = browser.submit("/track", {}, action=f"/track/{reference}/actions/withdraw")
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(ServiceRequest, application.id).status == "withdrawn"


def test_a_code_opens_only_the_reference_it_was_sent_for(deployed, make_client, make_application):
    """Catches: a code not bound to tracking and to its reference (a code for one request
    opening another of the same mobile; a code sent by an application form opening a
    request), and a miss typed after a match using the match's code."""
    deployed.config["RATELIMIT_TRACK_SMS_PER_MOBILE"] = ""  # a new code at once for each try
    first = make_application().reference
    second = make_application().reference
    browser = make_client()
    pair(browser, first, MOBILE)
    code_for_first = last_code(MOBILE)
    pair(browser, first, STRANGER_MOBILE)  # a miss: no code, and the first one is no use
    assert type_code(browser, code_for_first).status_code == 400
    pair(browser, second, MOBILE)
    code_for_second = last_code(MOBILE)
    with deployed.test_request_context():
        _row, form_code = new_code(MOBILE)  # as an application form sends one
        db.session.commit()
    with browser.session_transaction() as session:  # every code above is "since" the pair
        since = (utcnow() - timedelta(minutes=1)).isoformat(timespec="seconds")
        session["track_pending"] = {**session["track_pending"], "since": since}
    assert type_code(browser, code_for_first).status_code == 400
    assert type_code(browser, form_code).status_code == 400
    assert type_code(browser, code_for_second).status_code == 303
    assert "周建国" not in browser.get(f"/track/{first}").get_data(as_text=True)
    assert "周建国" in browser.get(f"/track/{second}").get_data(as_text=True)


def test_the_session_holds_only_what_was_typed(deployed, make_client, make_application):
    """Catches: the match (a request or party id) kept in the cookie, which the visitor can
    read (Flask signs it, it does not encrypt it)."""
    reference = make_application().reference
    kept = []
    for mobile in (MOBILE, STRANGER_MOBILE):
        browser = make_client()
        pair(browser, reference, mobile)
        with browser.session_transaction() as session:
            kept.append(
                {key: sorted(value) if isinstance(value, dict) else value for key, value in session.items()}
            )
    assert kept[0].keys() == kept[1].keys()
    assert kept[0]["track_pending"] == kept[1]["track_pending"] == ["mobile", "next", "reference", "since"]
    assert "tracked_requests" not in kept[0]


def test_pairs_are_limited_per_reference_and_address_never_per_reference_alone(
    deployed, make_client, make_application
):
    """Catches: a limit per reference alone (the other party, who knows the reference,
    locking the applicant out), and no limit at all."""
    deployed.config.update(RATELIMIT_TRACK_PER_REFERENCE="3 per hour", RATELIMIT_TRACK="5 per hour")
    reference = make_application().reference
    guesser = make_client()
    statuses = [pair(guesser, reference, f"1370000000{i}", "198.51.100.7").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    applicant = make_client()
    pair(applicant, reference, MOBILE, "203.0.113.5")
    assert type_code(applicant, last_code(MOBILE)).status_code == 303  # from elsewhere: not locked out
    other = make_application().reference
    assert pair(guesser, other, STRANGER_MOBILE, "198.51.100.7").status_code == 200  # another reference
    assert pair(guesser, other, MOBILE, "198.51.100.7").status_code == 200  # the address's 5th
    assert (
        pair(guesser, "LA-2026-999998", STRANGER_MOBILE, "198.51.100.7").status_code == 429
    )  # the address's 5


def test_wrong_codes_use_up_the_code(deployed, make_client, make_application):
    """Catches: unlimited guesses at a six-digit code."""
    reference = make_application().reference
    browser = make_client()
    pair(browser, reference, MOBILE)
    code = last_code(MOBILE)
    for _ in range(5):
        assert type_code(browser, wrong(code)).status_code == 400
    assert type_code(browser, code).status_code == 400


def test_a_signed_in_resident_whose_mobile_is_proven_needs_no_code(deployed, make_client, make_application):
    """Catches: the shortcut given to an account whose mobile was never proven."""
    reference = make_application().reference
    user = register_public_account(AccountType.RESIDENT, MOBILE, "周建国", PASSWORD)
    db.session.commit()
    browser = make_client()
    browser.sign_in(MOBILE)
    assert SAME_ANSWER in pair(browser, reference, MOBILE).get_data(as_text=True)  # not proven yet
    user.mobile_verified_at = utcnow()
    db.session.commit()
    opened = pair(browser, reference, MOBILE)
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/track/{reference}")
    assert len(codes_to(MOBILE)) == 1  # the first try's code only


def test_a_stale_receipt_asks_for_the_code_and_comes_back(deployed, make_client, make_application):
    """Catches: a receipt that answers 404 after the tracking session ends (the old
    `applicant_request_or_404`), and a proof page that tells a real reference from a made-up one."""
    deployed.config["RATELIMIT_TRACK_SMS_PER_MOBILE"] = (
        "5 per hour"  # not 1 a minute: "11 minutes" pass at once
    )
    reference = make_application().reference
    browser = make_client()
    pair(browser, reference, MOBILE)
    assert type_code(browser, last_code(MOBILE)).status_code == 303
    assert browser.get(f"/legal-aid/applied/{reference}").status_code == 200
    with browser.session_transaction() as session:
        session[TRACK_SEEN_KEY] = (utcnow() - timedelta(minutes=11)).isoformat(timespec="seconds")
    stale = browser.get(f"/legal-aid/applied/{reference}")
    made_up = browser.get("/legal-aid/applied/LA-2026-999999")
    assert stale.status_code == made_up.status_code == 200
    assert "周建国" not in stale.get_data(as_text=True)
    assert answer_shape(stale) == answer_shape(made_up)  # the typed reference is only in value=""
    back = pair(browser, reference, MOBILE, next=f"/legal-aid/applied/{reference}")
    assert SAME_ANSWER in back.get_data(as_text=True)
    opened = type_code(browser, last_code(MOBILE))
    assert opened.headers["Location"].endswith(f"/legal-aid/applied/{reference}")
    assert "周建国" in browser.get(f"/legal-aid/applied/{reference}").get_data(as_text=True)


def test_the_receipt_says_where_and_when_the_materials_go(deployed, make_client, make_application):
    """Catches: a receipt listing materials without the office's address, hours and phone
    (or with ones written into the template instead of the office's settings)."""
    deployed.config.update(
        LEGAL_AID_CENTRE_ADDRESS="榔梨街道某路8号二楼",
        LEGAL_AID_CENTRE_HOURS="周二、周四全天",
        LEGAL_AID_CENTRE_PHONE="0731-8888 1234",
    )
    reference = make_application().reference
    browser = make_client()
    pair(browser, reference, MOBILE)
    type_code(browser, last_code(MOBILE))
    html = browser.get(f"/legal-aid/applied/{reference}").get_data(as_text=True)
    office = html[html.index('id="materials-office"') :]
    assert "榔梨街道某路8号二楼" in office and "周二、周四全天" in office and 'href="tel:07318888' in office


def test_the_next_page_stays_on_this_site(deployed, make_client, make_application):
    """Catches: an open redirect through the proof page's `next`."""
    reference = make_application().reference
    browser = make_client()
    pair(browser, reference, MOBILE, next="https://evil.example/")
    opened = type_code(browser, last_code(MOBILE))
    assert "evil.example" not in opened.headers["Location"]


def test_the_other_party_proves_their_own_mobile_and_forgets_it_after_ten_minutes(
    deployed,
    make_client,
    people,  # noqa: F811
):
    """Catches: the other party opened (or "我同意调解" pressed for them) on the reference and
    a mobile alone, and a party's session that never ends (the idle timeout forgot only
    the applicant's requests)."""
    deployed.config["MOBILE_VERIFICATION"] = False  # the application and its acceptance
    reference = applied(make_client(), people)
    accept(make_client, people, reference)
    deployed.config["MOBILE_VERIFICATION"] = True
    other = make_client()
    assert SAME_ANSWER in pair(other, reference, OTHER_MOBILE).get_data(as_text=True)
    agree = f"/track/{reference}/actions/party_agree"
    assert other.submit("/track", {}, action=agree).status_code == 403
    assert case(reference).status == "accepted"
    assert type_code(other, last_code(OTHER_MOBILE)).status_code == 303
    assert SUMMARY in other.get(f"/track/{reference}").get_data(as_text=True)
    with other.session_transaction() as session:
        session[TRACK_SEEN_KEY] = (utcnow() - timedelta(minutes=11)).isoformat(timespec="seconds")
    assert SUMMARY not in other.get(f"/track/{reference}").get_data(as_text=True)
    assert other.submit("/track", {}, action=agree).status_code == 403
