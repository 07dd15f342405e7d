"""Health-check demo data: a coordinator, two enterprises with verified clerks, and one
check with a published report. Every company, person and finding here is invented."""

from datetime import time, timedelta

from sqlalchemy import func, select

from portal.accounts.enterprises import Enterprise, EnterpriseMember, MemberStatus, join_enterprise
from portal.accounts.models import AccountType, User
from portal.accounts.services import create_staff_user, register_public_account
from portal.core.clock import local_today, utcnow
from portal.core.identity import uscc_check_char
from portal.core.models import Township
from portal.core.services import perform
from portal.extensions import db
from portal.health_checks.models import HealthCheck
from portal.health_checks.roles import COORDINATOR
from portal.health_checks.services import CheckRequest, FindingDetails, add_finding, request_check
from portal.health_checks.team import accept_pledge

COORDINATOR_LOGIN = ("healthcheck", "healthcheck-demo-2026", "孙协调员（演示）")
ENTERPRISES = [
    # name, clerk, clerk's mobile, industry, employees (credit codes are made by demo_uscc)
    ("长沙星沙精工机械有限公司（演示）", "唐会计（演示）", "13800000011", "机械制造", 120),
    ("长沙县绿源农业科技有限公司（演示）", "易经理（演示）", "13800000012", "农业科技", 35),
]
CLERK_PASSWORD = "enterprise-demo-2026"  # noqa: S105  (published demo login)


def sample_check() -> HealthCheck:
    """One submitted check by a verified member of a new enterprise (shared tests, benchmark)."""
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    count = db.session.scalar(select(func.count()).select_from(Enterprise)) or 0
    clerk = register_public_account(
        AccountType.ENTERPRISE,
        f"1370000{count:04d}",
        "示例企业联系人（演示）",
        "sample-enterprise-2026",
        company_name="示例企业（演示）",
    )
    db.session.flush()
    member = join_enterprise(clerk, "示例企业（演示）", demo_uscc(900 + count))
    member.status = MemberStatus.VERIFIED
    db.session.flush()
    return request_check(
        member.enterprise,
        clerk,
        CheckRequest(
            areas=["labour", "contracts"],
            mode="onsite",
            preferred_dates=None,
            notes=None,
            answers={"labour": "no"},
            industry="制造业",
            employees=50,
            township_id=township.id,
            park=None,
        ),
        locale="zh_Hans",
    )


def demo_uscc(n: int) -> str:
    """A structurally valid, invented credit code (a Changsha County company, number n)."""
    body = f"91430121MA4L{n:05d}"
    return body + uscc_check_char(body)


def seed_demo() -> list[str]:
    added = []
    username, password, name = COORDINATOR_LOGIN
    if not db.session.scalar(select(User.id).where(User.username == username)):
        create_staff_user(username, password, [COORDINATOR], name)
        added.append("1 health check coordinator")
    if db.session.scalar(select(func.count()).select_from(Enterprise)):
        return added
    members = []
    for index, (company, clerk_name, mobile, industry, employees) in enumerate(ENTERPRISES):
        clerk = db.session.scalar(select(User).where(User.mobile == mobile))
        if clerk is None:
            clerk = register_public_account(
                AccountType.ENTERPRISE, mobile, clerk_name, CLERK_PASSWORD, company_name=company
            )
            db.session.flush()
        member = join_enterprise(clerk, company, demo_uscc(index + 1))
        member.status = MemberStatus.VERIFIED
        member.decided_at = utcnow()
        member.enterprise.industry, member.enterprise.employees = industry, employees
        members.append(member)
    db.session.flush()
    added.append(f"{len(members)} demo enterprises")
    added += _seed_published(members[0])
    added += _seed_team_assigned(members[1])
    return added


def _seed_team_assigned(member: EnterpriseMember) -> list[str]:
    """A check whose team is assigned but has not yet declared and pledged: the lawyer
    (lawyer2) sees the pledge step, and the enterprise sees who has not pledged yet."""
    coordinator = db.session.scalar(select(User).where(User.username == COORDINATOR_LOGIN[0]))
    lawyer2 = db.session.scalar(select(User).where(User.username == "lawyer2"))
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    if coordinator is None or lawyer2 is None:
        return []
    check = request_check(
        member.enterprise,
        member.user,
        CheckRequest(
            areas=["labour", "data"],
            mode="remote",
            preferred_dates=None,
            notes=None,
            answers={"labour": "yes", "data": "unsure"},
            industry=member.enterprise.industry or "农业科技",
            employees=member.enterprise.employees or 35,
            township_id=township.id,
            park=None,
        ),
        locale="zh_Hans",
    )
    perform(check, "accept", user=coordinator)
    perform(check, "assign_team", user=coordinator, data={"lead": str(lawyer2.id), "members": []})
    return ["1 health check waiting for its team's pledge"]


def _seed_published(member: EnterpriseMember) -> list[str]:
    coordinator = db.session.scalar(select(User).where(User.username == COORDINATOR_LOGIN[0]))
    lawyer = db.session.scalar(select(User).where(User.username == "lawyer"))
    lawyer2 = db.session.scalar(select(User).where(User.username == "lawyer2"))
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    if coordinator is None or lawyer is None:
        return []
    check = request_check(
        member.enterprise,
        member.user,
        CheckRequest(
            areas=["labour", "contracts", "governance"],
            mode="onsite",
            preferred_dates="三月下旬工作日上午",
            notes=None,
            answers={"labour": "no", "contracts": "unsure", "governance": "yes"},
            industry="机械制造",
            employees=120,
            township_id=township.id,
            park="长沙经开区",
        ),
        locale="zh_Hans",
    )
    perform(check, "accept", user=coordinator)
    perform(
        check,
        "assign_team",
        user=coordinator,
        data={
            "lead": str(lawyer.id),
            "members": [str(lawyer2.id)] if lawyer2 else [],
            "partners": ["industry"],
        },
    )
    for team_member in check.team:
        accept_pledge(team_member, team_member.user)
    perform(
        check,
        "schedule_visit",
        user=coordinator,
        data={
            "day": local_today() + timedelta(days=1),
            "start": time(9, 30),
            "place": "星沙开元路（演示地址）",
        },
    )
    perform(check, "start_report", user=lawyer)
    add_finding(
        check,
        lawyer,
        FindingDetails(
            "labour",
            "high",
            "12 名一线员工入职超过一个月仍未签订书面劳动合同。",
            "《劳动合同法》第八十二条",
            "一个月内补签书面劳动合同，并核查应付的二倍工资。",
            local_today() + timedelta(days=30),
        ),
    )
    add_finding(
        check,
        lawyer,
        FindingDetails(
            "contracts",
            "medium",
            "采购合同未约定质量异议期限。",
            "《民法典》第六百二十一条",
            "修订采购合同范本，约定检验和异议期限。",
            None,
        ),
    )
    perform(
        check,
        "publish",
        user=coordinator,
        data={"confirm_empty": False, "documents_seen": "公司章程、20 份劳动合同、印章使用登记簿（演示）"},
    )
    return ["1 published health check report"]


def demo_logins() -> list[str]:
    username, password, _name = COORDINATOR_LOGIN
    lines = [f"  {username:<11} {password:<22} health_check_coordinator"]
    lines += [
        f"  enterprise: mobile {mobile} / {CLERK_PASSWORD} at /account/login (verified clerk)"
        for _c, _n, mobile, _i, _e in ENTERPRISES
    ]
    return lines
