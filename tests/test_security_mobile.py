"""Mobile verification through the intake's verify_mobile seam (SPEC §2, issue #15).

The other tests run with MOBILE_VERIFICATION off; these turn it on.
"""

import html as html_module
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import MobileCode
from portal.core.models import OutboxMessage, ServiceRequest
from portal.extensions import db

from support import PASSWORD, application_form

MOBILE = "13900000011"


@pytest.fixture
def verifying(app):
    app.config["MOBILE_VERIFICATION"] = True
    return app


def requests_made() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceRequest))


def code_sent() -> str:
    body = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == MOBILE).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"\d{6}", body).group(0)


def kept_fields(html: str) -> dict:
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data.setdefault(name, []).append(html_module.unescape(value))
    return data


def test_an_anonymous_application_waits_for_the_code(verifying, client):
    page = client.submit("/legal-aid/apply", application_form())
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="mobile_code"' in html and "139****0011" in html
    assert requests_made() == 0  # nothing is kept before the code
    code = code_sent()
    assert db.session.scalar(select(MobileCode.code_hash)) != code  # stored hashed
    wrong = client.post(
        "/legal-aid/apply",
        data={**kept_fields(html), "mobile_code": "000000" if code != "000000" else "111111"},
    )
    assert (
        wrong.status_code == 400
        and 'id="mobile_code-error"' in wrong.get_data(as_text=True)
        and requests_made() == 0
    )
    done = client.post("/legal-aid/apply", data={**kept_fields(html), "mobile_code": code})
    assert done.status_code == 303 and requests_made() == 1


def test_five_wrong_tries_use_the_code_up(verifying, client):
    html = client.submit("/legal-aid/apply", application_form()).get_data(as_text=True)
    code = code_sent()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/legal-aid/apply", data={**kept_fields(html), "mobile_code": wrong})
    late = client.post("/legal-aid/apply", data={**kept_fields(html), "mobile_code": code})
    assert late.status_code == 200 and requests_made() == 0  # a new code was sent instead
    assert code_sent() != code or db.session.scalar(select(func.count()).select_from(MobileCode)) == 2


def test_an_expired_code_is_refused(verifying, client):
    html = client.submit("/legal-aid/apply", application_form()).get_data(as_text=True)
    code = code_sent()
    row = db.session.scalar(select(MobileCode))
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    assert client.post("/legal-aid/apply", data={**kept_fields(html), "mobile_code": code}).status_code == 200
    assert requests_made() == 0


def test_staff_entered_and_switched_off_skip_the_code(verifying, app, client, make_client, make_staff):
    make_staff("officer", "legal_aid_officer")
    staff = make_client()
    staff.sign_in("officer", PASSWORD)
    assert staff.submit("/legal-aid/apply", application_form()).status_code == 303
    app.config["MOBILE_VERIFICATION"] = False
    assert client.submit("/legal-aid/apply", application_form()).status_code == 303
    assert requests_made() == 2


def test_the_demo_shows_the_code_only_with_the_log_backend(verifying, app, client):
    app.config["DEMO_MODE"] = True
    html = client.submit("/legal-aid/apply", application_form()).get_data(as_text=True)
    assert code_sent() in html
    app.config["DEMO_MODE"] = False
    with client.session_transaction() as session:
        session.pop("mobile_code_id")
    html = client.post("/legal-aid/apply", data={**kept_fields(html), "mobile_code_resend": "1"}).get_data(
        as_text=True
    )
    assert 'name="mobile_code"' in html and code_sent() not in html
