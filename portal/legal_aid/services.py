"""Legal aid's services: receive an application from typed details; competence (Art. 38);
what to bring; the pledge history (Art. 41 and Hunan's rule, Art. 48(一)-(二))."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.clock import utcnow
from portal.core.identity import ResidentId
from portal.core.intake import IntakeError
from portal.core.services import submit
from portal.extensions import db
from portal.legal_aid.hardship import Means
from portal.legal_aid.matters import (
    AGENT,
    CLAIM_EXEMPTIONS,
    ELSEWHERE,
    GUARDIAN,
    MEANS_WAIVERS,
    NO_AUTHORITY,
    RELATIVE,
    SELF,
)
from portal.legal_aid.models import DeceptionRecord, LegalAidApplication

#: Art. 48 grounds recorded against the person (Hunan: no pledge again).
DECEPTION_GROUNDS = {
    "deception": _l("Legal aid obtained by deception or other improper means (Art. 48(1))"),
    "concealment": _l("Important facts concealed or false evidence given (Art. 48(2))"),
}

#: Art. 48 (一)-(八), in the law's order; the first two are DECEPTION_GROUNDS.
TERMINATION_GROUNDS = {
    **DECEPTION_GROUNDS,
    "illegal_use": _l("Legal aid used for illegal activity (Art. 48(3))"),
    "finances_changed": _l("The recipient's finances changed so that they no longer qualify (Art. 48(4))"),
    "proceedings_ended": _l("The proceedings ended or the case was withdrawn (Art. 48(5))"),
    "own_lawyer": _l("The recipient hired their own lawyer or agent (Art. 48(6))"),
    "recipient_request": _l("The recipient asked to end legal aid with good reason (Art. 48(7))"),
    "other_by_law": _l("Another ground set by law or regulation (Art. 48(8))"),
}

#: Art. 44: why aid may start before the decision.
EARLY_AID_GROUNDS = {
    "deadline": _l("A limitation period or other deadline is less than 7 days away"),
    "preservation": _l("Property or evidence preservation is urgently needed"),
    "advance_execution": _l("Advance execution is urgently needed"),
    "other_by_law": _l("Another situation set by a law, regulation or rule (Art. 44(3))"),
}
#: Art. 44(一): early aid for a deadline only when it is less than this many days away.
EARLY_AID_DEADLINE_DAYS = 7

#: The issuing centre's name for the catalog (the setting LEGAL_AID_CENTRE_KEY is a msgid).
CENTRE_NAMES = (_l("Changsha County Legal Aid Centre"),)


@dataclass(frozen=True)
class ApplicationDetails:
    """A complete application as typed values (the form makes it; tests may too)."""

    applicant_name: str
    resident_id: ResidentId
    mobile: str
    address: str
    township_id: int
    #: SELF, GUARDIAN, RELATIVE or AGENT.
    applicant_role: str
    matter_type: str
    stage: str
    handling_authority: str
    #: HERE or ELSEWHERE, and the county or city when elsewhere (Art. 38).
    case_place: str
    facts: str
    hardship_rule: str
    means: Means
    case_place_name: str | None = None
    relation: str | None = None
    #: A key of AUTHORITY_LABELS when applying for someone else.
    authority: str | None = None
    represented_name: str | None = None
    represented_id_number: str | None = None
    opposing_party: str | None = None
    urgent: bool = False
    #: Arts. 24, 29, 31: legal aid is for a person with no lawyer or agent in the matter.
    counsel_retained: bool = False
    claim_exemption: str | None = None
    means_waiver: str | None = None


def other_centre(place_name: str | None):
    """What to tell a person whose case belongs to another county's centre (Art. 38)."""
    place = (place_name or "").strip()
    contact = next(
        (
            text
            for name, text in current_app.config["LEGAL_AID_OTHER_CENTRES"].items()
            if place and name in place
        ),
        None,
    )
    how = (
        _l("Contact: %(contact)s.", contact=contact)
        if contact
        else _l(
            "The %(phone)s legal service hotline tells you how to reach it.",
            phone=current_app.config["COUNTY_HOTLINE"],
        )
    )
    return _l(
        "Apply to the legal aid centre of %(place)s: the centre where the case is handled, or where the matter happened, decides on it, not this county's (Legal Aid Law, Art. 38). %(how)s",
        place=place,
        how=how,
    )


