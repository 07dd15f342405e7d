"""Email over SMTP: STARTTLS (port 587) or implicit TLS (465), with credentials.

Settings: SMTP_HOST, SMTP_PORT, SMTP_SECURITY, SMTP_USERNAME, SMTP_PASSWORD, SMTP_TIMEOUT,
SMTP_CA_FILE, MAIL_FROM (README, Messages). One connection per run of the sender.
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import current_app

from portal.core.messaging.delivery import PermanentFailure
from portal.core.models import OutboxMessage

SECURITY_MODES = ("starttls", "tls", "none")


class SmtpSender:
    """Send each email message through the configured SMTP server."""

    def __init__(self) -> None:
        config = current_app.config
        self.host = config.get("SMTP_HOST")
        self.port = int(config["SMTP_PORT"])
        self.security = (config.get("SMTP_SECURITY") or "starttls").lower()
        self.username = config.get("SMTP_USERNAME")
        self.password = config.get("SMTP_PASSWORD")
        self.timeout = float(config["SMTP_TIMEOUT"])
        self.sender = config.get("MAIL_FROM")
        if not self.host or not self.sender:
            raise RuntimeError("EMAIL_BACKEND is SMTP: set SMTP_HOST and MAIL_FROM")
        if self.security not in SECURITY_MODES:
            raise RuntimeError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
        self.context = ssl.create_default_context(cafile=config.get("SMTP_CA_FILE") or None)
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                connection.starttls(context=self.context)
        if self.username:
            connection.login(self.username, self.password or "")
        return connection

    def compose(self, message: OutboxMessage) -> EmailMessage:
        """The email for one outbox row; its Message-ID comes from the row, so that a copy
        sent again after a crash is recognisable as the same message."""
        email = EmailMessage()
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        email["Message-ID"] = f"<outbox-{message.id}@{domain}>"
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject or message.body[:60]
        email["Date"] = formatdate(localtime=True)
        email["Auto-Submitted"] = "auto-generated"
        email.set_content(message.body)  # replaces any Content-* header: the language comes after
        email["Content-Language"] = message.locale.replace("_", "-")
        return email

    def send(self, message: OutboxMessage) -> str:
        email = self.compose(message)
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            # The codes only: the server's text repeats the address, which the log must not carry.
            codes = [code for code, _text in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {codes}") from None
            raise ConnectionError(f"recipient deferred: {codes}") from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            # A 5xx about the message itself is final; a refused login is the deployment's to fix: retried.
            if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError):
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise
        except (OSError, smtplib.SMTPException):
            self.close()
            raise
        return email["Message-ID"]

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._connection = None
