"""The outbox: delivered by a pluggable sender, retried with back-off, never twice."""

from sqlalchemy import select

from portal.core.models import OutboxMessage
from portal.extensions import db

SENT: list[str] = []


class RecordingSender:
    def send(self, message):
        SENT.append(message.body)


class BrokenSender:
    def send(self, message):
        raise ConnectionError("SMS gateway down")


def test_send_notifications_delivers_each_message_once(app, make_application):
    SENT.clear()
    app.config["NOTIFICATION_BACKEND"] = "test_notifications:RecordingSender"
    make_application()
    make_application()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-notifications"])
    assert "sent 2" in first.output
    second = runner.invoke(args=["send-notifications"])
    assert "sent 0" in second.output
    assert len(SENT) == 2 and all(body.startswith("【长沙县司法局】") for body in SENT)
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent"}


def test_failures_are_retried_later_and_finally_marked_failed(app, make_application):
    app.config["NOTIFICATION_BACKEND"] = "test_notifications:BrokenSender"
    app.config["NOTIFICATION_MAX_ATTEMPTS"] = 2
    application = make_application()  # the request itself is stored whatever the gateway does
    runner = app.test_cli_runner()
    assert "retry later 1" in runner.invoke(args=["send-notifications"]).output
    message = db.session.scalar(select(OutboxMessage))
    assert (message.status, message.attempts) == ("pending", 1)
    assert "gateway down" in message.last_error
    assert "sent 0, retry later 0" in runner.invoke(args=["send-notifications"]).output  # backing off
    message.next_attempt_at = message.created_at
    db.session.commit()
    assert "failed 1" in runner.invoke(args=["send-notifications"]).output
    db.session.refresh(message)
    assert message.status == "failed"
    assert application.reference in message.body


def test_the_default_sender_writes_to_the_log(app, make_application, caplog):
    make_application()
    with caplog.at_level("INFO", logger="portal.notifications"):
        result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert "sent 1" in result.output
    assert "139****0011" in caplog.text and "13900000011" not in caplog.text
