"""Valid input for every action of a sample booking (tests/test_offered_actions.py)."""

from datetime import timedelta

from sqlalchemy import select

from portal.consultations.models import ConsultationSlot, StaffServicePoint
from portal.consultations.roles import DESK
from portal.core.clock import local_today, utcnow
from portal.extensions import db


def sample_work(booking, staff) -> dict[str, dict[str, str]]:
    """The booking moves to 20 minutes ago (today: the desk serves it, the grace time for a
    no-show has passed); the desk users among `staff` serve its point; a later slot to
    move to."""
    now = utcnow().replace(second=0, microsecond=0)
    start = now - timedelta(minutes=20)
    if local_today(start) != local_today(now):  # just after midnight: the booking stays today
        start = now
    booking.slot.starts_at, booking.slot.ends_at, booking.starts_at = (
        start,
        start + timedelta(minutes=30),
        start,
    )
    for user in staff:
        if user.has_role(DESK) and not db.session.scalar(
            select(StaffServicePoint.id).where(
                StaffServicePoint.user_id == user.id,
                StaffServicePoint.service_point_id == booking.service_point_id,
            )
        ):
            db.session.add(StaffServicePoint(user_id=user.id, service_point_id=booking.service_point_id))
    start = now + timedelta(days=1)
    later = ConsultationSlot(
        service_point_id=booking.service_point_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        capacity=2,
    )
    db.session.add(later)
    db.session.flush()
    return {
        "complete": {"summary": "工资拖欠", "advice": "申请劳动仲裁", "minutes": "20"},
        "no_show": {"confirm": "y"},
        "staff_cancel": {"reason": "停电"},
        "reschedule": {"slot": str(later.id)},
    }
