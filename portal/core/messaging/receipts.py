"""The gateway's delivery receipts (状态报告), pushed to us over HTTP.

Why a callback and not a polling command: the gateways push receipts as they arrive
(Aliyun's and Tencent's "status report" callbacks), so a failed delivery reaches staff in
seconds, with no job to schedule and no per-message query quota to spend; the receipts
carry our out-id, so that matching one is a primary-key lookup.

    POST /notifications/sms-receipts
    X-Timestamp: <unix seconds>
    X-Signature: hex(HMAC-SHA256(SMS_RECEIPT_SECRET, "<timestamp>." + body))
    [{"out_id": "42", "phone_number": "13800000000", "success": true,
      "err_code": "DELIVERED", "biz_id": "...", "report_time": "2026-12-04 10:00:00"}]

The endpoint is exempt from CSRF (the gateway has no session; the signature is its
proof) and from nothing else. Checked in this order, each before any more work: a body
over MAX_BODY_BYTES is a 413 (unread), a missing or wrong signature on the raw body a
403 (unparsed), a replayed (timestamp, signature) changes nothing, a signed body that is
not JSON is a 400; receipts for unknown messages are counted and ignored.
"""

import hmac
import json
import time

from flask import Blueprint, current_app, jsonify, request

from portal.core.messaging.delivery import record_receipt
from portal.core.messaging.replays import first_sight
from portal.core.messaging.sms_gateway import sign
from portal.extensions import csrf, db

bp = Blueprint("sms_receipts", __name__, url_prefix="/notifications")
#: A gateway batches receipts; more than this in one request is refused.
MAX_RECEIPTS = 500
#: 500 receipts of ~300 bytes fit; nginx's location has the same cap (deploy/nginx).
MAX_BODY_BYTES = 256 * 1024


def _signed(body: bytes) -> bool:
    secret = current_app.config.get("SMS_RECEIPT_SECRET")
    timestamp = request.headers.get("X-Timestamp", "")
    signature = request.headers.get("X-Signature", "")
    if not (secret and timestamp.isdigit() and len(timestamp) < 12 and 0 < len(signature) <= 128):
        return False
    if abs(time.time() - int(timestamp)) > current_app.config["SMS_RECEIPT_MAX_AGE"].total_seconds():
        return False  # a replay of an old receipt
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def _raw_body() -> bytes | None:
    """The body as sent, or None when it is larger than MAX_BODY_BYTES (never read whole)."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return None
    body = request.stream.read(MAX_BODY_BYTES + 1)
    return None if len(body) > MAX_BODY_BYTES else body


@bp.post("/sms-receipts")
@csrf.exempt
def sms_receipts():
    """Apply the gateway's delivery receipts to the outbox."""
    body = _raw_body()
    if body is None:
        return jsonify(code="PayloadTooLarge", message=f"at most {MAX_BODY_BYTES} bytes"), 413
    if not _signed(body):
        return jsonify(code="Forbidden", message="signature missing or wrong"), 403
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested beyond the stack
        return jsonify(code="BadRequest", message="a JSON body is expected"), 400
    receipts = payload if isinstance(payload, list) else [payload]
    if len(receipts) > MAX_RECEIPTS or not all(isinstance(r, dict) for r in receipts):
        return jsonify(code="BadRequest", message="a receipt or a list of receipts is expected"), 400
    window = current_app.config["SMS_RECEIPT_MAX_AGE"]
    if not first_sight(int(request.headers["X-Timestamp"]), request.headers["X-Signature"], window):
        db.session.commit()
        return jsonify(code="OK", matched=0, ignored=len(receipts))  # a replay: applied once already
    matched = 0
    for receipt in receipts:
        delivered = receipt.get("success") is True or str(receipt.get("err_code", "")).upper() == "DELIVERED"
        matched += record_receipt(
            str(receipt.get("out_id", "")),
            str(receipt.get("phone_number", "")),
            delivered,
            str(receipt.get("err_code") or "")[:100] or None,
        )
    db.session.commit()
    return jsonify(code="OK", matched=matched, ignored=len(receipts) - matched)
