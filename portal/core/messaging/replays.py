"""Each signed delivery receipt is accepted once: a replay of a captured one changes nothing.

The gateway signs "<timestamp>.<body>"; a receipt older than SMS_RECEIPT_MAX_AGE is
refused anyway, so a signature needs remembering only that long. The database holds them
(every app server sees the same rows); the primary key makes a second insert of the same
signature fail, however many requests race.
"""

from datetime import datetime, timedelta

from sqlalchemy import String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.extensions import db


class SeenReceipt(db.Model):
    """A receipt signature accepted within the replay window."""

    __tablename__ = "seen_receipt"

    #: hex HMAC-SHA256 of "<timestamp>.<body>": one per (timestamp, body).
    signature: Mapped[str] = mapped_column(String(128), primary_key=True)
    #: The gateway's timestamp (unix seconds), as signed.
    signed_at: Mapped[int]
    #: When we first accepted it; rows older than the window are deleted.
    seen_at: Mapped[datetime] = mapped_column(index=True)


def first_sight(timestamp: int, signature: str, window: timedelta) -> bool:
    """Record this receipt's signature; False when it was accepted before (a replay)."""
    now = utcnow()
    # Twice the window: a gateway clock a little ahead still finds its receipt remembered.
    db.session.execute(delete(SeenReceipt).where(SeenReceipt.seen_at < now - 2 * window))
    try:
        with db.session.begin_nested():
            db.session.add(SeenReceipt(signature=signature.lower(), signed_at=timestamp, seen_at=now))
    except IntegrityError:
        return False
    return True
