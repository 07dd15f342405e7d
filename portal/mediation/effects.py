"""People's mediation: what each transition does to the case (mediators, sessions, the
agreement and its confirmation deadline) and the names its notices use."""

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.core import attachments
from portal.core.clock import from_local
from portal.core.services import EVENT_COMMENT
from portal.core.workflow import GuardFailed
from portal.extensions import db
from portal.i18n import Bilingual
from portal.mediation import consent
from portal.mediation.committees import check_members
from portal.mediation.models import (  # noqa: F401  (CONFIRMATION_DAYS: as before, from here too)
    CONFIRMATION_DAYS,
    MediationCase,
    MediationCommittee,
    MediationSession,
    MediationTerm,
)
from portal.mediation.roles import MEDIATOR


def _names(case: MediationCase) -> dict:
    committee = case.committee or (
        db.session.get(MediationCommittee, case.committee_id) if case.committee_id else None
    )
    mediator = case.mediator or (db.session.get(User, case.mediator_id) if case.mediator_id else None)
    return {
        "committee": Bilingual(committee.name, committee.name_en) if committee else "—",
        "mediator": mediator.display_name if mediator else "—",
        "applicant": case.applicant_name,
    }


def _mediator(value) -> User | None:
    user = db.session.get(User, int(value)) if value and str(value).isdigit() else None
    if value and (user is None or not user.has_role(MEDIATOR)):
        raise GuardFailed(_l("Choose a mediator from the list."))
    return user


def on_submit(case: MediationCase, data, now) -> dict:
    # A court's commission comes with the court's deadline: the queue shows it as the case's.
    deadline = getattr(case, "court_deadline", None)
    case.set_due(from_local(datetime.combine(deadline, time(17))) if deadline else None)
    return {}


def on_accept(case: MediationCase, data, now) -> dict:
    case.committee_id = data["committee"]
    case.mediator_id = _mediator(data["mediator"]).id
    second = _mediator(data.get("second_mediator"))
    case.second_mediator_id = second.id if second else None
    check_members(case.committee_id, case.mediator_id, case.second_mediator_id)
    case.major = bool(data.get("major"))
    case.enterprise_related = bool(data.get("enterprise_related"))
    if data.get("summary") is not None:
        case.party_summary = consent.check_summary(case, data["summary"]) or None
    return {**_names(case), EVENT_COMMENT: _names(case)["mediator"]}


def cancel_sessions_to_come(case: MediationCase, now) -> None:
    """Once mediation ends (agreement or not), a session still to come will not take place."""
    for session in [s for s in case.sessions if s.starts_at > now]:
        case.sessions.remove(session)
        db.session.delete(session)


def agreement_in_effect(case: MediationCase, now):
    """A case with a written agreement closes only once it took effect (signed and sealed)."""
    if case.agreement_form == "written" and case.agreement_effective_on is None:
        return _l(
            "The written agreement is not in effect yet: record every signature and the seal on its page first."
        )
    return None


def on_reason(case: MediationCase, data, now) -> dict:
    cancel_sessions_to_come(case, now)
    case.outcome_reason = data["reason"].strip()
    reason = case.outcome_reason
    if not reason.endswith(("。", ".", "！", "!")):
        reason += "。" if case.locale.startswith("zh") else "."
    return {"reason": reason}


def on_ended(case: MediationCase, data, now) -> dict:
    cancel_sessions_to_come(case, now)
    if (data.get("comment") or "").strip():
        case.outcome_reason = data["comment"].strip()
    reason = case.outcome_reason or str(_l("one party ended the mediation."))
    return {"reason": reason}


def on_schedule(case: MediationCase, data, now) -> dict:
    starts = from_local(data["starts"])
    session = MediationSession(
        case_id=case.id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=int(data["minutes"])),
        place=data["place"].strip(),
        created_at=now,
    )
    db.session.add(session)
    case.set_due(session.starts_at)
    return {"when": starts, "place": session.place}


def on_agreement(case: MediationCase, data, now) -> dict:
    """The agreement as data (Art. 29); effective now only when oral (Art. 30)."""
    case.agreement_form = data["agreement_form"]
    case.agreement_reached_on = data["reached_on"]
    session = str(data.get("session") or "")
    case.agreement_session_id = int(session) if session.isdigit() else None
    case.agreement_facts = data["facts"].strip()
    case.performance_method = data["performance_method"].strip()
    case.agreement_amount = data.get("amount")
    case.terms = [
        MediationTerm(
            position=1,
            obligor=data["obligor"].strip(),
            obligation=data["obligation"].strip(),
            due_on=data.get("due_on"),
            method=(data.get("method") or "").strip() or None,
        )
    ]
    case.performance_due_on = data.get("due_on")
    cancel_sessions_to_come(case, now)
    attachments.claim_all(case, data.get("attachments") or [], purpose="agreement", by_applicant=False)
    case.set_due(None)
    if case.agreement_form == "oral":
        case.agreement_effective_on = case.agreement_reached_on
        return {"confirmation": str(_l(" The oral agreement took effect when it was reached."))}
    case.agreement_effective_on = None
    return {
        "confirmation": str(
            _l(
                " It takes effect once both parties and the mediator have signed it and the committee has sealed it."
            )
        )
    }


def on_close(case: MediationCase, data, now) -> dict:
    case.performance = data.get("performance") or case.performance
    if case.channel == "court_commission":
        # The court that commissioned the mediation is told what came of it (诉前委派调解).
        report = (data.get("court_report") or "").strip()
        if not report:
            raise GuardFailed(_l("Write the report to the court that commissioned this mediation."))
        case.court_report, case.court_reported_at = report, now
    case.set_due(None)
    return {}
