"""Who may be assigned to a legal aid case (Arts. 12 and 26), and the closing outcomes.

Legal aid personnel are lawyers, grassroots legal service workers and volunteers, each
with a legal-service-person profile (`portal.accounts.profiles`). Criminal defence is for
lawyers only; a case with a possible life or death sentence, or a death-penalty review,
only for lawyers with at least LEGAL_AID_SERIOUS_CASE_YEARS years of practice (Art. 26).
The picker and the service ask the same `eligible_people`.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.accounts.profiles import LegalServicePerson, legal_service_people, profile_of
from portal.accounts.roles import Role
from portal.accounts.specialties import ServicePersonKind
from portal.core.clock import local_today
from portal.core.models import ServiceRequest
from portal.extensions import db
from portal.legal_aid.matters import CRIMINAL_DEFENCE
from portal.legal_aid.models import LegalAidApplication

#: Closing outcomes (结案方式), counted by the reports.
CLOSING_OUTCOMES = {
    "judgment": _l("Judgment or ruling"),
    "mediated": _l("Settled by mediation"),
    "settled": _l("Settled out of court"),
    "withdrawn": _l("Case withdrawn"),
    "charges_dropped": _l("No prosecution or charges dropped"),
    "arbitration": _l("Arbitration award"),
    "other": _l("Other outcome"),
}


def lawyers_only(application: LegalAidApplication) -> bool:
    return application.matter_type == CRIMINAL_DEFENCE or application.source == "notice"


def eligible_people(application: LegalAidApplication) -> list[LegalServicePerson]:
    """The active legal-service people who may take this case."""
    kind = ServicePersonKind.LAWYER if lawyers_only(application) or application.serious_sentence else None
    years = current_app.config["LEGAL_AID_SERIOUS_CASE_YEARS"] if application.serious_sentence else None
    # The lawyer role lets the assigned person see and work the case (the participant).
    return [p for p in legal_service_people(kind, min_years=years) if p.user.has_role(Role.LAWYER)]


def refusal_for(application: LegalAidApplication, user_id: int):
    """Why this person may not be assigned to the case, or None when they may."""
    if any(p.user_id == user_id for p in eligible_people(application)):
        return None
    profile = profile_of(user_id)
    if profile is None or not profile.active:
        return _l(
            "Only legal aid personnel with an active profile (lawyers, grassroots legal service workers, volunteers) may be assigned."
        )
    if application.serious_sentence:
        return _l(
            "A case with a possible life or death sentence, or a death-penalty review, needs a lawyer with at least %(years)s years of practice (Legal Aid Law, Art. 26).",
            years=current_app.config["LEGAL_AID_SERIOUS_CASE_YEARS"],
        )
    return _l("Criminal defence is handled by lawyers only.")


#: The picker counts a person's open cases up to this many ("50+" beyond).
OPEN_CASES_COUNTED_UP_TO = 50


def open_cases(user_ids) -> dict[int, int]:
    """How many open legal aid cases each of these people handles now, counted up to
    OPEN_CASES_COUNTED_UP_TO + 1 each: choosing a person needs "many", not the exact
    number, and an exact count read every case a person ever had on every detail page
    (5 s at 1M applications in the benchmark, docs/performance.md)."""
    people = list(user_ids)
    if not people:
        return {}
    table, requests = LegalAidApplication.__table__, ServiceRequest.__table__

    def counted(user_id: int):
        cases = (
            select(table.c.id)
            .select_from(table.join(requests, requests.c.id == table.c.id))
            .where(table.c.lawyer_id == user_id, requests.c.is_open.is_(True))
            .limit(OPEN_CASES_COUNTED_UP_TO + 1)
            .subquery()
        )
        return select(func.count()).select_from(cases).scalar_subquery()

    row = db.session.execute(select(*(counted(user_id) for user_id in people))).one()
    return dict(zip(people, row, strict=True))


def closing_report_late(application: LegalAidApplication) -> bool:
    """Was the closing report submitted after LEGAL_AID_CLOSING_DAYS days from the case's end?"""
    if application.case_ended_on is None or application.closing_submitted_at is None:
        return False
    due = application.case_ended_on + timedelta(days=current_app.config["LEGAL_AID_CLOSING_DAYS"])
    return local_today(application.closing_submitted_at) > due
