"""Words staff and residents act on (issue 31): a staff action says whom it texts before it
is pressed; My requests offers only what the account may start."""

from portal.accounts.models import AccountKind, User
from portal.core.registry import kind_for_code
from portal.extensions import db

from support import PASSWORD


def account(kind: str, mobile: str) -> User:
    user = User(kind=AccountKind(kind), mobile=mobile, display_name=kind)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def test_my_requests_offers_a_health_check_only_to_an_enterprise_account(app, make_client):
    """Seen red without the health check's `may_start`: the resident was offered it (and
    sent to the enterprise verification page)."""
    account("resident", "13800000001")
    account("enterprise", "13800000002")
    resident, enterprise = make_client(), make_client()
    resident.sign_in("13800000001")
    enterprise.sign_in("13800000002")
    mine = resident.get("/account/requests").get_data(as_text=True)
    assert "/health-checks/request" not in mine and "/legal-aid/apply" in mine
    assert "/health-checks/request" in enterprise.get("/account/requests").get_data(as_text=True)


def test_an_action_that_texts_the_applicant_says_so_next_to_its_button(app, make_staff, make_client):
    kind = kind_for_code("MD")
    make_staff("coordinator", "mediation_coordinator")
    case = kind.make_sample()
    db.session.commit()
    client = make_client()
    client.sign_in("coordinator")
    client.get("/language/en")
    html = client.get(f"/staff/requests/{case.reference}").get_data(as_text=True)
    accept = html[
        html.index('id="action-accept"') : html.index("</details>", html.index('id="action-accept"'))
    ]
    assert "The applicant is sent a message" in accept and "The other party is sent a message too" in accept
