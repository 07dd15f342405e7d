"""Demo villages, advisers, assignments, service log and contact requests (all invented).

Each township of the county gets a few villages and communities and two advisers; the
demo lawyer account "lawyer" is linked to one adviser so that the participant's view of
the AC queue can be tried. Running it twice adds nothing.
"""

from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.services import create_staff_user
from portal.advisers import services
from portal.advisers.models import Adviser, AdviserContact, Village
from portal.advisers.roles import ADVISER_ADMIN
from portal.core.clock import local_today
from portal.core.models import Township
from portal.core.services import submit
from portal.extensions import db

ADMIN_USERNAME = "advisers"
ADMIN_PASSWORD = "advisers-demo-2026"  # noqa: S105  (demo only, printed by seed-demo)
#: Invented village and community names, a few per township in the county's order.
VILLAGES = [
    ("松雅社区", "金茂社区", "星城村"),
    ("泉塘社区", "东山村", "螺丝塘村"),
    ("湘龙社区", "龙华村", "石门村"),
    ("㮾梨社区", "临湘村", "花园村"),
    ("长龙社区", "龙塘村", "新沙村"),
    ("黄兴社区", "蓝田村", "金龙村"),
    ("江背社区", "五福村", "印山村"),
    ("黄花社区", "回龙村", "杉树村"),
    ("春华社区", "九木村", "龙王村"),
    ("果园社区", "花果村", "浔龙河村"),
    ("路口社区", "明月村", "上杉村"),
    ("高桥社区", "天华村", "金鼎村"),
    ("金井社区", "观佳村", "湘丰村"),
    ("福临社区", "影珠村", "金坪村"),
    ("青山铺社区", "天华山村", "洞庭村"),
    ("安沙社区", "和平村", "毛塘村"),
    ("北山社区", "石岭村", "万福村"),
    ("开慧社区", "葛家村", "白沙村"),
]
SURNAMES = "陈李王张刘杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = (
    "明",
    "芳",
    "伟",
    "静",
    "强",
    "丽",
    "军",
    "敏",
    "磊",
    "燕",
    "勇",
    "娟",
    "涛",
    "霞",
    "斌",
    "兰",
    "鹏",
    "琴",
)
FIRMS = (
    "湘星律师事务所（演示）",
    "松雅律师事务所（演示）",
    "临湘法律服务所（演示）",
    "星城律师事务所（演示）",
)
SCHEDULES = ("每月第二个周三上午在村（社区）部坐班", "每月第一、三个周五下午驻村", "每周二上午在社区服务站")
SPECIALTIES = ("婚姻家庭、土地承包", "劳动争议、合同纠纷", "邻里纠纷、人身损害赔偿", "征地拆迁、村务管理")


def seed_adviser_demo() -> list[str]:
    """Add the demo adviser directory when the county has no villages yet."""
    added = _seed_admin()
    if db.session.scalar(select(func.count()).select_from(Village)):
        return added
    townships = list(db.session.scalars(select(Township).order_by(Township.sort_order)))
    lawyer = db.session.scalar(select(User).where(User.username == "lawyer"))
    today = local_today()
    adviser_count = 0
    for index, township in enumerate(townships):
        names = VILLAGES[index % len(VILLAGES)]
        villages = [
            services.save_village(
                Village(
                    township_id=township.id,
                    name=name,
                    village_type="community" if name.endswith("社区") else "village",
                    is_demo=True,
                )
            )
            for name in names
        ]
        advisers = []
        for k in range(2):
            n = index * 2 + k
            adviser = services.save_adviser(
                Adviser(
                    name=SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + ("华" if k else ""),
                    profession="lawyer" if k == 0 else "legal_worker",
                    law_firm=FIRMS[n % len(FIRMS)],
                    work_phone=f"139000{index + 10:02d}{k + 1:03d}",
                    schedule=SCHEDULES[n % len(SCHEDULES)],
                    specialties=SPECIALTIES[n % len(SPECIALTIES)],
                    is_demo=True,
                    user_id=lawyer.id if (lawyer and n == 0) else None,
                )
            )
            advisers.append(adviser)
            adviser_count += 1
        for v, village in enumerate(villages):
            start = today - timedelta(days=400)
            if v == 2:  # history: the village changed adviser this year
                services.assign(village, advisers[0], start=start)
                services.assign(village, advisers[1], start=today - timedelta(days=90))
            else:
                services.assign(village, advisers[v % 2], start=start)
            adviser = advisers[1] if v == 2 else advisers[v % 2]
            services.log_service(
                adviser,
                service_type="resident_service",
                served_on=today - timedelta(days=7 + v),
                count=3,
                village_id=village.id,
            )
            services.log_service(
                adviser,
                service_type="education",
                served_on=today - timedelta(days=30 + v),
                count=1,
                village_id=village.id,
                description="法治讲座（演示）",
            )
    added.append(f"{sum(len(v) for v in VILLAGES[: len(townships)])} villages, {adviser_count} advisers")
    added += _seed_contacts()
    return added


def _seed_admin() -> list[str]:
    if db.session.scalar(select(User.id).where(User.username == ADMIN_USERNAME)):
        return []
    create_staff_user(ADMIN_USERNAME, ADMIN_PASSWORD, [ADVISER_ADMIN], "周管理员（演示）")
    return ["1 adviser administrator"]


def _seed_contacts() -> list[str]:
    first = db.session.scalar(select(Village).order_by(Village.id))
    assignment = services.current_assignment(first.id) if first else None
    if assignment is None:
        return []
    contact = AdviserContact(
        applicant_name="钱大伯（演示）",
        applicant_mobile="13900000021",
        township_id=first.township_id,
        adviser_id=assignment.adviser_id,
        village_id=first.id,
        topic="land",
        description="承包地边界与邻居有争议，想请顾问律师来村里看看。",
        preferred_time="weekday_morning",
    )
    submit(contact)
    return ["1 adviser contact request"]


def sample_contact() -> AdviserContact:
    """One submitted contact request to a new adviser of a new village (shared tests, benchmark)."""
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    village = services.save_village(Village(township_id=township.id, name="示例村（演示）"))
    adviser = services.save_adviser(
        Adviser(name="示例律师（演示）", law_firm="示例律师事务所", work_phone="0731-84000000")
    )
    services.assign(village, adviser)
    contact = AdviserContact(
        applicant_name="钱大伯（演示）",
        applicant_mobile="13900000021",
        township_id=township.id,
        adviser_id=adviser.id,
        village_id=village.id,
        topic="land",
        description="承包地边界争议。",
        preferred_time="weekday_morning",
    )
    return submit(contact)


def adviser_demo_logins() -> list[str]:
    return [f"  {ADMIN_USERNAME:<11} {ADMIN_PASSWORD:<22} adviser_admin (lawyer is also village adviser)"]
