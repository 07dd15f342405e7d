"""Legal aid demo data: two officers and applications in several states (all invented)."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.services import create_staff_user
from portal.core.clock import local_today, utcnow
from portal.core.identity import parse_resident_id
from portal.core.models import Township
from portal.core.services import claim, perform, submit
from portal.extensions import db
from portal.legal_aid.matters import NO_AUTHORITY
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.notices import RESIDENT_ID, NoticeDetails, Person, register_notice
from portal.legal_aid.roles import OFFICER, REVIEWER

OFFICERS = [("officer", "张敏"), ("officer2", "李强")]
#: The justice bureau's reviewer of objections (Art. 49).
REVIEWERS = [("reviewer", "赵科长")]
#: Who handles a case at each stage (Art. 38), for the samples.
AUTHORITY_AT_STAGE = {
    "arbitration": "arbitration",
    "first_instance": "court",
    "second_instance": "court",
    "enforcement": "court",
    "investigation": "police",
    "prosecution_review": "procuratorate",
    "criminal_trial": "court",
}
#: The demo resident's mobile (created by the core demo data).
RESIDENT_MOBILE = "13800000001"

SAMPLES = [
    # name, mobile, ID, township code, matter, stage, facts, urgent, steps
    (
        "周建国（演示）",
        "13900000011",
        "430121199001011237",
        "430121001",
        "labour",
        "arbitration",
        "在星沙某建筑工地务工八个月，包工头拖欠工资共计三万六千元，多次讨要未果。",
        False,
        [],
    ),
    (
        "吴秀英（演示）",
        "13900000012",
        "11010519491231002X",
        "430121102",
        "family_support",
        "pre_litigation",
        "本人七十六岁，三个子女均不支付赡养费，无固定收入，生活困难，希望起诉要求支付赡养费。",
        False,
        ["claim"],
    ),
    (
        "郑小龙（演示）",
        "13900000013",
        "440524188001010014",
        "430121109",
        "personal_injury",
        "first_instance",
        "骑电动车被货车撞伤，左腿骨折，对方保险公司拒绝赔偿，诉讼时效即将届满。",
        True,
        ["claim", "approve"],
    ),
    (
        "孙丽（演示）",
        "13800000001",
        "430121199001011237",
        "430121004",
        "labour",
        "pre_litigation",
        "在榔梨一家工厂工作两年，公司未签劳动合同也未缴社保，现被辞退，要求确认劳动关系。",
        False,
        ["claim", "request_materials"],
    ),
]


def new_application(
    name: str,
    mobile: str,
    id_number: str,
    township_id: int,
    matter: str,
    stage: str,
    facts: str,
    urgent: bool = False,
) -> LegalAidApplication:
    """An application as the form would build it (household of 3 on 2,400 yuan a month)."""
    parsed = parse_resident_id(id_number)
    return LegalAidApplication(
        applicant_name=name,
        applicant_mobile=mobile,
        township_id=township_id,
        id_number=parsed.number,
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        address="长沙县（演示地址）",
        matter_type=matter,
        stage=stage,
        handling_authority=AUTHORITY_AT_STAGE.get(stage, NO_AUTHORITY),
        facts=facts,
        urgent=urgent,
        hardship_rule="income",
        household_size=3,
        monthly_income=2400,
        pledge_accepted_at=utcnow(),
        consent_accepted_at=utcnow(),
    )


def sample_application() -> LegalAidApplication:
    """One submitted application in the first township (shared tests, benchmark)."""
    name, mobile, id_number, _code, matter, stage, facts, urgent, _steps = SAMPLES[0]
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    return submit(new_application(name, mobile, id_number, township.id, matter, stage, facts, urgent))


def seed_demo() -> list[str]:
    """Add the officers and sample applications that are missing."""
    added = []
    existing = set(db.session.scalars(select(User.username).where(User.username.is_not(None))))
    officers = [u for u, _n in OFFICERS if u not in existing]
    for username, name in OFFICERS:
        if username in officers:
            create_staff_user(username, f"{username}-demo-2026", [OFFICER], name)
    if officers:
        added.append(f"{len(officers)} legal aid officers")
    reviewers = [u for u, _n in REVIEWERS if u not in existing]
    for username, name in REVIEWERS:
        if username in reviewers:
            create_staff_user(username, f"{username}-demo-2026", [REVIEWER], name)
    if reviewers:
        added.append(f"{len(reviewers)} bureau reviewer")
    if not db.session.scalar(select(func.count()).select_from(LegalAidApplication.__table__)):
        added += _seed_applications()
    return added


def _seed_applications() -> list[str]:
    townships = {t.code: t.id for t in db.session.scalars(select(Township))}
    officer = db.session.scalar(select(User).where(User.username == "officer"))
    resident = db.session.scalar(select(User).where(User.mobile == RESIDENT_MOBILE))
    for name, mobile, id_number, township, matter, stage, facts, urgent, steps in SAMPLES:
        application = new_application(
            name, mobile, id_number, townships[township], matter, stage, facts, urgent
        )
        submit(application, user=resident if mobile == RESIDENT_MOBILE else None)
        for step in steps:
            if step == "claim":
                claim(application, officer)
            elif step == "approve":
                perform(application, "approve", user=officer, data={}, comment="材料齐全，符合条件。")
            elif step == "request_materials":
                perform(
                    application,
                    "request_materials",
                    user=officer,
                    data={"items": ["income_proof", "dispute_evidence"], "other_items": ""},
                )
        db.session.flush()
    _seed_notice(officer, townships)
    return [f"{len(SAMPLES)} legal aid applications", "1 notice of defence (Art. 26 case)"]


def _seed_notice(officer: User, townships: dict) -> LegalAidApplication:
    """A court's notice in a case with a possible life sentence: only senior lawyers are offered."""
    return register_notice(
        NoticeDetails(
            authority="长沙县人民法院",
            case_number="（2026）湘0121刑初88号",
            document_date=local_today(),
            received_on=local_today(),
            ground="life_or_death",
            stage="criminal_trial",
            charge="故意杀人罪",
            custody="detained",
            person=Person(
                name="孙某（演示）",
                id_type=RESIDENT_ID,
                resident_id=parse_resident_id("430121198503120033"),
            ),
            detention_place="长沙县看守所",
            township_id=next(iter(townships.values())),
            contact_mobile="13900000088",
            facts="被告人未委托辩护人，可能被判处无期徒刑。",
        ),
        officer=officer,
    )


def demo_logins() -> list[str]:
    return [
        *(f"  {u:<11} {u + '-demo-2026':<22} legal_aid_officer" for u, _n in OFFICERS),
        *(f"  {u:<11} {u + '-demo-2026':<22} bureau_reviewer" for u, _n in REVIEWERS),
    ]
