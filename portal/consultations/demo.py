"""Demo service points of Changsha County: the county centre, 18 justice offices, a studio.

Addresses and phone numbers are invented (演示); the opening pattern follows SPEC §4.
"""

from datetime import time

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.services import create_staff_user
from portal.consultations.models import ConsultationBooking, ServicePoint, SlotTemplate, StaffServicePoint
from portal.consultations.roles import DESK
from portal.consultations.slots import ensure_slots
from portal.core.models import Township
from portal.extensions import db

WEEKDAY_HOURS = [(time(9, 0), time(11, 30)), (time(14, 0), time(17, 0))]
SERVICES = "法律咨询、法律援助申请受理、人民调解、公证咨询（演示）"


def _point_rows():
    yield (
        "CENTRE",
        "centre",
        "长沙县公共法律服务中心",
        "Changsha County Public Legal Service Centre",
        None,
        "星沙街道开元路（演示地址）",
        "0731-8400 0000",
        2,
    )
    for township in db.session.scalars(select(Township).order_by(Township.sort_order)):
        short = township.name.removesuffix("街道").removesuffix("镇")
        yield (
            f"SJS-{township.code[-3:]}",
            "justice_office",
            f"{short}司法所",
            f"{township.name_en.replace(' Subdistrict', '').replace(' Town', '')} Justice Office",
            township.id,
            f"{township.name}政府院内（演示地址）",
            f"0731-8400 {township.code[-3:]}0",
            1,
        )
    yield (
        "STUDIO-LENS",
        "mediation_studio",
        "驻企调解工作室（经开区）",
        "Enterprise Mediation Studio (Economic Development Zone)",
        None,
        "经开区（演示地址）",
        "0731-8400 9999",
        1,
    )


def seed_service_points() -> list[str]:
    """Add missing service points with weekday templates; returns what was added."""
    existing = set(db.session.scalars(select(ServicePoint.code)))
    added = 0
    for order, (code, point_type, name, name_en, township_id, address, phone, capacity) in enumerate(
        _point_rows()
    ):
        if code in existing:
            continue
        point = ServicePoint(
            code=code,
            point_type=point_type,
            name=name,
            name_en=name_en,
            township_id=township_id,
            address=address,
            phone=phone,
            hours="周一至周五 9:00-11:30, 14:00-17:00",
            services=SERVICES,
            sort_order=order,
        )
        point.templates = [
            SlotTemplate(weekday=day, start_time=start, end_time=end, slot_minutes=30, capacity=capacity)
            for day in range(5)
            for start, end in WEEKDAY_HOURS
        ]
        db.session.add(point)
        added += 1
    return [f"{added} service points"] if added else []


def sample_booking():
    """One booking tomorrow at a new service point (shared tests, benchmark)."""
    from datetime import datetime, timedelta

    from portal.consultations.models import ConsultationSlot
    from portal.consultations.services import BookingDetails, book
    from portal.core.clock import utcnow

    point = ServicePoint(
        code=f"SAMPLE-{utcnow():%H%M%S%f}",
        point_type="centre",
        name="示例服务点（演示）",
        name_en="Sample service point",
        address="（演示地址）",
        phone="0731-84000000",
        hours="9:00-17:00",
        services=SERVICES,
    )
    db.session.add(point)
    db.session.flush()
    start: datetime = (utcnow() + timedelta(days=1)).replace(second=0, microsecond=0)
    slot = ConsultationSlot(
        service_point_id=point.id, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=2
    )
    db.session.add(slot)
    db.session.flush()
    details = BookingDetails(
        slot_id=slot.id,
        name="周建国（演示）",
        # A mobile of its own per sample: one mobile holds at most 2 upcoming bookings.
        mobile=f"139{31 + db.session.scalar(select(func.count()).select_from(ConsultationBooking)):08d}",
        topic="labour",
        description="工资被拖欠（演示）。",
    )
    return book(point.id, details)


def assign_desk(user, code: str) -> None:
    """Give a desk user a service point (idempotent)."""
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.code == code))
    if point and not db.session.scalar(
        select(StaffServicePoint.id).where(
            StaffServicePoint.user_id == user.id, StaffServicePoint.service_point_id == point.id
        )
    ):
        db.session.add(StaffServicePoint(user_id=user.id, service_point_id=point.id))


DESK_USER = ("desk", "赵前台（演示）", ("CENTRE", "SJS-001"))


def seed_demo() -> list[str]:
    """Service points with opening hours, a desk login for two of them, and their slots."""
    added = seed_service_points()
    username, name, codes = DESK_USER
    desk = db.session.scalar(select(User).where(User.username == username))
    if desk is None:
        desk = create_staff_user(username, f"{username}-demo-2026", [DESK], name)
        added.append("1 desk account")
    db.session.flush()
    for code in codes:
        assign_desk(desk, code)
    db.session.commit()
    created = ensure_slots()
    db.session.commit()
    return added + ([f"{created} consultation slots"] if created else [])


def demo_logins() -> list[str]:
    username, _name, codes = DESK_USER
    return [f"  {username:<11} {username + '-demo-2026':<22} consultation_desk ({', '.join(codes)})"]