def receive_application(
    details: ApplicationDetails, *, user=None, locale: str = "zh_Hans"
) -> LegalAidApplication:
    """Receive an application: refuse one that another centre must decide, else submit it."""
    if details.case_place == ELSEWHERE:
        raise IntakeError("case_place", other_centre(details.case_place_name))
    for_other = details.applicant_role != SELF
    exempt = bool(details.claim_exemption or details.means_waiver)
    means = details.means
    now = utcnow()
    application = LegalAidApplication(
        applicant_name=details.applicant_name.strip(),
        applicant_mobile=details.mobile,
        township_id=details.township_id,
        id_number=details.resident_id.number,
        gender=details.resident_id.gender,
        birth_date=details.resident_id.birth_date,
        address=details.address.strip(),
        applicant_role=details.applicant_role,
        for_relative=for_other,
        relation=details.relation if for_other else None,
        authority=details.authority if for_other else None,
        represented_name=details.represented_name.strip() if for_other and details.represented_name else None,
        represented_id_number=details.represented_id_number if for_other else None,
        matter_type=details.matter_type,
        stage=details.stage,
        handling_authority=details.handling_authority,
        opposing_party=(details.opposing_party or "").strip() or None,
        facts=details.facts.strip(),
        urgent=details.urgent,
        counsel_retained=details.counsel_retained,
        claim_exemption=details.claim_exemption,
        exemption=details.means_waiver,
        hardship_rule=details.hardship_rule,
        household_size=None if exempt else means.household_size,
        monthly_income=None if exempt else means.monthly_income,
        low_income=None if exempt else means.low_income,
        sudden_hardship=None if exempt else means.sudden_hardship,
        pledge_accepted_at=now,
        consent_accepted_at=now,
    )
    return submit(application, user=user, locale=locale)


def materials_to_bring(application: LegalAidApplication) -> list[str]:
    """The materials (keys of MATERIALS) this application needs, its exemption's proof included."""
    items = ["id_copy"]
    items += {GUARDIAN: ["guardian_proof"], RELATIVE: ["relation_proof"], AGENT: ["power_of_attorney"]}.get(
        application.applicant_role, []
    )
    if exemption := CLAIM_EXEMPTIONS.get(application.claim_exemption or ""):
        items.append(exemption.proof)
    if waiver := MEANS_WAIVERS.get(application.exemption or ""):
        items.append(waiver.proof)
    if not (application.claim_exemption or application.exemption):
        if application.low_income:
            items.append("low_income_proof")
        elif application.sudden_hardship:
            items.append("sudden_hardship_proof")
        elif application.household_size is not None:
            items.append("income_proof")
    items.append("dispute_evidence")
    if application.handling_authority not in (None, NO_AUTHORITY):
        items.append("court_documents")
    return items


def pledge_history(application: LegalAidApplication) -> list[DeceptionRecord]:
    """Aid ended for deception or concealment of the applicant or the person aided."""
    numbers = {application.id_number, application.recipient_id_number} - {None}
    if not numbers:  # a notice for a person with no resident ID number
        return []
    return list(
        db.session.scalars(
            select(DeceptionRecord)
            .where(DeceptionRecord.id_number.in_(numbers))
            .order_by(DeceptionRecord.recorded_at)
        )
    )


def record_against_person(application: LegalAidApplication, ground: str, user=None) -> DeceptionRecord | None:
    """Record that aid on `application` ended on Art. 48(一) or (二) against the person aided
    (the termination's effect calls this); flushed, not committed."""
    if ground not in DECEPTION_GROUNDS:
        raise ValueError(f"not a ground recorded against the person: {ground}")
    if not application.recipient_id_number:  # nobody to record it against (no resident ID)
        return None
    record = DeceptionRecord(
        id_number=application.recipient_id_number,
        ground=ground,
        application_id=application.id,
        recorded_at=utcnow(),
        recorded_by_id=getattr(user, "id", None),
    )
    db.session.add(record)
    db.session.flush()
    return record
