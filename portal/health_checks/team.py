"""The team an enterprise can trust (SPEC §5, round 3): each member declares conflicts of
interest and accepts the confidentiality and no-soliciting pledge before opening the
enterprise's documents or findings; the enterprise may object to a member before the visit.
"""

from flask import current_app
from sqlalchemy import select

from portal.accounts.profiles import profile_of
from portal.accounts.roles import Role
from portal.core.access import works_queue
from portal.core.clock import utcnow
from portal.core.registry import kind_for_code
from portal.core.services import record_event
from portal.core.workflow import APPLICANT
from portal.extensions import db
from portal.health_checks.models import HealthCheck, TeamMember
from portal.health_checks.states import HealthCheckState as S
from portal.health_checks.vocabulary import DEFAULT_PLEDGE

#: Before the visit the enterprise may still object to a member.
OBJECTION_STATES = frozenset({S.TEAM_ASSIGNED, S.SCHEDULED})


def pledge_text() -> str:
    """The pledge members accept: the setting, else the plain-words default."""
    return current_app.config.get("HEALTH_CHECK_PLEDGE_TEXT") or str(DEFAULT_PLEDGE)


def organiser() -> str:
    return current_app.config.get("HEALTH_CHECK_ORGANISER") or current_app.config.get("SITE_OWNER", "")


def firm_of(user) -> str:
    profile = profile_of(user)
    return (profile.firm or "") if profile is not None else ""


def conflicted_user_ids(enterprise_id: int) -> set[int]:
    """Lawyers who declared a conflict with this enterprise on any of its checks."""
    return set(
        db.session.scalars(
            select(TeamMember.user_id)
            .join(HealthCheck, HealthCheck.id == TeamMember.check_id)
            .where(HealthCheck.enterprise_id == enterprise_id, TeamMember.conflict == "declared")
        )
    )


def may_open(user, check: HealthCheck) -> bool:
    """Coordinators and supervisors; a team member only once they declared no conflict and pledged."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.SUPERVISOR) or works_queue(user, kind_for_code("HC")):
        return True
    member = check.member_of(user)
    return member is not None and member.may_open


def declare_conflict(member: TeamMember, by, note: str) -> None:
    """A declared conflict takes the member off the team; the coordinator sees why."""
    member.conflict = "declared"
    member.conflict_note = note
    member.declared_at = utcnow()
    member.removed_reason = "conflict"
    member.is_lead = False
    record_event(member_check(member), "conflict_declared", user=by, comment=note)


def accept_pledge(member: TeamMember, by) -> None:
    """No conflict declared and the pledge accepted, as the text reads now."""
    now = utcnow()
    member.conflict = "none"
    member.declared_at = now
    member.pledge_text = pledge_text()
    member.pledged_at = now
    record_event(member_check(member), "pledged", user=by, comment=by.display_name)


def object_to(member: TeamMember, by, text: str) -> None:
    member.objection = text
    member.objected_at = utcnow()
    record_event(
        member_check(member), "objection", user=by, actor_type=APPLICANT, comment=text, audience=APPLICANT
    )


def decide_objection(member: TeamMember, by, upheld: bool, reasons: str) -> None:
    """The coordinator decides, with reasons the enterprise reads; upheld takes the member off."""
    member.objection_decision = "upheld" if upheld else "dismissed"
    member.objection_reasons = reasons
    member.objection_decided_at = utcnow()
    if upheld:
        member.removed_reason = "objection"
        member.is_lead = False
    record_event(member_check(member), "objection_decided", user=by, comment=reasons, audience=APPLICANT)


def member_check(member: TeamMember) -> HealthCheck:
    return db.session.get(HealthCheck, member.check_id)


def pledges_named(check: HealthCheck) -> str:
    """Who pledged and when, for a breach report."""
    from portal.core.clock import to_local

    return "；".join(
        f"{m.user.display_name} {to_local(m.pledged_at):%Y-%m-%d %H:%M}"
        for m in check.team
        if m.pledged_at is not None
    )
