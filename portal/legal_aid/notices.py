"""Cases that reach the centre from an authority: a notice (通知辩护, Legal Aid Law Arts.
25, 28 and 36) and an application handed in by a detained person, a prisoner or a person in
compulsory drug rehabilitation and forwarded by the institution (Art. 39).

A notice needs no application: it enters approved, with the 3-day assignment clock from the
day the notice arrived (Art. 36). A forwarded application is an application like any other:
it enters review with the 7-day decision clock from the day the centre received it (Art. 43),
the means test or Art. 24's other reasons as the matter needs, and written decisions.
Anyone may be the person: a foreign national, a person whose identity is unknown, one with
no reachable relative, one not detained (取保候审, 监视居住).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from portal.core.clock import utcnow
from portal.core.identity import ResidentId
from portal.core.models import RequestParty
from portal.core.services import claim, submit, system_perform
from portal.legal_aid.hardship import Means
from portal.legal_aid.matters import CRIMINAL_DEFENCE
from portal.legal_aid.models import LegalAidApplication

NOTICE, FORWARDED = "notice", "detention"
#: How a case came in other than an application (the reports count each).
NOTICE_SOURCES = {
    NOTICE: _l("Notice of the police, procuratorate or court (Arts. 25, 28, 36)"),
    FORWARDED: _l("Application handed in by a person in custody and forwarded (Art. 39)"),
}
#: The role of the notifying or forwarding authority among the request's parties.
AUTHORITY_PARTY = "authority"

#: Why the authority must notify the centre: Art. 25 (一)-(六), its second paragraph, Art. 28.
NOTICE_GROUNDS = {
    "minor": _l("A minor (Art. 25(1))"),
    "sensory_disability": _l("Blind, deaf or mute (Art. 25(2))"),
    "mental_illness": _l("Mentally ill, not fully unable to recognise or control their conduct (Art. 25(3))"),
    "life_or_death": _l("May be sentenced to life imprisonment or death (Art. 25(4))"),
    "death_review": _l("Defendant in a death-sentence review who applied (Art. 25(5))"),
    "absentia": _l("Defendant tried in absentia (Art. 25(6))"),
    "ordinary_trial": _l("Other defendant tried under the ordinary procedure (Art. 25, para. 2)"),
    "compulsory_treatment": _l("Respondent in compulsory medical treatment proceedings (Art. 28)"),
}
#: Grounds that make the case one of Art. 26 (a lawyer with 3 years of criminal practice).
SERIOUS_GROUNDS = frozenset({"life_or_death", "death_review"})
#: Grounds that fix the stage of the proceedings.
GROUND_STAGES = {"death_review": "death_review", "compulsory_treatment": "compulsory_treatment"}

#: The kinds of identity document of the person (a notice may come for anyone).
RESIDENT_ID, PASSPORT, OTHER_ID, NO_ID = "resident_id", "passport", "other", "none"
ID_TYPES = {
    RESIDENT_ID: _l("Resident ID card"),
    PASSPORT: _l("Passport"),
    OTHER_ID: _l("Other identity document"),
    NO_ID: _l("No document known"),
}

#: Where the person is (Criminal Procedure Law: detention, or a measure without it).
DETAINED = "detained"
CUSTODY = {
    DETAINED: _l("Detained"),
    "bail": _l("Not detained: released on bail pending trial (取保候审)"),
    "residential_surveillance": _l("Not detained: residential surveillance (监视居住)"),
}

#: Art. 39: who hands in an application through the institution that holds them.
FORWARDED_FROM = {
    "detained": _l("A person held in detention (被羁押)"),
    "prisoner": _l("A prisoner serving a sentence (服刑人员)"),
    "drug_rehabilitation": _l("A person in compulsory drug rehabilitation (强制隔离戒毒人员)"),
}
#: Art. 39: the institution forwards the application within 24 hours.
FORWARDING_HOURS = 24


@dataclass(frozen=True)
class Person:
    """Who the case is for, as far as the authority knows them."""

    name: str
    id_type: str
    resident_id: ResidentId | None = None
    #: A passport's or other document's number.
    document_number: str | None = None
    nationality: str | None = None
    #: 身份不明: the name is what the authority calls them; the description identifies them.
    identity_unknown: bool = False
    description: str | None = None
    gender: str | None = None
    birth_date: date | None = None


@dataclass(frozen=True)
class NoticeDetails:
    """A notice as typed values (the staff form makes it; the demo and tests may too)."""

    authority: str
    case_number: str
    document_date: date
    received_on: date
    ground: str
    stage: str
    charge: str
    custody: str
    person: Person
    serious_sentence: bool = False
    detention_place: str | None = None
    township_id: int | None = None
    relative_name: str | None = None
    contact_mobile: str | None = None
    facts: str = ""
    authority_mobile: str | None = None


@dataclass(frozen=True)
class ForwardedDetails:
    """An application forwarded by a detention institution, prison or rehabilitation centre."""

    authority: str
    forwarded_from: str
    handed_in_on: date
    forwarded_on: date
    received_on: date
    person: Person
    institution: str
    matter_type: str
    stage: str
    handling_authority: str
    facts: str
    hardship_rule: str
    means: Means
    counsel_retained: bool = False
    charge: str | None = None
    opposing_party: str | None = None
    township_id: int | None = None
    contact_mobile: str | None = None
    claim_exemption: str | None = None
    means_waiver: str | None = None


def forwarded_late(application: LegalAidApplication) -> bool:
    """Was the application forwarded more than 24 hours after it was handed in (Art. 39)?
    Known to the day: late when forwarded two or more days later."""
    handed, forwarded = application.handed_in_on, application.forwarded_on
    if handed is None or forwarded is None:
        return False
    return forwarded - handed > timedelta(hours=FORWARDING_HOURS)


def _identity(person: Person) -> dict:
    rid = person.resident_id
    return {
        "id_type": person.id_type,
        "id_number": rid.number if rid else None,
        "id_document": None if rid else (person.document_number or None),
        "gender": rid.gender if rid else person.gender,
        "birth_date": rid.birth_date if rid else person.birth_date,
        "nationality": (person.nationality or "").strip() or None,
        "identity_unknown": person.identity_unknown,
        "person_description": (person.description or "").strip() or None,
    }


def _authority(application: LegalAidApplication, mobile: str | None = None) -> None:
    application.parties.append(
        RequestParty(
            role=AUTHORITY_PARTY,
            name=application.notice_authority,
            mobile=mobile or None,
            notified_at=utcnow(),
        )
    )


def register_notice(details: NoticeDetails, *, officer) -> LegalAidApplication:
    """Register a notice: no means test, no pledge; it enters approved with the 3-day
    assignment clock from the day received; the authority is a party (it gets the letter)."""
    place = (details.detention_place or "").strip() or None
    application = LegalAidApplication(
        applicant_name=details.person.name.strip(),
        applicant_mobile=details.contact_mobile or None,
        township_id=details.township_id,
        address=place or str(CUSTODY.get(details.custody, "")),
        matter_type=CRIMINAL_DEFENCE,
        stage=details.stage,
        handling_authority=None,
        facts=details.facts.strip() or details.charge.strip(),
        source=NOTICE,
        notice_authority=details.authority.strip(),
        notice_case_number=details.case_number.strip(),
        notice_document_date=details.document_date,
        notice_ground=details.ground,
        charge=details.charge.strip(),
        custody=details.custody,
        detention_place=place,
        relative_name=(details.relative_name or "").strip() or None,
        notice_received_on=details.received_on,
        serious_sentence=details.serious_sentence or details.ground in SERIOUS_GROUNDS,
        urgent=True,
        **_identity(details.person),
    )
    submit(application, user=None, notify=False)  # the relative is told of the notice itself
    _authority(application, details.authority_mobile)
    system_perform(application, "register_notice", comment=str(NOTICE_SOURCES[NOTICE]))
    claim(application, officer)  # the officer who registered it assigns the lawyer
    return application


def receive_forwarded(details: ForwardedDetails, *, officer) -> LegalAidApplication:
    """Receive a forwarded application: it is submitted like any application, its 7-day
    decision clock from the day the centre received it, and the officer starts the review."""
    exempt = bool(details.claim_exemption or details.means_waiver)
    means = details.means
    application = LegalAidApplication(
        applicant_name=details.person.name.strip(),
        applicant_mobile=details.contact_mobile or None,
        township_id=details.township_id,
        address=details.institution.strip(),
        matter_type=details.matter_type,
        stage=details.stage,
        handling_authority=details.handling_authority,
        opposing_party=(details.opposing_party or "").strip() or None,
        facts=details.facts.strip(),
        counsel_retained=details.counsel_retained,
        claim_exemption=details.claim_exemption,
        exemption=details.means_waiver,
        hardship_rule=details.hardship_rule,
        household_size=None if exempt else means.household_size,
        monthly_income=None if exempt else means.monthly_income,
        low_income=None if exempt else means.low_income,
        sudden_hardship=None if exempt else means.sudden_hardship,
        source=FORWARDED,
        forwarded_from=details.forwarded_from,
        notice_authority=details.authority.strip(),
        charge=(details.charge or "").strip() or None,
        custody=DETAINED,
        detention_place=details.institution.strip(),
        handed_in_on=details.handed_in_on,
        forwarded_on=details.forwarded_on,
        notice_received_on=details.received_on,
        **_identity(details.person),
    )
    submit(application, user=None)  # the 7-day clock runs from `notice_received_on`
    _authority(application)
    claim(application, officer)  # the claim starts the review (the workflow's on_claim)
    return application


def authority_party(application: LegalAidApplication):
    return next((p for p in application.parties if p.role == AUTHORITY_PARTY), None)
