"""Changsha County demo data: townships, holidays and the shared accounts; then each enabled
capability adds its own (its `seed_demo`).

Every person, phone number and application here is invented (the townships and their
NBS codes are real, SPEC §6). Running it twice adds nothing.
"""

from datetime import date

from sqlalchemy import select

from portal.accounts.models import AccountKind, User
from portal.accounts.roles import Role
from portal.accounts.services import create_staff_user
from portal.core.models import Holiday, Township
from portal.core.registry import capabilities
from portal.core.search_keys import township_keys
from portal.extensions import db

TOWNSHIPS = [
    ("430121001", "星沙街道", "Xingsha Subdistrict", None),
    ("430121002", "泉塘街道", "Quantang Subdistrict", None),
    ("430121003", "湘龙街道", "Xianglong Subdistrict", None),
    ("430121004", "㮾梨街道", "Langli Subdistrict", "榔梨街道"),
    ("430121005", "长龙街道", "Changlong Subdistrict", None),
    ("430121102", "黄兴镇", "Huangxing Town", None),
    ("430121104", "江背镇", "Jiangbei Town", None),
    ("430121105", "黄花镇", "Huanghua Town", None),
    ("430121106", "春华镇", "Chunhua Town", None),
    ("430121107", "果园镇", "Guoyuan Town", None),
    ("430121108", "路口镇", "Lukou Town", None),
    ("430121109", "高桥镇", "Gaoqiao Town", None),
    ("430121110", "金井镇", "Jinjing Town", None),
    ("430121111", "福临镇", "Fulin Town", None),
    ("430121112", "青山铺镇", "Qingshanpu Town", None),
    ("430121113", "安沙镇", "Ansha Town", None),
    ("430121114", "北山镇", "Beishan Town", None),
    ("430121116", "开慧镇", "Kaihui Town", None),
]

# Demo calendar for 2026-2027 (check against the State Council's notice before real use).
HOLIDAYS_OFF = {
    "元旦 New Year": [(2026, 1, 1), (2026, 1, 2), (2026, 1, 3), (2027, 1, 1)],
    "春节 Spring Festival": [(2026, 2, d) for d in range(15, 24)],
    "清明节 Qingming": [(2026, 4, 4), (2026, 4, 5), (2026, 4, 6)],
    "劳动节 Labour Day": [(2026, 5, d) for d in range(1, 6)],
    "端午节 Dragon Boat": [(2026, 6, 19), (2026, 6, 20), (2026, 6, 21)],
    "中秋节 Mid-Autumn": [(2026, 9, 25), (2026, 9, 26), (2026, 9, 27)],
    "国庆节 National Day": [(2026, 10, d) for d in range(1, 8)],
}
WORKDAYS = {"调休 exchanged working day": [(2026, 1, 4), (2026, 2, 14), (2026, 2, 28), (2026, 5, 9), (2026, 9, 20), (2026, 10, 10)]}

#: username, display name, roles. Every demo password is "<username>-demo-2026".
STAFF = [
    ("admin", "系统管理员", [Role.ADMIN]),
    ("supervisor", "王主任", [Role.SUPERVISOR]),
    ("lawyer", "陈律师（演示）", [Role.LAWYER]),
    ("lawyer2", "刘律师（演示）", [Role.LAWYER]),
]
RESIDENT_MOBILE = "13800000001"
RESIDENT_PASSWORD = "resident-demo-2026"  # noqa: S105 — published demo login


def demo_password(username: str) -> str:
    return f"{username}-demo-2026"


def seed_demo() -> str:
    """Load what is missing of the demo data and say what was added."""
    added = []
    added += _seed_townships()
    added += _seed_holidays()
    added += _seed_users()
    db.session.commit()
    logins = []
    for capability in capabilities():
        if capability.seed_demo:
            added += capability.seed_demo()
            db.session.commit()
        if capability.demo_logins:
            logins += capability.demo_logins()
    lines = ["Demo data: " + (", ".join(added) if added else "already loaded, nothing added")]
    lines.append("Demo logins (sign in at /staff/login):")
    lines += [f"  {u:<11} {demo_password(u):<22} {', '.join(r.value for r in roles)}" for u, _n, roles in STAFF]
    lines += logins
    lines.append(f"  resident: mobile {RESIDENT_MOBILE} / {RESIDENT_PASSWORD} at /account/login")
    return "\n".join(lines)


def _seed_townships() -> list[str]:
    existing = set(db.session.scalars(select(Township.code)))
    rows = [
        Township(code=code, name=name, name_en=name_en, alias=alias, sort_order=i)
        for i, (code, name, name_en, alias) in enumerate(TOWNSHIPS)
        if code not in existing
    ]
    for township in rows:
        township.search_keys = township_keys(township)
    db.session.add_all(rows)
    return [f"{len(rows)} townships"] if rows else []


def _seed_holidays() -> list[str]:
    existing = set(db.session.scalars(select(Holiday.day)))
    rows = []
    for names, is_workday in ((HOLIDAYS_OFF, False), (WORKDAYS, True)):
        for name, days in names.items():
            for y, m, d in days:
                if date(y, m, d) not in existing:
                    rows.append(Holiday(day=date(y, m, d), name=name, is_workday=is_workday))
    db.session.add_all(rows)
    return [f"{len(rows)} calendar days"] if rows else []


def _seed_users() -> list[str]:
    existing = set(db.session.scalars(select(User.username).where(User.username.is_not(None))))
    count = 0
    for username, name, roles in STAFF:
        if username not in existing:
            create_staff_user(username, demo_password(username), roles, name)
            count += 1
    if not db.session.scalar(select(User.id).where(User.mobile == RESIDENT_MOBILE)):
        resident = User(kind=AccountKind.RESIDENT, mobile=RESIDENT_MOBILE, display_name="赵红（演示）")
        resident.set_password(RESIDENT_PASSWORD)
        db.session.add(resident)
        count += 1
    return [f"{count} accounts"] if count else []
