"""Test data for the adviser directory (helpers only: no tests here)."""

from datetime import date

from sqlalchemy import select

from portal.advisers import services
from portal.advisers.models import Adviser, Village
from portal.core.models import Township
from portal.extensions import db


def township(code: str) -> Township:
    return db.session.scalar(select(Township).where(Township.code == code))


def make_village(name: str, code: str = "430121001", village_type: str | None = None) -> Village:
    village_type = village_type or ("community" if name.endswith("社区") else "village")
    return services.save_village(Village(name=name, village_type=village_type, township_id=township(code).id))


def make_adviser(name: str, phone: str = "13900001001", **fields) -> Adviser:
    values = {
        "profession": "lawyer",
        "law_firm": "测试律师事务所",
        "work_phone": phone,
        "schedule": "每月第二个周三上午",
    }
    values.update(fields)
    return services.save_adviser(Adviser(name=name, **values))


def directory() -> dict:
    """星沙: 金龙村 (陈明), 金龙湾社区 (陈明); 㮾梨: 老金龙村 (王芳); 黄兴: 星沙村 (no adviser)."""
    chen = make_adviser("陈明", "13900001001", specialties="土地承包")
    wang = make_adviser("王芳", "0731-84000001")
    villages = {
        "金龙村": make_village("金龙村", "430121001"),
        "金龙湾社区": make_village("金龙湾社区", "430121001"),
        "老金龙村": make_village("老金龙村", "430121004"),
        "星沙村": make_village("星沙村", "430121102"),
    }
    start = date(2025, 1, 1)
    services.assign(villages["金龙村"], chen, start=start)
    services.assign(villages["金龙湾社区"], chen, start=start)
    services.assign(villages["老金龙村"], wang, start=start)
    db.session.commit()
    return {"chen": chen, "wang": wang, **villages}
