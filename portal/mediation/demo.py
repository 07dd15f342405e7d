"""Mediation demo data: a committee per township, a coordinator, two mediators, cases in
several states. Every person, phone number and dispute here is invented."""

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.services import create_staff_user
from portal.core.clock import local_today
from portal.core.models import Township
from portal.core.services import perform
from portal.extensions import db
from portal.mediation.models import MediationCase, MediationCommittee
from portal.mediation.roles import COORDINATOR, MEDIATOR
from portal.mediation.services import Dispute, receive
from portal.mediation.vocabulary import DISPUTE_TYPES

STAFF = [
    ("mediation", "黄调解主任（演示）", COORDINATOR),
    ("mediator", "何调解员（演示）", MEDIATOR),
    ("mediator2", "罗调解员（演示）", MEDIATOR),
]

CASES = [
    # applicant, mobile, other party, other mobile, type, facts, claims, steps
    (
        "冯桂兰（演示）",
        "13900000041",
        "冯建军（演示）",
        "13900000051",
        "neighbours",
        "邻居在两家之间的通道上堆放杂物，雨天积水流入我家。",
        "清理通道杂物，修好排水沟。",
        [],
    ),
    (
        "许志强（演示）",
        "13900000042",
        "某装修公司（演示）",
        "13900000052",
        "consumer",
        "装修工期拖延两个月，部分瓷砖空鼓。",
        "返工空鼓瓷砖，赔偿延期损失三千元。",
        ["accept"],
    ),
    (
        "邓美玲（演示）",
        "13900000043",
        "邓小军（演示）",
        "13900000053",
        "family",
        "兄妹因父母老宅的居住和修缮费用分担发生争执。",
        "约定修缮费用分担方式。",
        ["accept", "start", "schedule"],
    ),
    (
        "曹国华（演示）",
        "13800000001",
        "曹某（演示）",
        "13900000054",
        "debt",
        "朋友借款两万元，约定半年归还，已逾期三个月。",
        "分期归还借款两万元。",
        ["accept", "start", "agreement"],
    ),
]


def sample_case() -> MediationCase:
    """One submitted case in the first township (shared tests, benchmark)."""
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    return receive(
        Dispute(
            applicant_name="冯桂兰（演示）",
            mobile="13900000041",
            township_id=township.id,
            other_name="冯建军（演示）",
            other_mobile="13900000051",
            dispute_type="neighbours",
            facts="通道堆放杂物。",
            claims="清理通道。",
            in_court=False,
            rights_read=True,
            applicant_private=True,
        )
    )


def seed_demo() -> list[str]:
    added = []
    townships = list(db.session.scalars(select(Township).order_by(Township.sort_order)))
    if not db.session.scalar(select(func.count()).select_from(MediationCommittee)):
        db.session.add_all(
            MediationCommittee(
                name=f"{t.name}人民调解委员会",
                name_en=f"{t.name_en} People's Mediation Committee",
                level="township",
                township_id=t.id,
            )
            for t in townships
        )
        added.append(f"{len(townships)} mediation committees")
    existing = set(db.session.scalars(select(User.username).where(User.username.is_not(None))))
    for username, name, role in STAFF:
        if username not in existing:
            create_staff_user(username, f"{username}-demo-2026", [role], name)
            added.append(f"mediation account {username}")
    db.session.flush()
    mediators = list(db.session.scalars(select(User).where(User.username.in_(("mediator", "mediator2")))))
    for committee in db.session.scalars(select(MediationCommittee)).unique():
        if not committee.mediators:
            committee.mediators = mediators
    if not db.session.scalar(select(func.count()).select_from(MediationCase.__table__)):
        added += _seed_cases(townships)
    return added


def _seed_cases(townships) -> list[str]:
    coordinator = db.session.scalar(select(User).where(User.username == "mediation"))
    mediator = db.session.scalar(select(User).where(User.username == "mediator"))
    resident = db.session.scalar(select(User).where(User.mobile == "13800000001"))
    for index, (name, mobile, other, other_mobile, kind, facts, claims, steps) in enumerate(CASES):
        township = townships[index % len(townships)]
        case = receive(
            Dispute(
                applicant_name=name,
                mobile=mobile,
                township_id=township.id,
                other_name=other,
                other_mobile=other_mobile,
                dispute_type=kind,
                facts=facts,
                claims=claims,
                in_court=False,
                rights_read=True,
                applicant_private=True,
            ),
            user=resident if resident is not None and mobile == resident.mobile else None,
        )
        committee = db.session.scalar(
            select(MediationCommittee).where(MediationCommittee.township_id == township.id)
        )
        for step in steps:
            if step == "accept":
                perform(
                    case,
                    "accept",
                    user=coordinator,
                    data={
                        "committee": committee.id,
                        "mediator": str(mediator.id),
                        "second_mediator": "",
                        "summary": str(DISPUTE_TYPES[kind]),
                    },
                )
            elif step == "start":
                perform(case, "start", user=mediator, data={"privacy": "private", "rights_read": True})
            elif step == "schedule":
                day = local_today() + timedelta(days=3)
                perform(
                    case,
                    "schedule_session",
                    user=mediator,
                    data={
                        "starts": datetime.combine(day, time(9, 30)),
                        "minutes": "60",
                        "place": f"{township.name}司法所调解室",
                    },
                )
            elif step == "agreement":
                perform(
                    case,
                    "record_agreement",
                    user=mediator,
                    data={
                        "agreement_form": "oral",
                        "reached_on": local_today(),
                        "facts": facts,
                        "obligor": "曹某",
                        "obligation": "每月底前归还五千元，四个月还清。",
                        "due_on": local_today() + timedelta(days=120),
                        "method": "银行转账",
                        "performance_method": "分四期银行转账",
                        "amount": 20000,
                    },
                )
        db.session.flush()
    return [f"{len(CASES)} mediation cases"]


def demo_logins() -> list[str]:
    return [f"  {u:<11} {u + '-demo-2026':<22} {role}" for u, _n, role in STAFF]
