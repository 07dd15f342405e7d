"""Demo service points of Changsha County: the county centre, 18 justice offices, a studio.

Addresses and phone numbers are invented (演示); the opening pattern follows SPEC §4.
"""

from datetime import time

from sqlalchemy import select

from portal.consultations.models import ServicePoint, SlotTemplate, StaffServicePoint
from portal.core.models import Township
from portal.extensions import db

WEEKDAY_HOURS = [(time(9, 0), time(11, 30)), (time(14, 0), time(17, 0))]
SERVICES = "法律咨询、法律援助申请受理、人民调解、公证咨询（演示）"


def _point_rows():
    yield ("CENTRE", "centre", "长沙县公共法律服务中心", "Changsha County Public Legal Service Centre", None,
           "星沙街道开元路（演示地址）", "0731-8400 0000", 2)
    for township in db.session.scalars(select(Township).order_by(Township.sort_order)):
        short = township.name.removesuffix("街道").removesuffix("镇")
        yield (f"SJS-{township.code[-3:]}", "justice_office", f"{short}司法所",
               f"{township.name_en.replace(' Subdistrict', '').replace(' Town', '')} Justice Office", township.id,
               f"{township.name}政府院内（演示地址）", f"0731-8400 {township.code[-3:]}0", 1)
    yield ("STUDIO-LENS", "mediation_studio", "驻企调解工作室（经开区）", "Enterprise Mediation Studio (Economic Development Zone)",
           None, "经开区（演示地址）", "0731-8400 9999", 1)


def seed_service_points() -> list[str]:
    """Add missing service points with weekday templates; returns what was added."""
    existing = set(db.session.scalars(select(ServicePoint.code)))
    added = 0
    for order, (code, kind, name, name_en, township_id, address, phone, capacity) in enumerate(_point_rows()):
        if code in existing:
            continue
        point = ServicePoint(
            code=code, kind=kind, name=name, name_en=name_en, township_id=township_id, address=address,
            phone=phone, hours="周一至周五 9:00-11:30, 14:00-17:00", services=SERVICES, sort_order=order,
        )
        point.templates = [
            SlotTemplate(weekday=day, start_time=start, end_time=end, slot_minutes=30, capacity=capacity)
            for day in range(5)
            for start, end in WEEKDAY_HOURS
        ]
        db.session.add(point)
        added += 1
    return [f"{added} service points"] if added else []


def assign_desk(user, code: str) -> None:
    """Give a desk user a service point (idempotent)."""
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.code == code))
    if point and not db.session.scalar(
        select(StaffServicePoint.id).where(StaffServicePoint.user_id == user.id, StaffServicePoint.service_point_id == point.id)
    ):
        db.session.add(StaffServicePoint(user_id=user.id, service_point_id=point.id))
