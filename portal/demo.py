"""Changsha County demo data: townships, the official holidays and the shared accounts;
then each enabled capability adds its own (its `seed_demo`).

Every person, phone number and application here is invented (the townships and their
NBS codes are real, SPEC §6). Running it twice adds nothing.
"""

from sqlalchemy import select

from portal.accounts.models import AccountType, User
from portal.accounts.profiles import profile_of, save_profile, years_ago
from portal.accounts.roles import Role
from portal.accounts.services import create_staff_user
from portal.core.clock import local_today, utcnow
from portal.core.holidays import import_known_years
from portal.core.models import Township
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

#: username, display name, roles. Every demo password is "<username>-demo-2026".
STAFF = [
    ("admin", "系统管理员", [Role.ADMIN]),
    ("supervisor", "王主任", [Role.SUPERVISOR]),
    ("lawyer", "陈律师（演示）", [Role.LAWYER]),
    ("lawyer2", "刘律师（演示）", [Role.LAWYER]),
]
#: The demo lawyers' legal-service profiles: one practising for years, one junior
#: (practising since a year before the demo data was loaded). Firms and numbers are invented.
PROFILES = {
    "lawyer": {
        "profession": "lawyer",
        "licence_number": "14301201510012345",
        "practising_since": lambda: years_ago(9),
        "criminal_practice_since": lambda: years_ago(6),
        "familiar_with_minors": True,
        "firm": "湖南星沙律师事务所（演示）",
        "work_phone": "0731-84010001",
        "specialties": ["labour", "contracts", "governance", "criminal"],
    },
    "lawyer2": {
        "profession": "lawyer",
        "licence_number": "14301202410054321",
        "practising_since": lambda: years_ago(1),
        "firm": "湖南榔梨律师事务所（演示）",
        "work_phone": "0731-84010002",
        "specialties": ["ip", "data", "tax", "family"],
    },
}
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
    db.session.flush()
    added += _seed_profiles()
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
    lines += [
        f"  {u:<11} {demo_password(u):<22} {', '.join(r.value for r in roles)}" for u, _n, roles in STAFF
    ]
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
    """The official calendar (chinesecalendar) of last year to next year, as far as the
    package knows it; a year it does not know yet is left for import-holidays."""
    this_year = local_today().year
    added = sum(r.added for r in import_known_years(range(this_year - 1, this_year + 2)))
    return [f"{added} calendar days"] if added else []


def _seed_users() -> list[str]:
    existing = set(db.session.scalars(select(User.username).where(User.username.is_not(None))))
    count = 0
    for username, name, roles in STAFF:
        if username not in existing:
            create_staff_user(username, demo_password(username), roles, name)
            count += 1
    if not db.session.scalar(select(User.id).where(User.mobile == RESIDENT_MOBILE)):
        resident = User(
            account_type=AccountType.RESIDENT,
            mobile=RESIDENT_MOBILE,
            display_name="赵红（演示）",
            mobile_verified_at=utcnow(),
        )  # the demo resident has proved it
        resident.set_password(RESIDENT_PASSWORD)
        db.session.add(resident)
        count += 1
    return [f"{count} accounts"] if count else []


def _seed_profiles() -> list[str]:
    """The demo lawyers' legal-service profiles (kept as they are once there)."""
    count = 0
    for username, values in PROFILES.items():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None or profile_of(user) is not None:
            continue
        save_profile(user, **{key: value() if callable(value) else value for key, value in values.items()})
        count += 1
    return [f"{count} legal-service profiles"] if count else []
