# ruff: noqa: F811  (the fixtures gateway and outbox are imported from test_message_delivery)
"""Staff see what could not be delivered: on the request's detail page and in the outbox,
where supervisors and admins send a failed message again (POST, CSRF, audited)."""

import json
import time

from sqlalchemy import select
from test_html_validity import Pages, describe, needs_vnu, run_vnu
from test_message_delivery import RECEIPT_SECRET, gateway, outbox  # noqa: F401  (the fake gateway fixture)

from portal.core import notifications
from portal.core.messaging.delivery import deliver_pending
from portal.core.messaging.sms_gateway import sign
from portal.core.models import AuditEvent, OutboxMessage
from portal.extensions import db


def english(client):
    """Read the pages in English (the catalog's Chinese comes with the merge of the translations)."""
    client.set_cookie("lang", "en")
    return client


def failed_application(app, gateway, make_application):
    """An application whose acknowledgement the gateway refused for good."""
    gateway.answer = lambda payload: (200, {"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "bad number"})
    application = make_application()
    assert deliver_pending()["failed"] == 1
    gateway.answer = lambda payload: (200, {"code": "OK", "biz_id": "b"})
    return application


def test_a_failed_message_shows_on_the_request_and_in_the_outbox(
    app,
    gateway,
    make_application,
    make_staff,
    make_client,
):
    application = failed_application(app, gateway, make_application)
    make_staff("officer", "legal_aid_officer")
    make_staff("boss", "supervisor")
    officer, boss = english(make_client()), english(make_client())
    officer.sign_in("officer")
    boss.sign_in("boss")
    detail = f"/staff/requests/{application.reference}"
    page = officer.get(detail).get_data(as_text=True)
    assert "Messages not delivered" in page and "139****0011" in page
    assert "MOBILE_NUMBER_ILLEGAL" in page
    assert "Send again" not in page  # the officer sees it; sending again is the supervisor's
    assert officer.get("/staff/outbox/").status_code == 403
    assert "Send again" in boss.get(detail).get_data(as_text=True)
    home = boss.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/outbox/"' in home
    assert 'href="/staff/outbox/"' not in officer.get("/staff/").get_data(as_text=True)
    listing = boss.get("/staff/outbox/").get_data(as_text=True)
    assert application.reference in listing and "139****0011" in listing and "13900000011" not in listing
    assert "MOBILE_NUMBER_ILLEGAL" in listing


def test_sending_again_queues_the_message_from_scratch_and_is_audited(
    app,
    gateway,
    make_application,
    make_staff,
    make_client,
):
    application = failed_application(app, gateway, make_application)
    make_staff("boss", "supervisor")
    boss = english(make_client())
    boss.sign_in("boss")
    [message] = outbox()
    detail = f"/staff/requests/{application.reference}"
    answer = boss.submit(detail, {"next": detail}, action=f"/staff/outbox/{message.id}/resend")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(detail)
    [message] = outbox()
    assert (message.status, message.attempts, message.last_error) == ("pending", 0, None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resend_message"))
    assert event.request_id == application.id and event.actor.username == "boss"
    assert "Undelivered message sent again" in boss.get(detail).get_data(
        as_text=True
    )  # the audit trail names it
    assert deliver_pending()["sent"] == 1 and outbox()[0].status == "sent"
    assert len(gateway.received) == 2 and gateway.received[0]["out_id"] == gateway.received[1]["out_id"]
    # A message that did not fail is not sent again.
    again = boss.submit("/staff/outbox/", {}, action=f"/staff/outbox/{message.id}/resend")
    assert again.status_code == 303
    assert outbox()[0].status == "sent" and len(gateway.received) == 2
    assert db.session.query(AuditEvent).filter_by(action="resend_message").count() == 1


def test_an_undelivered_receipt_puts_the_message_in_the_outbox(
    app,
    gateway,
    make_application,
    make_staff,
    make_client,
    client,
):
    make_application()
    deliver_pending()
    [message] = outbox()
    body = json.dumps(
        [{"out_id": str(message.id), "phone_number": "13900000011", "success": False, "err_code": "MN:0017"}]
    ).encode()
    stamp = str(int(time.time()))
    assert (
        client.post(
            "/notifications/sms-receipts",
            data=body,
            content_type="application/json",
            headers={"X-Timestamp": stamp, "X-Signature": sign(RECEIPT_SECRET, stamp, body)},
        ).status_code
        == 200
    )
    make_staff("admin", "admin")
    admin = english(make_client())
    admin.sign_in("admin")
    listing = admin.get("/staff/outbox/").get_data(as_text=True)
    assert "MN:0017" in listing and "Not delivered (gateway receipt)" in listing
    assert admin.submit("/staff/outbox/", {}, action=f"/staff/outbox/{message.id}/resend").status_code == 303
    assert (outbox()[0].status, outbox()[0].delivery) == ("pending", None)


def test_the_outbox_hides_the_text_of_messages_about_no_request(app, make_staff, make_client):
    notifications.queue_message(
        "13900000031",
        "您的验证码为 123456，5 分钟内有效。",
        template="verification_code",
        params={"code": "123456", "minutes": 5},
    )
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    message.status = "failed"
    db.session.commit()
    make_staff("boss", "supervisor")
    boss = make_client()
    boss.sign_in("boss")
    listing = boss.get("/staff/outbox/").get_data(as_text=True)
    assert "verification_code" in listing and "123456" not in listing and "139****0031" in listing


def test_the_outbox_refuses_other_staff_and_visitors(app, make_staff, make_client, make_application):
    make_application()
    message = db.session.scalar(select(OutboxMessage))
    message.status = "failed"
    db.session.commit()
    make_staff("officer", "legal_aid_officer")
    make_staff("boss", "supervisor")
    officer, visitor, boss = make_client(), make_client(), make_client()
    officer.sign_in("officer")
    assert officer.get("/staff/outbox/").status_code == 403
    boss.sign_in("boss")
    token = boss.csrf_token("/staff/outbox/")
    assert (
        officer.post(
            f"/staff/outbox/{message.id}/resend", data={"csrf_token": officer.csrf_token("/staff/")}
        ).status_code
        == 403
    )
    assert visitor.get("/staff/outbox/").status_code == 302
    assert boss.post(f"/staff/outbox/{message.id}/resend", data={}).status_code == 400  # no CSRF token
    assert db.session.get(OutboxMessage, message.id).status == "failed"
    assert boss.post(f"/staff/outbox/{message.id}/resend", data={"csrf_token": token}).status_code == 303
    assert boss.post("/staff/outbox/99999/resend", data={"csrf_token": token}).status_code == 404


@needs_vnu
def test_the_outbox_and_the_detail_warning_are_valid_html(
    app,
    gateway,
    make_application,
    make_staff,
    make_client,
    tmp_path,
):
    application = failed_application(app, gateway, make_application)
    notifications.queue_message("13900000031", "x", template="verification_code", params={"code": "1"})
    db.session.commit()
    make_staff("boss", "supervisor")
    boss = make_client()
    boss.sign_in("boss")
    pages = Pages(tmp_path)
    for url in ("/staff/outbox/", "/staff/outbox/?view=waiting", f"/staff/requests/{application.reference}"):
        response = boss.get(url)
        assert response.status_code == 200
        pages.keep("boss", "GET", url, response)
    errors = run_vnu(tmp_path)
    assert not errors, describe(errors, pages.files)
