"""Messages really leave: a real SMTP server and a fake SMS gateway on loopback, and what arrived.

The sender (`send-notifications`) delivers the outbox: SMS as a gateway template (code,
parameters, signature, our out-id), email over SMTP with STARTTLS or implicit TLS; each in
the recipient's language; retried with back-off, in order per request and person, once
each even with two senders at once; delivery receipts come back signed.
"""

import email
import email.policy
import json
import socket
import ssl
import subprocess
import threading
import time
from datetime import timedelta
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from portal.accounts.models import AccountType, User
from portal.core import notifications
from portal.core.clock import utcnow
from portal.core.messaging.delivery import deliver_pending, retry_delay
from portal.core.messaging.sms_gateway import sign
from portal.core.models import OutboxMessage
from portal.extensions import db

from support import PASSWORD

GATEWAY_KEY, GATEWAY_SECRET, RECEIPT_SECRET = "portal-key", "gateway-secret", "receipt-secret"
SMTP_USER, SMTP_PASSWORD = "portal", "mail-pass-1"


# --- a fake SMS gateway: http.server in a thread ----------------------------------------


class FakeGateway:
    """Records every well-signed request; answers with `answer(payload)` (default: accepted)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.delay = 0.0
        self.answer = lambda payload: (200, {"code": "OK", "biz_id": f"biz-{payload['out_id']}"})
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = sign(GATEWAY_SECRET, self.headers.get("X-Timestamp", ""), body)
                if (
                    self.headers.get("X-Access-Key") != GATEWAY_KEY
                    or self.headers.get("X-Signature") != expected
                ):
                    return self._reply(403, {"code": "SignatureDoesNotMatch"})
                payload = json.loads(body)
                time.sleep(gateway.delay)
                with gateway.lock:
                    gateway.received.append(payload)
                self._reply(*gateway.answer(payload))

            def _reply(self, status, answer):
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def out_ids(self) -> list[int]:
        return [int(p["out_id"]) for p in self.received]


@pytest.fixture
def gateway(app):
    fake = FakeGateway()
    fake.thread.start()
    app.config.update(
        NOTIFICATION_BACKEND="portal.core.messaging.sms_gateway:HttpSmsGateway",
        SMS_GATEWAY_URL=fake.url,
        SMS_GATEWAY_ACCESS_KEY=GATEWAY_KEY,
        SMS_GATEWAY_SECRET=GATEWAY_SECRET,
        SMS_TEMPLATE_CODES={
            "LA.submitted": {"zh_Hans": "SMS_100", "en": "SMS_200"},
            "free_text": "SMS_900",
            "staff_message": "SMS_300",
        },
        SMS_RECEIPT_SECRET=RECEIPT_SECRET,
    )
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    fake.thread.join()


# --- a real SMTP server (aiosmtpd) with TLS -----------------------------------------------


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (the mail server's; the sender trusts it via SMTP_CA_FILE)."""
    folder = tmp_path_factory.mktemp("wt19m-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class MailInbox:
    """What the SMTP server accepted; addresses starting with "nobody@" are refused (550)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted"


def authenticate(server, session, envelope, mechanism, auth_data):
    return AuthResult(
        success=(auth_data.login, auth_data.password) == (SMTP_USER.encode(), SMTP_PASSWORD.encode())
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp(app, certificate, security: str):
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    inbox, port = MailInbox(), free_port()
    if security == "tls":
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            ssl_context=server_tls,
            authenticator=authenticate,
            auth_require_tls=False,
        )
    else:  # STARTTLS required before anything else, and before the password
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=server_tls,
            require_starttls=True,
            authenticator=authenticate,
            auth_require_tls=True,
        )
    controller.start()
    app.config.update(
        EMAIL_BACKEND="portal.core.messaging.smtp:SmtpSender",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_SECURITY=security,
        SMTP_USERNAME=SMTP_USER,
        SMTP_PASSWORD=SMTP_PASSWORD,
        SMTP_CA_FILE=str(cert),
        SMTP_TIMEOUT=5.0,
        MAIL_FROM="长沙县司法局 <noreply@portal.example.cn>",
    )
    return inbox, controller


@pytest.fixture
def smtp_server(app, certificate):
    inbox, controller = start_smtp(app, certificate, "starttls")
    yield inbox
    controller.stop()


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def text_of(header: str) -> str:
    return str(make_header(decode_header(header)))


# --- SMS through the gateway ----------------------------------------------------------------


def test_an_sms_reaches_the_gateway_as_its_approved_template_with_our_out_id(app, gateway, make_application):
    application = make_application()
    counts = deliver_pending()
    assert counts == {"sent": 1, "retry": 0, "failed": 0}
    [payload] = gateway.received
    [message] = outbox()
    assert payload["phone_number"] == "13900000011"
    assert payload["sign_name"] == "长沙县司法局"
    assert payload["template_code"] == "SMS_100"
    params = json.loads(payload["template_param"])  # the notice's own variables, in its reader's language
    assert params == {"reference": application.reference, "decision_due": params["decision_due"]}
    assert params["decision_due"].startswith("20") and "日" in params["decision_due"]
    assert payload["out_id"] == str(message.id)
    # The text as the phone shows it is kept, in Chinese, for the inbox, the log and staff.
    assert message.body.startswith("【长沙县司法局】") and application.reference in message.body
    assert (message.status, message.provider_id, message.locale) == ("sent", f"biz-{message.id}", "zh_Hans")
    assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}  # never twice
    assert len(gateway.received) == 1


def test_each_person_gets_the_template_of_their_language(app, gateway, make_application):
    english = make_application(locale="en")
    # An account that chose English is written to in English, whatever language the form was in.
    user = User(account_type=AccountType.RESIDENT, mobile="13900000012", display_name="Li", locale="en")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    chose_english = make_application(user=user, applicant_mobile="13900000012", locale="zh_Hans")
    chinese = make_application(applicant_mobile="13900000013")
    deliver_pending()
    codes = {p["phone_number"]: p["template_code"] for p in gateway.received}
    assert codes == {"13900000011": "SMS_200", "13900000012": "SMS_200", "13900000013": "SMS_100"}
    bodies = {m.recipient: m for m in outbox()}
    assert (
        "legal aid" in bodies["13900000011"].body.lower() and english.reference in bodies["13900000011"].body
    )
    assert bodies["13900000012"].locale == "en" and chose_english.reference in bodies["13900000012"].body
    assert "法律援助" in bodies["13900000013"].body and chinese.reference in bodies["13900000013"].body


def test_a_throttled_gateway_is_retried_with_growing_pauses(app, gateway, make_application):
    answers = iter(
        [
            (200, {"code": "isv.BUSINESS_LIMIT_CONTROL", "message": "too many"}),
            (503, {}),
            (200, {"code": "OK", "biz_id": "b-1"}),
        ]
    )
    gateway.answer = lambda payload: next(answers)
    make_application()
    assert deliver_pending()["retry"] == 1
    [message] = outbox()
    assert (message.status, message.attempts) == (
        "pending",
        1,
    ) and "BUSINESS_LIMIT_CONTROL" in message.last_error
    first_pause = message.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < first_pause <= timedelta(minutes=1)
    assert deliver_pending()["retry"] == 0  # still backing off: the gateway is not asked
    assert len(gateway.received) == 1
    message.next_attempt_at = utcnow()
    db.session.commit()
    assert deliver_pending()["retry"] == 1  # HTTP 503
    [message] = outbox()
    assert timedelta(minutes=1, seconds=50) < message.next_attempt_at - utcnow() <= timedelta(minutes=2)
    message.next_attempt_at = utcnow()
    db.session.commit()
    assert deliver_pending()["sent"] == 1
    assert len(gateway.received) == 3 and outbox()[0].status == "sent"
    assert [retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert retry_delay(30) == app.config["NOTIFICATION_RETRY_MAX"]


def test_a_final_refusal_is_not_retried_and_a_missing_template_code_never_reaches_the_gateway(app, gateway):
    gateway.answer = lambda payload: (200, {"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "bad number"})
    notifications.queue_message(
        "13900000099", "x", template="staff_message", params={"reference": "R", "content": "x"}
    )
    notifications.queue_message("13900000098", "y", template="no_such_template", params={})
    db.session.commit()
    assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 2}
    refused, unknown = outbox()
    assert (refused.status, refused.attempts) == (
        "failed",
        1,
    ) and "MOBILE_NUMBER_ILLEGAL" in refused.last_error
    assert unknown.status == "failed" and "no_such_template" in unknown.last_error
    assert [p["phone_number"] for p in gateway.received] == ["13900000099"]


def test_messages_about_one_request_go_out_in_order(app, gateway, make_application, make_staff, client):
    """A later message to the same person waits while an earlier one is retrying."""
    app.config["NOTIFICATION_RETRY_BASE"] = timedelta(0)
    down = {"on": True}
    gateway.answer = lambda payload: (503, {}) if down["on"] else (200, {"code": "OK", "biz_id": "b"})
    application = make_application()
    make_staff("boss", "supervisor")
    client.sign_in("boss")
    page = f"/staff/requests/{application.reference}"
    assert client.submit(page, {"body": "请携带身份证原件。"}, action=page + "/message").status_code in (
        302,
        303,
    )
    first, second = outbox()
    assert deliver_pending() == {"sent": 0, "retry": 1, "failed": 0}
    assert gateway.out_ids() == [first.id]  # the second was not even tried
    assert outbox()[1].status == "pending"
    down["on"] = False
    assert deliver_pending() == {"sent": 2, "retry": 0, "failed": 0}  # one run: the first released the second
    assert gateway.out_ids() == [first.id, first.id, second.id]
    assert json.loads(gateway.received[-1]["template_param"]) == {
        "reference": application.reference,
        "content": "请携带身份证原件。",
    }
    assert gateway.received[-1]["template_code"] == "SMS_300"


def test_a_finally_failed_message_lets_the_next_one_go(app, gateway, make_application):
    app.config.update(NOTIFICATION_MAX_ATTEMPTS=1)
    gateway.answer = lambda payload: (
        (503, {}) if payload["template_code"] == "SMS_100" else (200, {"code": "OK"})
    )
    application = make_application()
    notifications.notify(application, subject="s", body="第二条", template="free_text")
    db.session.commit()
    assert deliver_pending() == {"sent": 1, "retry": 0, "failed": 1}
    assert [m.status for m in outbox()] == ["failed", "sent"]


# --- email over SMTP --------------------------------------------------------------------------


def test_an_email_goes_over_starttls_with_a_password_and_arrives_whole(app, smtp_server):
    message = notifications.queue_message(
        "resident@example.cn",
        "您的申请 LA-2026-000001 已受理。",
        channel="email",
        subject="法律援助 LA-2026-000001",
        template="LA.submitted",
        params={"reference": "LA-2026-000001"},
        locale="zh_Hans",
    )
    db.session.commit()
    assert deliver_pending()["sent"] == 1
    [arrived] = smtp_server.messages
    assert arrived["To"] == "resident@example.cn"
    assert "noreply@portal.example.cn" in arrived["From"]
    assert text_of(arrived["Subject"]) == "法律援助 LA-2026-000001"
    assert arrived["Message-ID"] == f"<outbox-{message.id}@portal.example.cn>"
    assert arrived["Content-Language"] == "zh-Hans"
    assert arrived.get_content().strip() == "您的申请 LA-2026-000001 已受理。"
    assert not arrived.get_content().startswith("【")  # the SMS signature is for SMS only
    assert outbox()[0].provider_id == arrived["Message-ID"]


def test_an_email_goes_over_implicit_tls(app, certificate):
    inbox, controller = start_smtp(app, certificate, "tls")
    try:
        notifications.queue_message(
            "clerk@example.cn",
            "Your request is received.",
            channel="email",
            subject="Request received",
            locale="en",
        )
        db.session.commit()
        assert deliver_pending()["sent"] == 1
    finally:
        controller.stop()
    [arrived] = inbox.messages
    assert arrived["Subject"] == "Request received" and arrived["Content-Language"] == "en"


def test_the_mail_server_refusing_the_recipient_fails_at_once_and_a_wrong_password_is_retried(
    app, smtp_server
):
    notifications.queue_message("nobody@example.cn", "x", channel="email", subject="x")
    db.session.commit()
    assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 1}
    assert "550" in outbox()[0].last_error
    app.config["SMTP_PASSWORD"] = "wrong"  # noqa: S105
    notifications.queue_message("resident@example.cn", "y", channel="email", subject="y")
    db.session.commit()
    assert deliver_pending() == {"sent": 0, "retry": 1, "failed": 0}
    assert smtp_server.messages == []


def test_a_mail_server_with_an_untrusted_certificate_gets_nothing(app, smtp_server):
    app.config["SMTP_CA_FILE"] = None  # the system's CAs do not know the self-signed certificate
    notifications.queue_message("resident@example.cn", "secret text", channel="email", subject="x")
    db.session.commit()
    assert deliver_pending()["retry"] == 1
    assert "certificate" in outbox()[0].last_error.lower()
    assert smtp_server.messages == []


# --- two senders at once ------------------------------------------------------------------------


def test_two_senders_at_once_deliver_each_message_exactly_once(app, gateway, smtp_server):
    gateway.delay = 0.01  # widen the window in which both could pick the same row
    for n in range(24):
        notifications.queue_message(f"139{n:08d}", f"短信 {n}", template="free_text")
    for n in range(8):
        notifications.queue_message(
            f"person{n}@example.cn", f"邮件 {n}", channel="email", subject=f"邮件 {n}"
        )
    db.session.commit()
    results, errors = [], []
    start_together = threading.Barrier(2)

    def run_sender():
        try:
            with app.app_context():
                start_together.wait(10)
                results.append(deliver_pending())
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    threads = [threading.Thread(target=run_sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sum(r["sent"] for r in results) == 32 and all(r["failed"] == 0 for r in results)
    sms_ids = gateway.out_ids()
    assert len(sms_ids) == 24 and len(set(sms_ids)) == 24
    mail_ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(mail_ids) == 8 and len(set(mail_ids)) == 8
    assert {m.status for m in outbox()} == {"sent"}


# --- delivery receipts ------------------------------------------------------------------------


def post_receipt(client, receipts, secret=RECEIPT_SECRET, age=0, signature=None):
    body = json.dumps(receipts).encode()
    timestamp = str(int(time.time()) - age)
    headers = {"X-Timestamp": timestamp, "X-Signature": signature or sign(secret, timestamp, body)}
    return client.post(
        "/notifications/sms-receipts", data=body, headers=headers, content_type="application/json"
    )


def test_signed_receipts_mark_messages_delivered_or_undelivered(app, gateway, make_application, client):
    make_application()
    make_application(applicant_mobile="13900000022")
    deliver_pending()
    first, second = outbox()
    # No CSRF token: the gateway has no session; the signature is its proof.
    answer = post_receipt(
        client,
        [
            {
                "out_id": str(first.id),
                "phone_number": "+86 13900000011",
                "success": True,
                "err_code": "DELIVERED",
            },
            {
                "out_id": str(second.id),
                "phone_number": "13900000022",
                "success": False,
                "err_code": "MK:0001",
            },
            {"out_id": "999999", "phone_number": "13900000011", "success": True},
        ],
    )
    assert answer.status_code == 200 and answer.get_json() == {"code": "OK", "matched": 2, "ignored": 1}
    first, second = outbox()
    assert (first.delivery, second.delivery) == ("delivered", "undelivered")
    assert first.delivered_at is not None and "MK:0001" in second.last_error and second.has_failed
    # The same receipt again changes nothing.
    assert (
        post_receipt(
            client, {"out_id": str(first.id), "phone_number": "13900000011", "success": True}
        ).status_code
        == 200
    )
    assert outbox()[0].delivery == "delivered"


def test_receipts_without_a_good_signature_are_refused_and_change_nothing(
    app, gateway, make_application, client
):
    make_application()
    deliver_pending()
    [message] = outbox()
    receipt = [{"out_id": str(message.id), "phone_number": "13900000011", "success": False, "err_code": "X"}]
    assert post_receipt(client, receipt, secret="guessed").status_code == 403
    assert post_receipt(client, receipt, age=3600).status_code == 403  # a replay of an old one
    assert post_receipt(client, receipt, signature="0" * 64).status_code == 403
    # Unsigned: refused before the body is read as anything (JSON or a form).
    assert client.post("/notifications/sms-receipts", data={"out_id": message.id}).status_code == 403
    # A receipt that names the right id but another phone is ignored.
    wrong_phone = [{"out_id": str(message.id), "phone_number": "13900000099", "success": False}]
    assert post_receipt(client, wrong_phone).get_json()["matched"] == 0
    app.config["SMS_RECEIPT_SECRET"] = None  # receipts are off until a secret is set
    assert post_receipt(client, receipt).status_code == 403
    assert outbox()[0].delivery is None


def post_signed(client, body: bytes, timestamp: str | None = None, content_type="application/json"):
    timestamp = timestamp or str(int(time.time()))
    headers = {"X-Timestamp": timestamp, "X-Signature": sign(RECEIPT_SECRET, timestamp, body)}
    return client.post("/notifications/sms-receipts", data=body, headers=headers, content_type=content_type)


def test_a_replayed_receipt_changes_nothing(app, gateway, make_application, client):
    """Issue #37: a captured "undelivered" receipt, replayed within its 5 minutes, flipped a
    delivered message back. Each (timestamp, signature) is accepted once. Red without the
    store of seen signatures (the replay is applied: "undelivered")."""
    make_application()
    deliver_pending()
    [message] = outbox()
    failed = json.dumps(
        [{"out_id": str(message.id), "phone_number": "13900000011", "success": False}]
    ).encode()
    captured = str(int(time.time()) - 10)
    assert post_signed(client, failed, captured).get_json()["matched"] == 1
    delivered = json.dumps([{"out_id": str(message.id), "phone_number": "13900000011", "success": True}])
    assert post_signed(client, delivered.encode()).get_json()["matched"] == 1
    assert outbox()[0].delivery == "delivered"
    replay = post_signed(client, failed, captured)
    assert replay.status_code == 200 and replay.get_json() == {"code": "OK", "matched": 0, "ignored": 1}
    assert outbox()[0].delivery == "delivered"


def test_the_signature_is_checked_on_the_raw_body_before_it_is_parsed(app, gateway, client, monkeypatch):
    """An unsigned body costs no parsing: 403 whatever it holds; a signed body that is
    not JSON is a 400. Red with the JSON parsed first (the unsigned garbage gets 400)."""
    parsed = []
    monkeypatch.setattr("portal.core.messaging.receipts.json.loads", lambda raw: parsed.append(raw) or [])
    garbage = b"[" * 100_000  # signed, it is still no JSON (nested beyond the stack: never a 500)
    headers = {"X-Timestamp": str(int(time.time())), "X-Signature": "0" * 64}
    answer = client.post(
        "/notifications/sms-receipts", data=garbage, headers=headers, content_type="application/json"
    )
    assert answer.status_code == 403 and not parsed
    monkeypatch.undo()
    assert post_signed(client, garbage).status_code == 400
    assert post_signed(client, b'{"out_id": "1"}', content_type="text/plain").status_code == 200


def test_a_receipt_body_over_256_kib_is_refused_unread(app, gateway, client):
    """Red without the view's cap (a 51 MiB body was read and parsed, 1.8 s a time)."""
    big = json.dumps([{"out_id": "1", "phone_number": "13900000011", "padding": "x" * 300_000}]).encode()
    assert post_signed(client, big).status_code == 413
    fits = json.dumps([{"out_id": "1", "phone_number": "13900000011", "padding": "x" * 200_000}]).encode()
    assert post_signed(client, fits).status_code == 200


def test_the_gateway_settings_come_from_the_environment(monkeypatch):
    from portal.config import settings_from_environment

    monkeypatch.setenv("SMS_TEMPLATE_CODES", '{"LA.submitted": {"zh_Hans": "SMS_1", "en": "SMS_2"}}')
    monkeypatch.setenv("SMS_GATEWAY_RETRY_CODES", "Throttling,isp.SYSTEM_ERROR")
    monkeypatch.setenv("SMTP_PORT", "465")
    monkeypatch.setenv("NOTIFICATION_RETRY_BASE", "30")
    settings = settings_from_environment()
    assert settings["SMS_TEMPLATE_CODES"] == {"LA.submitted": {"zh_Hans": "SMS_1", "en": "SMS_2"}}
    assert settings["SMS_GATEWAY_RETRY_CODES"] == ("Throttling", "isp.SYSTEM_ERROR")
    assert settings["SMTP_PORT"] == 465 and settings["NOTIFICATION_RETRY_BASE"] == timedelta(seconds=30)
    monkeypatch.setenv("SMS_TEMPLATE_CODES", "SMS_1")  # not JSON: the app refuses to start
    with pytest.raises(ValueError, match="SMS_TEMPLATE_CODES"):
        settings_from_environment()
