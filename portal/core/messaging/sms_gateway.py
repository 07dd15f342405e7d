"""An example SMS backend: a gateway's HTTP API in the shape Chinese gateways share.

Aliyun's SendSms, Tencent Cloud's SendSms and the carriers' own platforms all take a
phone number, a registered signature (签名), a pre-approved template code (模板CODE),
the template's parameters as JSON, and an out-id of the caller's (外部流水号) that comes
back in the delivery receipt. This backend posts exactly that as JSON over HTTPS:

    POST SMS_GATEWAY_URL
    X-Access-Key: <SMS_GATEWAY_ACCESS_KEY>
    X-Timestamp: <unix seconds>
    X-Signature: hex(HMAC-SHA256(SMS_GATEWAY_SECRET, "<timestamp>." + body))
    {"phone_number": "13800000000", "sign_name": "长沙县司法局", "template_code": "SMS_1",
     "template_param": "{\"reference\": \"LA-2026-000001\"}", "out_id": "42"}

and reads {"code": "OK", "biz_id": "..."} back; any other code is a refusal, final unless
it is one of SMS_GATEWAY_RETRY_CODES. A real gateway's own signing scheme (Aliyun's
signature v3, Tencent's TC3) is a subclass away: override `headers()` and `read_answer()`.
The out-id is the outbox row's id: the receipts (portal.core.messaging.receipts) name it.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from flask import current_app

from portal.core.messaging.delivery import PermanentFailure
from portal.core.models import OutboxMessage

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The HMAC-SHA256 signature of a request or receipt body (hex)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def template_code(key: str, locale: str) -> str:
    """The gateway's code for a template key in a language; PermanentFailure when none is set."""
    config = current_app.config
    codes = config.get("SMS_TEMPLATE_CODES") or {}
    code = codes.get(key)
    if isinstance(code, dict):
        # No approved template in the reader's language: the default language's, rather than nothing.
        code = code.get(locale) or code.get(config["BABEL_DEFAULT_LOCALE"])
    if not code:
        raise PermanentFailure(f"no SMS template code for {key!r} (SMS_TEMPLATE_CODES)")
    return str(code)


class HttpSmsGateway:
    """Send each SMS as a template message through the gateway at SMS_GATEWAY_URL."""

    def __init__(self) -> None:
        config = current_app.config
        self.url = config.get("SMS_GATEWAY_URL") or ""
        self.access_key = config.get("SMS_GATEWAY_ACCESS_KEY") or ""
        self.secret = config.get("SMS_GATEWAY_SECRET") or ""
        self.timeout = float(config["SMS_GATEWAY_TIMEOUT"])
        self.retry_codes = set(config["SMS_GATEWAY_RETRY_CODES"])
        self.sign_name = (config.get("SMS_SIGNATURE") or "").strip("【】[] ")
        parts = urlsplit(self.url)
        if not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)):
            raise RuntimeError("SMS_GATEWAY_URL must be an https:// address")
        if not (self.access_key and self.secret and self.sign_name):
            raise RuntimeError("set SMS_GATEWAY_ACCESS_KEY, SMS_GATEWAY_SECRET and SMS_SIGNATURE")

    def payload(self, message: OutboxMessage) -> dict[str, str]:
        return {
            "phone_number": message.recipient,
            "sign_name": self.sign_name,
            "template_code": template_code(message.template_key, message.locale),
            "template_param": json.dumps(message.parameters, ensure_ascii=False),
            "out_id": str(message.id),
        }

    def headers(self, body: bytes) -> dict[str, str]:
        timestamp = str(int(time.time()))
        return {
            "Content-Type": "application/json; charset=utf-8",
            "X-Access-Key": self.access_key,
            "X-Timestamp": timestamp,
            "X-Signature": sign(self.secret, timestamp, body),
        }

    def send(self, message: OutboxMessage) -> str | None:
        body = json.dumps(self.payload(message), ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, headers=self.headers(body), method="POST")  # noqa: S310 (https checked above)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code in (408, 429) or exc.code >= 500:
                raise ConnectionError(f"gateway answered HTTP {exc.code}") from None
            raise PermanentFailure(f"gateway refused the request: HTTP {exc.code}") from None
        except json.JSONDecodeError:
            raise ConnectionError("gateway answered something that is not JSON") from None
        return self.read_answer(answer)

    def read_answer(self, answer: dict) -> str | None:
        """The gateway's id for the message, or raise: later for its trouble, for good for a refusal."""
        code = str(answer.get("code", ""))
        if code == "OK":
            return answer.get("biz_id")
        reason = f"{code}: {answer.get('message', '')}"
        if code in self.retry_codes:
            raise ConnectionError(reason)
        raise PermanentFailure(reason)
