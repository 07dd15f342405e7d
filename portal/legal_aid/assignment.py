"""Who may act in a legal aid case, per matter and stage, in one place: the picker, the
service (the assignment's guard) and the assignment letter all ask this module.

- Criminal proceedings (defence, victims, private prosecutors, civil claims in a criminal
  case; every notice, Arts. 25-29): lawyers only (Criminal Procedure Law Arts. 33 and 46;
  grassroots legal service workers may not act in criminal proceedings).
- Civil and administrative matters: lawyers and grassroots legal service workers (基层法律
  服务工作者管理办法: civil and administrative representation, not criminal).
- Academic and student volunteers (Art. 17, second paragraph): legal consultation and
  drafting documents only, never representation; a volunteer lawyer is a lawyer.
- Art. 26: possible life imprisonment or death, or a death-sentence review: a lawyer with
  at least LEGAL_AID_SERIOUS_CASE_YEARS years of *criminal* practice.
- A minor (未成年人保护法 Art. 104): lawyers marked familiar with minors come first.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.accounts.profiles import LegalServicePerson, legal_service_people, profile_of, years_ago
from portal.accounts.roles import Role
from portal.accounts.specialties import Profession
from portal.core.clock import local_today
from portal.core.identity import parse_resident_id
from portal.extensions import db
from portal.legal_aid.matters import CRIMINAL_DEFENCE, CRIMINAL_MATTERS
from portal.legal_aid.models import LegalAidApplication

#: The forms of legal aid a person may give (Art. 22), as far as assignment cares.
CONSULTATION, DOCUMENTS, REPRESENTATION = "consultation", "documents", "representation"
#: A case assigned by the centre is representation (defence or agency).
ASSIGNED_SERVICE = REPRESENTATION

LAWYER, GRASSROOTS, VOLUNTEER = (
    Profession.LAWYER,
    Profession.GRASSROOTS,
    Profession.VOLUNTEER,
)

#: Who is assigned as what (the letter names the role).
ROLES = {
    "defender": _l("Defender"),
    "agent_ad_litem": _l("Agent ad litem in the criminal proceedings"),
    "agent": _l("Agent"),
}


def criminal(application: LegalAidApplication) -> bool:
    """Is the case a criminal proceeding (for any party)?"""
    return application.matter_type in CRIMINAL_MATTERS or application.source == "notice"


def lawyers_only(application: LegalAidApplication) -> bool:
    return criminal(application) or bool(application.serious_sentence)


def professions_allowed(application: LegalAidApplication, service: str = ASSIGNED_SERVICE) -> frozenset:
    """The professions of legal service people who may give `service` in this case."""
    if service in (CONSULTATION, DOCUMENTS):
        return frozenset({LAWYER, GRASSROOTS, VOLUNTEER}) - (
            {GRASSROOTS} if lawyers_only(application) else set()
        )
    return frozenset({LAWYER} if lawyers_only(application) else {LAWYER, GRASSROOTS})


def role_in_case(application: LegalAidApplication):
    """What the assigned person acts as (named on the letter)."""
    if application.matter_type == CRIMINAL_DEFENCE or application.source == "notice":
        return ROLES["defender"]
    return ROLES["agent_ad_litem"] if criminal(application) else ROLES["agent"]


def for_a_minor(application: LegalAidApplication) -> bool:
    """Is the person aided under 18 (the notice's ground, or their birth date)?"""
    if application.notice_ground == "minor":
        return True
    birth = application.birth_date
    if application.for_relative and application.represented_id_number:
        represented = parse_resident_id(application.represented_id_number)
        birth = represented.birth_date if represented else None
    if birth is None:
        return False
    today = local_today()
    return (today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))) < 18


def _serious_years() -> int:
    return current_app.config["LEGAL_AID_SERIOUS_CASE_YEARS"]


def _experienced(person: LegalServicePerson) -> bool:
    since = person.criminal_practice_since
    return since is not None and since <= years_ago(_serious_years())


def eligible_people(application: LegalAidApplication) -> list[LegalServicePerson]:
    """The active legal-service people who may take this case; for a minor, those
    familiar with minors first (then by name)."""
    allowed = professions_allowed(application)
    # The lawyer role lets the assigned person see and work the case (the participant).
    people = [
        p
        for p in legal_service_people(role=Role.LAWYER, with_specialties=False)
        if p.profession in allowed and (not application.serious_sentence or _experienced(p))
    ]
    if for_a_minor(application):
        people.sort(key=lambda p: not p.familiar_with_minors)  # stable: names stay in order
    return people


def refusal_for(application: LegalAidApplication, user_id: int):
    """Why this person may not be assigned to the case, or None when they may."""
    if any(p.user_id == user_id for p in eligible_people(application)):
        return None
    profile = profile_of(user_id)
    if profile is None or not profile.active:
        return _l(
            "Only legal aid personnel with an active profile (lawyers, grassroots legal service workers, volunteers) may be assigned."
        )
    if profile.profession == VOLUNTEER:
        return _l(
            "Academic and student volunteers give legal consultations and draft documents only; they do not represent anyone (Legal Aid Law, Art. 17)."
        )
    if profile.profession == LAWYER and application.serious_sentence:
        return _l(
            "A case with a possible life or death sentence, or a death-penalty review, needs a lawyer with at least %(years)s years of criminal practice (Legal Aid Law, Art. 26).",
            years=_serious_years(),
        )
    if profile.profession == GRASSROOTS and lawyers_only(application):
        return _l(
            "In criminal proceedings (defence, victims, private prosecutions, civil claims in a criminal case) only lawyers may act."
        )
    return _l("This person may not be assigned to this case.")


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


#: The picker counts a person's open cases up to this many ("50+" beyond).
OPEN_CASES_COUNTED_UP_TO = 50


def open_cases(user_ids) -> dict[int, int]:
    """How many open legal aid cases each of these people handles now, counted up to
    OPEN_CASES_COUNTED_UP_TO + 1 each: choosing a person needs "many", not the exact
    number, and an exact count read every case a person ever had on every detail page
    (5 s at 1M applications in the benchmark, docs/performance.md). Each count reads at
    most that many index entries of the person's open cases (`open_case_lawyer_id`),
    never their closed ones."""
    people = list(user_ids)
    if not people:
        return {}
    table = LegalAidApplication.__table__

    def counted(user_id: int):
        cases = (
            select(table.c.id)
            .where(table.c.open_case_lawyer_id == user_id)
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
