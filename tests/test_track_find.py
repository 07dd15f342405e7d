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
