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
proof) and from nothing else. A body that is not JSON is a 400, a missing or wrong
signature a 403; receipts for unknown messages are counted and ignored.
"""

import hmac
import time

from flask import Blueprint, current_app, jsonify, request

from portal.core.messaging.delivery import record_receipt
from portal.core.messaging.sms_gateway import sign
from portal.extensions import csrf, db

bp = Blueprint("sms_receipts", __name__, url_prefix="/notifications")
#: A gateway batches receipts; more than this in one request is refused.
MAX_RECEIPTS = 500


def _signed() -> bool:
    secret = current_app.config.get("SMS_RECEIPT_SECRET")
    timestamp = request.headers.get("X-Timestamp", "")
    signature = request.headers.get("X-Signature", "")
    if not (secret and timestamp.isdigit() and len(timestamp) < 12 and signature):
        return False
    if abs(time.time() - int(timestamp)) > current_app.config["SMS_RECEIPT_MAX_AGE"].total_seconds():
        return False  # a replay of an old receipt
    return hmac.compare_digest(sign(secret, timestamp, request.get_data()), signature)


@bp.post("/sms-receipts")
@csrf.exempt
def sms_receipts():
    """Apply the gateway's delivery receipts to the outbox."""
    payload = request.get_json(silent=True) if request.is_json else None
    if payload is None:
        return jsonify(code="BadRequest", message="a JSON body is expected"), 400
    if not _signed():
        return jsonify(code="Forbidden", message="signature missing or wrong"), 403
    receipts = payload if isinstance(payload, list) else [payload]
    if len(receipts) > MAX_RECEIPTS or not all(isinstance(r, dict) for r in receipts):
        return jsonify(code="BadRequest", message="a receipt or a list of receipts is expected"), 400
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
