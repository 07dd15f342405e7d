"""The health check's status machine (SPEC §5) and its consequences, declared once.

submitted → accepted → team_assigned → scheduled → in_review → report_published →
closed, or a follow-up cycle (follow_up_requested → follow_up_scheduled → closed);
declined with reasons; cancelled by the enterprise.
"""

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.clock import from_local
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter, RequestKind
from portal.core.services import EVENT_COMMENT
from portal.core.workflow import APPLICANT, GuardFailed, State, Transition, Workflow
from portal.extensions import db
from portal.health_checks import forms, samples
from portal.health_checks.demo import sample_check
from portal.health_checks.figures import REPORT_FILTERS
from portal.health_checks.models import Finding, HealthCheck, Report, TeamMember
from portal.health_checks.report_facts import report_facts
from portal.health_checks.roles import COORDINATOR
from portal.health_checks.states import HealthCheckState as S
from portal.health_checks.vocabulary import AREAS, PARTNERS, RISK_LEVELS

COORDINATORS = frozenset({COORDINATOR})
BEFORE_VISIT = frozenset({S.SUBMITTED, S.ACCEPTED, S.TEAM_ASSIGNED, S.SCHEDULED})

STATES = (
    State(
        S.SUBMITTED,
        _l("Submitted"),
        public_hint=_l("Received. The coordinator answers within a few working days."),
    ),
    State(S.ACCEPTED, _l("Accepted"), public_hint=_l("Accepted. A lawyer team is being put together.")),
    State(
        S.TEAM_ASSIGNED,
        _l("Team assigned"),
        public_hint=_l("A lawyer team is assigned; the visit date follows."),
    ),
    State(
        S.SCHEDULED,
        _l("Visit scheduled"),
        public_hint=_l("The visit is scheduled: see the date and place below."),
    ),
    State(S.IN_REVIEW, _l("Report in preparation"), public_hint=_l("The lawyers are writing the report.")),
    State(
        S.REPORT_PUBLISHED,
        _l("Report published"),
        public_hint=_l(
            "The report is ready: read it, and mark findings as fixed when you have dealt with them."
        ),
    ),
    State(
        S.FOLLOW_UP_REQUESTED,
        _l("Follow-up requested"),
        public_hint=_l("You asked for a follow-up visit; the team proposes a date."),
    ),
    State(
        S.FOLLOW_UP_SCHEDULED,
        _l("Follow-up scheduled"),
        public_hint=_l("The follow-up visit is scheduled: see the date and place below."),
    ),
    State(S.CLOSED, _l("Closed"), is_open=False),
    State(S.DECLINED, _l("Declined"), is_open=False),
    State(S.CANCELLED, _l("Cancelled"), is_open=False),
)


def follow_up_unrecorded(check: HealthCheck, now) -> object | None:
    """Every finding needs its follow-up result before the follow-up is closed."""
    if any(f.follow_up_result is None for f in check.findings):
        return _l("Record for every finding whether it is resolved (on the findings page) before closing.")
    return None


VISIT_NOTICE = _l(
    "Legal health check %(reference)s: the lawyers come on %(when)s, at %(place)s. Add it to your calendar from the tracking page."
)

