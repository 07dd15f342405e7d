"""Words staff and residents act on (issue 31): a staff action says whom it texts before it
is pressed; My requests offers only what the account may start."""

from portal.accounts.models import AccountType, User
from portal.core.registry import kind_for_code
from portal.extensions import db

from support import PASSWORD


def account(kind: str, mobile: str) -> User:
    user = User(account_type=AccountType(kind), mobile=mobile, display_name=kind)
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


def test_a_notice_texts_the_relative_only_the_notice_and_a_returned_report_texts_the_lawyer(
    client, make_client, make_staff
):
    """A registered criminal notice first texted the relative "application received"; a
    closing report sent back told the lawyer nothing. Seen red with `notify=False` dropped
    from the notice's submit, and with `tell_lawyer_report_returned` not called."""
    from datetime import date

    from test_legal_aid_assignment import act, register

    from portal.accounts.profiles import save_profile
    from portal.core.clock import local_today
    from portal.core.models import OutboxMessage
    from portal.core.services import load_by_reference

    make_staff("officer", "legal_aid_officer")
    lawyer = make_staff("lawyer", "lawyer", name="陈律师")
    save_profile(lawyer, profession="lawyer", practising_since=date(2010, 1, 1), work_phone="13900000077")
    db.session.commit()
    officer = make_client()
    officer.sign_in("officer")
    reference = register(officer, local_today())
    request_id = load_by_reference(reference).id

    def texts_to(mobile):
        db.session.expire_all()
        return [
            m.template_key
            for m in db.session.scalars(
                db.select(OutboxMessage).where(
                    OutboxMessage.request_id == request_id, OutboxMessage.recipient == mobile
                )
            )
        ]

    assert texts_to("13900000022") == ["LA.register_notice"]
    assert (
        act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(lawyer.id)}).status_code == 303
    )
    as_lawyer = make_client()
    as_lawyer.sign_in("lawyer")
    report = {
        "submit_closing-outcome": "charges_dropped",
        "submit_closing-ended_on": local_today().isoformat(),  # not before the notice arrived
        "submit_closing-summary": "检察院决定不起诉",
    }
    assert act(as_lawyer, reference, "submit_closing", report).status_code == 303
    assert not texts_to("13900000077")
    returned = act(officer, reference, "return_closing", {"return_closing-reasons": "缺少不起诉决定书"})
    assert returned.status_code == 303
    assert texts_to("13900000077") == ["LA.return_closing.lawyer"]
    db.session.expire_all()
    body = db.session.scalar(db.select(OutboxMessage.body).where(OutboxMessage.recipient == "13900000077"))
    assert "缺少不起诉决定书" in body and reference in body
