"""The waiting list: when no seat is free, people wait; a freed seat goes to the first."""

from flask_babel import force_locale, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.consultations.models import ConsultationSlot, ServicePoint, WaitingListEntry
from portal.core.clock import utcnow
from portal.core.notifications import public_url, queue_message
from portal.extensions import db
from portal.i18n import Bilingual

#: The SMS template key of a seat offered to the waiting list (declared by the capability).
SEAT_OFFER_KEY = "consultation.seat_offer"
OFFER = _l(
    "A consultation seat is free at %(place)s on %(when)s. Book it soon at %(link)s (first come, first served)."
)


def _waiting_entry(point: ServicePoint, mobile: str) -> WaitingListEntry | None:
    return db.session.scalar(
        select(WaitingListEntry).where(
            WaitingListEntry.service_point_id == point.id,
            WaitingListEntry.mobile == mobile,
            WaitingListEntry.status == "waiting",
        )
    )


def join(point: ServicePoint, name: str, mobile: str, locale: str) -> WaitingListEntry:
    """Put someone on a service point's waiting list (once per mobile: a unique index
    holds it when two requests race; the loser finds the winner's entry)."""
    if existing := _waiting_entry(point, mobile):
        return existing
    entry = WaitingListEntry(
        service_point_id=point.id, name=name, mobile=mobile, locale=locale, created_at=utcnow()
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        return _waiting_entry(point, mobile)
    return entry


def offer_freed_seat(point_id: int, slot_id: int) -> WaitingListEntry | None:
    """Tell the first person waiting at this point that a seat was freed."""
    entry = db.session.scalar(
        select(WaitingListEntry)
        .where(WaitingListEntry.service_point_id == point_id, WaitingListEntry.status == "waiting")
        .order_by(WaitingListEntry.created_at, WaitingListEntry.id)
        .limit(1)
    )
    slot = db.session.get(ConsultationSlot, slot_id)
    if entry is None or slot is None or slot.starts_at <= utcnow():
        return None
    entry.status = "offered"
    entry.offered_slot_id = slot_id
    entry.offered_at = utcnow()
    with force_locale(entry.locale):
        params = {
            "place": str(Bilingual(slot.service_point.name, slot.service_point.name_en)),
            "when": format_datetime(slot.starts_at, "yyyy-MM-dd HH:mm"),
            "link": public_url("consultations.book", point=point_id),
        }
        body = str(OFFER) % params
    queue_message(entry.mobile, body, template=SEAT_OFFER_KEY, params=params, locale=entry.locale)
    return entry
