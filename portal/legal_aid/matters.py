"""What legal aid covers and who need not prove hardship, as the Legal Aid Law lists them.

Arts. 24 and 29 (criminal cases), 31 (civil and administrative matters, and what the
province adds), 32 (claims with no economic-hardship test) and 42 (people whose means
check is waived on proof). Exemptions belong to a claim, not to a person: each one names
the matters it applies to. Labels are plain and short (they must fit a phone's select
box); the legal detail is in hints.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.choices import grouped, options

CHOOSE = ("", _l("Choose…"))
NONE_OF_THESE = "none"

CRIMINAL_DEFENCE = "criminal_defence"
#: The claim of a victim of abuse, abandonment or domestic violence (Art. 32(4)).
ABUSE_VICTIM = "abuse_victim"
CRIMINAL_MATTERS = {
    CRIMINAL_DEFENCE: _l("Accused of a crime, with no lawyer"),
    "criminal_victim": _l("Victim of a crime"),
    "private_prosecution": _l("Private prosecution"),
    "criminal_civil_claim": _l("Damages claimed in a criminal case"),
}
#: Art. 31 (一)-(八).
CIVIL_MATTERS = {
    "state_compensation": _l("State compensation"),
    "social_insurance": _l("Social insurance or social assistance"),
    "survivor_pension": _l("Survivor or disability pension"),
    "family_support": _l("Support for a parent, child or spouse"),
    "labour": _l("Unpaid pay"),
    "employment_relation": _l("Confirming an employment relationship"),
    "civil_capacity": _l("Declaring a person's legal capacity"),
    "work_injury": _l("Injury at work"),
    "personal_injury": _l("Traffic, food, drug or medical accident"),
    "environment": _l("Pollution or ecological damage"),
}
#: Art. 31 (九): matters a province adds (Hunan's, for example). The setting
#: LEGAL_AID_PROVINCIAL_MATTERS says which of these are in force.
PROVINCIAL_MATTERS = {
    "farm_inputs": _l("Fake fertiliser, pesticide, seed or farm machinery"),
    "work_safety": _l("Work-safety accident"),
}
OTHER_BY_LAW = "other_by_law"
NOT_COVERED = "not_listed"
OTHER_MATTERS = {
    OTHER_BY_LAW: _l("Another matter a law covers"),
    NOT_COVERED: _l("Something else"),
}
ALL_MATTERS = {**CRIMINAL_MATTERS, **CIVIL_MATTERS, **PROVINCIAL_MATTERS, **OTHER_MATTERS}
#: Art. 42(三): a migrant worker's claim for pay or for a work injury, not one to confirm
#: an employment relationship (Art. 31(五) covers both, the waiver only the first).
WAGE_OR_WORK_INJURY = frozenset({"labour", "work_injury"})


def provincial_matters() -> dict:
    """The matters the province adds, as the settings choose them."""
    wanted = current_app.config["LEGAL_AID_PROVINCIAL_MATTERS"]
    return {key: label for key, label in PROVINCIAL_MATTERS.items() if key in wanted}


def covered_matters() -> frozenset[str]:
    """Every matter legal aid covers here (criminal, Art. 31 and the province's)."""
    return frozenset({*CRIMINAL_MATTERS, *CIVIL_MATTERS, *provincial_matters(), OTHER_BY_LAW})


#: Art. 31 (一)-(三): claims made against the state (compensation, insurance or
#: assistance, a pension), asked of a government office: administrative matters.
ADMINISTRATIVE_MATTERS = frozenset({"state_compensation", "social_insurance", "survivor_pension"})


def matters_of_kind(kind: str) -> dict:
    """The matters of one kind of matter (asked before the matter, issue #30), then Other."""
    if kind == CRIMINAL:
        own = CRIMINAL_MATTERS
    else:
        everyday = {**CIVIL_MATTERS, **provincial_matters()}
        administrative = kind == ADMINISTRATIVE
        own = {
            key: label for key, label in everyday.items() if (key in ADMINISTRATIVE_MATTERS) == administrative
        }
    return {**own, **OTHER_MATTERS}


def matter_choices(kind: str | None = None):
    """Matter types for a select box, after a placeholder: with the kind of matter asked
    before (issue #30) only that kind's, else all of them grouped in <optgroup>s."""
    if kind:
        return options([CHOOSE, *matters_of_kind(kind).items()])
    groups = {
        _l("Criminal cases"): CRIMINAL_MATTERS,
        _l("Civil and administrative matters"): {**CIVIL_MATTERS, **provincial_matters()},
        _l("Other"): OTHER_MATTERS,
    }
    return options([CHOOSE]) + grouped(groups)


@dataclass(frozen=True)
class Exemption:
    """A situation that frees a claim from the hardship test (Art. 32) or the person
    from the means check on proof (Art. 42), for the claims it names (None: any claim)."""

    key: str
    label: object
    hint: object
    #: The material that proves it (a key of MATERIALS).
    proof: str
    claims: frozenset[str] | None = None
    #: Said when the claim is not one it applies to.
    not_this_claim: object = None
    #: "Another situation set by law": the office checks which law and whether it applies.
    by_law: bool = False

    def applies_to(self, matter: str) -> bool:
        return self.claims is None or matter in self.claims


#: Art. 32: no economic-hardship test for these claims, which are covered even when they
#: are not among the matters of Art. 31. A hint that would only say its label again is just
#: the article, behind the "法律依据" disclosure (the page fits a phone, issue #30).
CLAIM_EXEMPTIONS = {
    e.key: e
    for e in (
        Exemption(
            "martyr_relative",
            _l("The name or honour of a hero or martyr who is my close relative"),
            _l(
                "Protecting the hero's or martyr's own name, portrait, reputation and honour, as their close relative (Art. 32(1))."
            ),
            "proof_martyr_relative",
            frozenset({NOT_COVERED, OTHER_BY_LAW}),
            _l(
                "For a relative of a hero or martyr, the hardship test is removed only for a claim that protects the hero's or martyr's name, honour or rights (Art. 32)."
            ),
        ),
        Exemption(
            "good_samaritan",
            _l("A claim that comes from helping others bravely"),
            _l("(Art. 32(2))"),
            "proof_good_samaritan",
            frozenset(
                {
                    NOT_COVERED,
                    OTHER_BY_LAW,
                    "personal_injury",
                    "work_injury",
                    "criminal_victim",
                    "criminal_civil_claim",
                }
            ),
            _l(
                "Acting bravely for others removes the hardship test only for a claim that arises from that act (Art. 32)."
            ),
        ),
        Exemption(
            "retrial_acquittal",
            _l("State compensation after I was acquitted at a retrial"),
            _l("(Art. 32(3))"),
            "proof_retrial_acquittal",
            frozenset({"state_compensation"}),
            _l(
                "Acquittal at a retrial removes the hardship test only for a claim for state compensation (Art. 32)."
            ),
        ),
        Exemption(
            ABUSE_VICTIM,
            _l("Abuse, abandonment or domestic violence against me"),
            _l("(Art. 32(4))"),
            "proof_abuse_victim",
            frozenset(
                {
                    NOT_COVERED,
                    OTHER_BY_LAW,
                    "family_support",
                    "criminal_victim",
                    "private_prosecution",
                    "criminal_civil_claim",
                }
            ),
            _l(
                "Abuse, abandonment or domestic violence removes the hardship test only for claims about them (Art. 32)."
            ),
        ),
        Exemption(
            "other_no_test",
            _l("Another claim a law frees from the hardship test"),
            _l(
                "Another law says your claim needs no hardship test: name that law when you describe what happened (Art. 32(5))."
            ),
            "proof_other_no_test",
            by_law=True,
        ),
    )
}

#: Art. 42: the means check is waived for these people when they show proof.
MEANS_WAIVERS = {
    e.key: e
    for e in (
        Exemption(
            "no_income_vulnerable",
            _l("Under 18, elderly or disabled, with no fixed income"),
            _l(
                "A minor, an older person or a person with a disability who has no steady income to live on (Art. 42(1))."
            ),
            "proof_no_income_vulnerable",
        ),
        Exemption(
            "assistance_recipient",
            _l("I receive minimum living allowance or other assistance"),
            _l(
                "Minimum living allowance (低保), support for people in extreme poverty (特困供养), judicial assistance or special care for service families (优抚) (Art. 42(2))."
            ),
            "proof_assistance_recipient",
        ),
        Exemption(
            "migrant_worker",
            _l("Migrant worker claiming pay or a work injury"),
            _l("Only for a claim for unpaid pay or for a work injury (Art. 42(3))."),
            "proof_migrant_worker",
            WAGE_OR_WORK_INJURY,
            _l(
                "For migrant workers, the means check is waived only for a claim for unpaid pay or a work injury (Art. 42)."
            ),
        ),
        Exemption(
            "other_waiver",
            _l("Another situation a law names"),
            _l(
                "Another law or regulation waives the check for you: name it when you describe what happened (Art. 42(4))."
            ),
            "proof_other_waiver",
            by_law=True,
        ),
    )
}
EXEMPTION_LABELS = {key: e.label for key, e in (CLAIM_EXEMPTIONS | MEANS_WAIVERS).items()}


def exemption_options(exemptions: dict) -> list:
    return options([*((key, e.label) for key, e in exemptions.items()), (NONE_OF_THESE, _l("None of these"))])


def exemption_hints(exemptions: dict) -> dict:
    return {key: e.hint for key, e in exemptions.items()}


STAGES = {
    "pre_litigation": _l("Not yet before a court or arbitration"),
    "arbitration": _l("Labour or other arbitration"),
    "first_instance": _l("First-instance trial"),
    "second_instance": _l("Appeal (second instance)"),
    "enforcement": _l("Enforcement of a judgment"),
    "investigation": _l("Criminal investigation"),
    "prosecution_review": _l("Review for prosecution"),
    "criminal_trial": _l("Criminal trial"),
    "death_review": _l("Death-sentence review"),
    "compulsory_treatment": _l("Compulsory medical treatment proceedings"),
}
#: What kind of matter it is, asked before the matter and its stage (issue #30): plain words
#: for 民事 / 行政 / 刑事, examples in the hints.
CIVIL, ADMINISTRATIVE, CRIMINAL = "civil", "administrative", "criminal"
MATTER_KINDS = {
    CIVIL: _l("A dispute with a person or a business"),
    ADMINISTRATIVE: _l("A dispute with a government office"),
    CRIMINAL: _l("A criminal case"),
}
MATTER_KIND_HINTS = {
    CIVIL: _l(
        "For example unpaid pay, an injury at work, support for a parent or child, a traffic accident."
    ),
    ADMINISTRATIVE: _l(
        "For example state compensation, social insurance or assistance refused, a pension, a fine you dispute."
    ),
    CRIMINAL: _l("Someone is accused of a crime, or you are the victim of a crime."),
}
#: The stages of a civil matter, and of an administrative one (no arbitration there).
CIVIL_STAGES = ("pre_litigation", "arbitration", "first_instance", "second_instance", "enforcement")
ADMINISTRATIVE_STAGES = ("pre_litigation", "first_instance", "second_instance", "enforcement")
#: The stages of criminal proceedings (a notice arrives at one of them).
CRIMINAL_STAGES = (
    "investigation",
    "prosecution_review",
    "criminal_trial",
    "second_instance",
    "death_review",
    "compulsory_treatment",
)

#: Art. 38: who handles the case decides which legal aid centre handles the application.
NO_AUTHORITY = "none"
AUTHORITIES = {
    "court": _l("A court"),
    "procuratorate": _l("A procuratorate"),
    "police": _l("The police"),
    "arbitration": _l("An arbitration commission"),
    NO_AUTHORITY: _l("None yet"),
}
#: Who may be handling a matter of each kind now (the office page offers only these).
KIND_AUTHORITIES = {
    CIVIL: ("court", "arbitration", NO_AUTHORITY),
    ADMINISTRATIVE: ("court", NO_AUTHORITY),
    CRIMINAL: ("police", "procuratorate", "court", NO_AUTHORITY),
}
HERE, ELSEWHERE = "here", "elsewhere"
PLACES = {HERE: _l("In this county"), ELSEWHERE: _l("In another county or city")}

#: Who fills in the form (Arts. 39-40).
SELF, GUARDIAN, RELATIVE, AGENT = "self", "guardian", "relative", "agent"
APPLICANT_ROLES = {
    SELF: _l("Myself"),
    GUARDIAN: _l("Someone I am the parent or guardian of"),
    RELATIVE: _l("A close relative"),
    AGENT: _l("Someone who asked me in writing to apply"),
}
APPLICANT_ROLE_HINTS = {
    GUARDIAN: _l("A child under 18, or an adult who cannot fully manage their own affairs (Art. 40)."),
    RELATIVE: _l(
        "For example a relative who is detained, a victim of crime, or a person whose guardian harms them (Arts. 29 and 40)."
    ),
    AGENT: _l("They must sign a written authorisation for you."),
}
GUARDIAN_BASES = {
    "by_law": _l("By law, as their parent or close relative"),
    "appointed": _l("Appointed by a committee, the civil affairs office or a court"),
}
#: The authority recorded with an application made for someone else.
AUTHORITY_LABELS = {
    "guardian_by_law": _l("Guardian by law"),
    "guardian_appointed": _l("Appointed guardian"),
    "close_relative": _l("Close relative"),
    "written_authorisation": _l("Written authorisation"),
}

NOT_RELATED = "not_related"
#: The close relatives of the Civil Code, Art. 1045 (a closed list: no "other close relative").
RELATIONS = {
    "spouse": _l("Spouse"),
    "parent": _l("Parent"),
    "child": _l("Child"),
    "sibling": _l("Brother or sister"),
    "grandparent": _l("Grandparent"),
    "grandchild": _l("Grandchild"),
    NOT_RELATED: _l("Not related"),
}
#: Labels of relations recorded before the list was closed (shown on old applications).
RELATION_LABELS = {**RELATIONS, "other_relative": _l("Other close relative")}

YES_NO = {"yes": _l("Yes"), "no": _l("No")}

#: What an officer may ask for, and what the confirmation asks the applicant to bring.
MATERIALS = {
    "id_copy": _l("Copy of your resident ID card"),
    "hukou": _l("Household register (户口簿) or residence permit"),
    "income_proof": _l("Proof of household income or an economic-hardship statement"),
    "status_proof": _l("Proof of the situation that waives the means check"),
    "relation_proof": _l("Proof of your relation to the person you apply for"),
    "guardian_proof": _l(
        "Proof that you are their guardian (household register, birth certificate, or the appointment or court decision)"
    ),
    "dispute_evidence": _l("Main evidence of the dispute (contract, pay slips, medical records…)"),
    "court_documents": _l("Court, arbitration or police documents received so far"),
    "power_of_attorney": _l("Signed authorisation of the person you apply for"),
    "low_income_proof": _l("Proof that your household is recognised as low-income"),
    "sudden_hardship_proof": _l("Proof of the sudden hardship (a disaster, accident or serious illness)"),
    "proof_martyr_relative": _l("Proof that you are a close relative of the hero or martyr"),
    "proof_good_samaritan": _l("Proof of the act of bravery, such as its official recognition"),
    "proof_retrial_acquittal": _l("The retrial judgment that acquitted you"),
    "proof_abuse_victim": _l(
        "Proof of the abuse, abandonment or domestic violence (police record, protection order, medical records…)"
    ),
    "proof_other_no_test": _l("The law that removes the hardship test, and proof that it applies to you"),
    "proof_no_income_vulnerable": _l("Proof of your age or disability, and that you have no fixed income"),
    "proof_assistance_recipient": _l(
        "Your certificate of minimum living allowance, extreme-poverty support, judicial assistance or special care"
    ),
    "proof_migrant_worker": _l(
        "Proof that you are a migrant worker, and of the work (contract, pay records or work-injury documents)"
    ),
    "proof_other_waiver": _l("The law that waives the means check, and proof that it applies to you"),
}
