"""Lost references (SPEC §2, issue #28): `/track/find` lists, after a code sent to the
mobile, the requests made with it proven, open or closed within 90 days, on screen only;
never one entered by staff; the same answer for every number."""

from datetime import timedelta

from test_requests_join_the_account import MOBILE, apply_with_code
from test_track_proof import STRANGER_MOBILE, answer_shape, codes_to, last_code, texts_to, wrong
from test_track_proof import deployed as deployed  # noqa: F401 (a fixture)

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.core.services import load_by_reference
from portal.extensions import db


def test_a_proven_mobile_finds_its_recent_requests_and_nothing_else(deployed, make_application):  # noqa: F811
    """Catches: a list by mobile alone (the staff-entered request listed), requests closed
    long ago listed without more proof, a list before the code, and an answer that tells
    whether a number made requests."""
    deployed.config["RATELIMIT_SMS_PER_MOBILE"] = "10 per hour"  # three forms in a row, one code each
    made = [
        apply_with_code(deployed, facts=f"第{n}次申请：包工头拖欠工资三万六千元，多次讨要未果。")
        for n in range(3)
    ]
    old = load_by_reference(made[0])
    old.is_open, old.closed_at, old.status = False, utcnow() - timedelta(days=91), "withdrawn"
    typed_by_staff = make_application(applicant_mobile=MOBILE).reference
    db.session.commit()
    codes_before = len(codes_to(MOBILE))

    stranger = deployed.test_client()
    nobody = stranger.submit("/track/find", {"mobile": STRANGER_MOBILE})
    browser = deployed.test_client()
    someone = browser.submit("/track/find", {"mobile": MOBILE})
    assert nobody.status_code == someone.status_code == 200
    assert answer_shape(nobody) == answer_shape(someone)
    assert texts_to(STRANGER_MOBILE) == [] and len(codes_to(MOBILE)) == codes_before + 1
    code = last_code(MOBILE)
    refused = browser.submit("/track/find", {"code": wrong(code)}, action="/track/find/code")
    assert refused.status_code == 400 and made[1] not in refused.get_data(as_text=True)

    listed = browser.submit("/track/find", {"code": code}, action="/track/find/code")
    html = listed.get_data(as_text=True)
    assert listed.status_code == 200 and made[1] in html and made[2] in html
    assert made[0] not in html and typed_by_staff not in html
    opened = browser.get(f"/track/{made[2]}").get_data(as_text=True)
    assert "周建国" in opened and "proof-needed" not in opened
    assert db.session.query(ServiceRequest).count() == 4


def test_a_request_closed_long_ago_is_listed_only_with_the_id_number(deployed):  # noqa: F811
    """Catches: requests closed more than 90 days ago listed on the mobile and code alone,
    listed with a wrong ID number, or not listed at all with the right one; and the ID
    number kept readable in the session cookie."""
    from support import VALID_ID

    reference = apply_with_code(deployed)
    old = load_by_reference(reference)
    old.is_open, old.closed_at, old.status = False, utcnow() - timedelta(days=200), "withdrawn"
    db.session.commit()

    def listed(id_number: str) -> str:
        browser = deployed.test_client()
        asked = browser.submit("/track/find", {"mobile": MOBILE, "id_number": id_number})
        assert asked.status_code == 200, asked.get_data(as_text=True)[:2000]
        cookie = browser.get_cookie("session")
        kept = deployed.session_interface.get_signing_serializer(deployed).loads(cookie.value)
        assert VALID_ID not in str(kept) and MOBILE in str(kept)
        if not id_number or id_number != VALID_ID:
            return ""  # nothing to list: no code is sent (the page says the same)
        code = last_code(MOBILE)
        return browser.submit("/track/find", {"code": code}, action="/track/find/code").get_data(as_text=True)

    codes_before = len(codes_to(MOBILE))
    assert listed("") == "" and len(codes_to(MOBILE)) == codes_before  # nothing recent: no code
    assert listed("11010519491231002X") == "" and len(codes_to(MOBILE)) == codes_before
    assert reference in listed(VALID_ID)
