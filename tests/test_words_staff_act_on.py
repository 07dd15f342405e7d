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


def test_ask_for_materials_shows_the_once_only_rule_and_the_exact_text_before_sending(
    app, make_staff, make_client
):
    """Catches a materials request sent without the officer reading it: the first press
    shows the applicant's exact text and changes nothing (seen red with `preview_notice`
    not rolled back: the request moved and a message was queued)."""
    from portal.core.models import OutboxMessage
    from portal.core.services import claim, load_by_reference

    officer = make_staff("officer", "legal_aid_officer")
    application = kind_for_code("LA").make_sample()
    claim(application, officer)
    db.session.commit()
    reference = application.reference
    client = make_client()
    client.sign_in("officer")
    page = client.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "依法每件申请只能一次性告知补正" in page  # the once-only rule, above the form
    outbox_before = db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))
    data = {"request_materials-items": ["id_copy"], "request_materials-other_items": "劳动合同照片"}
    url = f"/staff/requests/{reference}/actions/request_materials"
    shown = client.submit(f"/staff/requests/{reference}", {**data, "preview": "1"}, action=url)
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "message-preview" in html and "劳动合同照片" in html and reference in html
    db.session.expire_all()
    assert load_by_reference(reference).status == "under_review"
    assert "request_materials" not in [e.action for e in load_by_reference(reference).events]
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == outbox_before

    sent = client.submit(f"/staff/requests/{reference}", data, action=url)
    assert sent.status_code == 303
    db.session.expire_all()
    assert load_by_reference(reference).status == "needs_materials"
    (message,) = [m for m in load_by_reference(reference).messages if "劳动合同照片" in m.body]
    preview_text = html.split('class="prose">', 1)[1].split("</p>", 1)[0]
    assert message.body == preview_text.replace("&#34;", '"').replace("&#39;", "'")