TRANSITIONS = (
    Transition(
        "accept",
        frozenset({S.SUBMITTED}),
        S.ACCEPTED,
        _l("Accept"),
        roles=COORDINATORS,
        handler_only=False,
        notice=_l("Your legal health check %(reference)s is accepted. A lawyer team will be assigned."),
    ),
    Transition(
        "decline",
        frozenset({S.SUBMITTED, S.ACCEPTED}),
        S.DECLINED,
        _l("Decline"),
        roles=COORDINATORS,
        handler_only=False,
        form=forms.ReasonForm,
        style="danger",
        notice=_l("Your legal health check %(reference)s is declined: %(reason)s"),
    ),
    Transition(
        "assign_team",
        # Again before the visit is set, e.g. when a member declared a conflict.
        frozenset({S.ACCEPTED, S.TEAM_ASSIGNED}),
        S.TEAM_ASSIGNED,
        _l("Assign the lawyer team"),
        roles=COORDINATORS,
        handler_only=False,
        form=forms.TeamForm,
        notice=_l(
            "The lawyer team for %(reference)s is led by %(lead)s. The team pledges not to use the check to offer paid services."
        ),
    ),
    Transition(
        "schedule_visit",
        frozenset({S.TEAM_ASSIGNED, S.SCHEDULED}),
        S.SCHEDULED,
        _l("Schedule the visit"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        form=forms.VisitForm,
        notice=VISIT_NOTICE,
    ),
    Transition(
        "start_report",
        frozenset({S.SCHEDULED}),
        S.IN_REVIEW,
        _l("Visit done: write the report"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        notice=_l("The lawyers visited for %(reference)s and are writing the report."),
    ),
    Transition(
        "send_back",
        frozenset({S.IN_REVIEW}),
        S.IN_REVIEW,
        _l("Send the report back to the lawyers"),
        roles=COORDINATORS,
        handler_only=False,
        form=forms.SendBackForm,
        public=False,
    ),
    Transition(
        "publish",
        frozenset({S.IN_REVIEW}),
        S.REPORT_PUBLISHED,
        _l("Publish the report"),
        roles=COORDINATORS,
        handler_only=False,
        form=forms.PublishForm,
        notice=_l(
            "The report of your legal health check %(reference)s is published: %(count)s findings. Read it on the portal."
        ),
    ),
    Transition(
        "correct_report",
        frozenset({S.REPORT_PUBLISHED}),
        S.REPORT_PUBLISHED,
        _l("Publish a corrected version"),
        roles=COORDINATORS,
        handler_only=False,
        form=forms.CorrectionForm,
        notice=_l(
            "A corrected version %(version)s of the report %(reference)s is published; the earlier version is kept."
        ),
    ),
    Transition(
        "request_follow_up",
        frozenset({S.REPORT_PUBLISHED}),
        S.FOLLOW_UP_REQUESTED,
        _l("Ask for a follow-up visit"),
        actor=APPLICANT,
        notice=_l(
            "We received your request for a follow-up visit for %(reference)s. The team will propose a date."
        ),
    ),
    Transition(
        "schedule_follow_up",
        frozenset({S.FOLLOW_UP_REQUESTED, S.FOLLOW_UP_SCHEDULED}),
        S.FOLLOW_UP_SCHEDULED,
        _l("Schedule the follow-up visit"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        form=forms.VisitForm,
        notice=VISIT_NOTICE,
    ),
    Transition(
        "record_follow_up",
        frozenset({S.FOLLOW_UP_SCHEDULED}),
        S.CLOSED,
        _l("Follow-up done: close"),
        roles=COORDINATORS,
        handler_only=False,
        participant_may=True,
        guard=follow_up_unrecorded,
        notice=_l(
            "The follow-up of %(reference)s is recorded: %(resolved)s of %(count)s findings resolved. The check is closed."
        ),
    ),
    Transition(
        "close",
        frozenset({S.REPORT_PUBLISHED}),
        S.CLOSED,
        _l("Close"),
        roles=COORDINATORS,
        handler_only=False,
        notice=_l("Your legal health check %(reference)s is closed. You may request a new one at any time."),
    ),
    Transition(
        "cancel",
        BEFORE_VISIT,
        S.CANCELLED,
        _l("Cancel the request"),
        actor=APPLICANT,
        style="danger",
        notice=_l("You cancelled legal health check %(reference)s."),
    ),
)


def on_submit(check: HealthCheck, data, now) -> dict:
    check.set_due(None)
    return {}


def on_reason(check: HealthCheck, data, now) -> dict:
    check.outcome_reason = data["reason"].strip()
    return {"reason": check.outcome_reason}


def on_assign_team(check: HealthCheck, data, now) -> dict:
    """Put the team together; members kept keep their declaration and pledge."""
    lead = db.session.get(User, int(data["lead"]))
    if lead is None or not lead.has_role(Role.LAWYER):
        raise GuardFailed(_l("Choose the team from the list."))
    wanted = [lead.id] + [int(uid) for uid in data.get("members") or [] if int(uid) != lead.id]
    existing = {m.user_id: m for m in check.team}
    if any(uid in existing and not existing[uid].on_team for uid in wanted):
        raise GuardFailed(
            _l("A lawyer you chose is off this team (a conflict or an objection): choose another.")
        )
    for member in [m for m in check.team if m.on_team and m.user_id not in wanted]:
        check.team.remove(member)
    for uid in wanted:
        member = existing.get(uid)
        if member is None:
            member = TeamMember(user_id=uid)
            check.team.append(member)
        member.is_lead = uid == lead.id
    check.partners = ",".join(p for p in data.get("partners") or [] if p in PARTNERS) or None
    return {"lead": lead.display_name, EVENT_COMMENT: lead.display_name}


def on_visit(check: HealthCheck, data, now) -> dict:
    check.visit_at = from_local(datetime.combine(data["day"], data["start"]))
    check.visit_place = data["place"].strip()
    check.visit_sequence = (check.visit_sequence or 0) + 1
    check.set_due(check.visit_at)
    return {"when": check.visit_at, "place": check.visit_place}


def publish_version(check: HealthCheck, note: str | None, now, documents_seen: str | None = None) -> Report:
    """Freeze the findings as they are now into a new report version."""
    content = [
        {
            "area": f.area,
            "area_label": str(AREAS.get(f.area, f.area)),
            "risk": f.risk,
            "risk_label": str(RISK_LEVELS.get(f.risk, f.risk)),
            "finding": f.finding,
            "legal_basis": f.legal_basis,
            "recommendation": f.recommendation,
            "fix_by": f.fix_by.isoformat() if f.fix_by else None,
            "id": f.id,
        }
        for f in check.findings
    ]
    version = (check.current_report.version if check.current_report else 0) + 1
    report = Report(
        check_id=check.id,
        version=version,
        content=json.dumps(content, ensure_ascii=False),
        context=json.dumps(report_facts(check, documents_seen), ensure_ascii=False),
        correction_note=note,
        published_at=now,
    )
    check.reports.append(report)
    return report


def on_publish(check: HealthCheck, data, now) -> dict:
    publish_version(check, None, now, (data.get("documents_seen") or "").strip())
    check.set_due(None)
    return {"count": len(check.findings)}


def on_correct(check: HealthCheck, data, now) -> dict:
    report = publish_version(check, (data.get("comment") or "").strip(), now)
    return {"version": report.version}


def on_follow_up_done(check: HealthCheck, data, now) -> dict:
    check.set_due(None)
    resolved = sum(1 for f in check.findings if f.follow_up_result == "resolved")
    return {"resolved": resolved, "count": len(check.findings)}


def on_stop(check: HealthCheck, data, now) -> dict:
    check.set_due(None)
    return {}


WORKFLOW = Workflow(
    states=STATES,
    transitions=TRANSITIONS,
    initial=S.SUBMITTED,
    main_path=(
        S.SUBMITTED,
        S.ACCEPTED,
        S.TEAM_ASSIGNED,
        S.SCHEDULED,
        S.IN_REVIEW,
        S.REPORT_PUBLISHED,
        S.CLOSED,
    ),
    submitted_notice=_l(
        "We received your request for a legal health check %(reference)s. The coordinator answers within a few working days."
    ),
    effects={
        "submit": on_submit,
        "decline": on_reason,
        "assign_team": on_assign_team,
        "schedule_visit": on_visit,
        "schedule_follow_up": on_visit,
        "publish": on_publish,
        "correct_report": on_correct,
        "record_follow_up": on_follow_up_done,
        "close": on_stop,
        "cancel": on_stop,
    },
)


def _is_team_member(check, user) -> bool:
    """On the team (not off it for a conflict or an objection); the pledge is checked where
    the enterprise's documents and findings are opened (team.may_open)."""
    return any(m.user_id == user.id and m.on_team for m in getattr(check, "team", []))


def _team_clause(user):
    table = TeamMember.__table__
    return ServiceRequest.id.in_(
        select(table.c.check_id).where(table.c.user_id == user.id, table.c.removed_reason.is_(None))
    )


def _area_clause(value: str):
    table = HealthCheck.__table__
    return ServiceRequest.id.in_(select(table.c.id).where(table.c.areas.contains(value)))


HEALTH_CHECK = RequestKind(
    findable_by_mobile=False,
    ratable_states=frozenset({S.CLOSED, S.DECLINED}),
    # The report's figures count findings and published reports (portal/health_checks/figures.py).
    report_depends_on=((Finding, "check_id"), (Report, "check_id")),
    code="HC",
    slug="health-checks",
    label=_l("Enterprise legal health check"),
    model=HealthCheck,
    workflow=WORKFLOW,
    staff_roles=COORDINATORS,
    detail_template="health_checks/_detail.html",
    public_template="health_checks/_public.html",
    participant_role=Role.LAWYER,
    is_participant=_is_team_member,
    participant_clause=_team_clause,
    extra_filters=(
        QueueFilter("area", _l("Area"), lambda: [(k, str(v)) for k, v in AREAS.items()], _area_clause),
        *REPORT_FILTERS,
    ),
    export_columns=(
        (_l("Enterprise"), lambda c: c.enterprise.name if getattr(c, "enterprise", None) else ""),
        (_l("Areas"), lambda c: "、".join(str(AREAS.get(a, a)) for a in getattr(c, "area_codes", []))),
    ),
    make_sample=sample_check,
    duplicate_key=("enterprise_id",),  # one open check per enterprise at a time
    sample_work=samples.sample_work,
)
