"""Requests join the account (SPEC §2 "Identity and tracking", issue #28): a request made
with a mobile proven by a code belongs to that mobile, and the account that proves the
same mobile lists it under 我的申请, even when the request came first. A mobile nobody
proved (typed by staff, or before this was recorded) is never listed."""

from sqlalchemy import select
from test_security_mobile import kept_fields
from test_track_proof import deployed as deployed  # noqa: F401 (a fixture)
from test_track_proof import last_code

from portal.accounts.models import AccountType
from portal.accounts.services import register_public_account
from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.extensions import db

from support import PASSWORD, application_form

MOBILE = "13900000011"


def apply_with_code(app, **overrides) -> str:
    """An anonymous application over HTTP, its mobile proven by the code from the outbox."""
    browser = app.test_client()
    page = browser.submit("/legal-aid/apply", application_form(**overrides)).get_data(as_text=True)
    done = browser.post("/legal-aid/apply", data={**kept_fields(page), "mobile_code": last_code(MOBILE)})
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    return done.headers["Location"].rsplit("/", 1)[1]


def test_three_anonymous_requests_join_the_account_that_proves_their_mobile(
    deployed,  # noqa: F811
    make_application,
):
    """Catches: 我的申请 listing only requests made while signed in (the old query), a
    request's mobile never marked proven, and a listing by mobile alone (the request entered
    with that number typed, never proven, listed too)."""
    deployed.config["RATELIMIT_SMS_PER_MOBILE"] = "10 per hour"  # three forms in a row, one code each
    made = [
        apply_with_code(deployed, facts=f"第{n}次申请：包工头拖欠工资三万六千元，多次讨要未果。")
        for n in range(3)
    ]
    typed_by_staff = make_application(applicant_mobile=MOBILE).reference  # never proven
    assert db.session.scalars(select(ServiceRequest.mobile_proven).order_by(ServiceRequest.id)).all() == [
        True,
        True,
        True,
        False,
    ]
    user = register_public_account(AccountType.RESIDENT, MOBILE, "小周", PASSWORD)
    db.session.commit()
    browser = deployed.test_client()
    browser.sign_in(MOBILE)
    listed = browser.get("/account/requests").get_data(as_text=True)
    assert not any(reference in listed for reference in made)  # the account has not proven it yet
    assert "周建国" not in browser.get(f"/track/{made[0]}").get_data(as_text=True)

    user.mobile_verified_at = utcnow()
    db.session.commit()
    listed = browser.get("/account/requests").get_data(as_text=True)
    assert all(reference in listed for reference in made) and typed_by_staff not in listed
    assert "周建国" in browser.get(f"/track/{made[0]}").get_data(as_text=True)
    assert 'id="proof-needed"' in browser.get(f"/track/{typed_by_staff}").get_data(as_text=True)
