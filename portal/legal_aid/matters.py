"""What legal aid covers (Arts. 24, 29, 31, 32, 42) and the eligibility self-check."""

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.core.choices import grouped

CRIMINAL_MATTERS = {
    "criminal_defence": _l("Criminal suspect or defendant without a defence lawyer (Art. 24)"),
    "criminal_victim": _l("Victim of a crime in a public prosecution, or a close relative (Art. 29)"),
    "private_prosecution": _l("Private prosecutor or their legal representative (Art. 29)"),
}
CIVIL_MATTERS = {
    "state_compensation": _l("State compensation (国家赔偿)"),
    "social_insurance": _l("Social insurance benefits or social assistance"),
    "survivor_pension": _l("Survivor and disability pensions (抚恤金)"),
    "family_support": _l("Support for parents, children or a spouse (赡养费、抚养费、扶养费)"),
    "labour": _l("Confirming an employment relationship or claiming unpaid pay"),
    "civil_capacity": _l("Declaring a person without or with limited civil capacity"),
    "personal_injury": _l(
        "Personal injury from a work, traffic, food or drug safety, or medical accident"
    ),
    "environment": _l("Damage from environmental pollution or ecological destruction"),
    "other_by_law": _l("Another matter that a law, regulation or rule puts under legal aid"),
}
NOT_COVERED = "not_listed"
OTHER_MATTERS = {NOT_COVERED: _l("Something else")}

ALL_MATTERS = {**CRIMINAL_MATTERS, **CIVIL_MATTERS, **OTHER_MATTERS}


def matter_choices():
    """Matter types grouped in <optgroup>s for a select box."""
    return grouped(
        {
            _l("Criminal matters"): CRIMINAL_MATTERS,
            _l("Civil and administrative matters"): CIVIL_MATTERS,
            _l("Other"): OTHER_MATTERS,
        }
    )


#: Art. 32: no economic-hardship test at all.
NO_MEANS_TEST = {
    "martyr_relative": _l("Close relative of a hero or martyr protecting their rights (Art. 32)"),
    "good_samaritan": _l("Claim arising from an act of bravery for a just cause (见义勇为, Art. 32)"),
    "retrial_acquittal": _l("State compensation after acquittal on retrial (Art. 32)"),
    "abuse_victim": _l("Victim of abuse, abandonment or domestic violence (Art. 32)"),
}
#: Art. 42: the means check is waived on proof of status.
MEANS_CHECK_WAIVED = {
    "no_income_vulnerable": _l(
        "Minor, or elderly or disabled person without a fixed income (Art. 42)"
    ),
    "assistance_recipient": _l("Receives social, judicial or special-care assistance (Art. 42)"),
    "migrant_worker": _l("Migrant worker claiming wages or work-injury compensation (Art. 42)"),
}
EXEMPTIONS = {**NO_MEANS_TEST, **MEANS_CHECK_WAIVED}

STAGES = {
    "pre_litigation": _l("Not yet before a court or arbitration"),
    "arbitration": _l("Labour or other arbitration"),
    "first_instance": _l("First-instance trial"),
    "second_instance": _l("Appeal (second instance)"),
    "enforcement": _l("Enforcement of a judgment"),
    "investigation": _l("Criminal investigation"),
    "prosecution_review": _l("Review for prosecution"),
    "criminal_trial": _l("Criminal trial"),
}

RELATIONS = {
    "spouse": _l("Spouse"),
    "parent": _l("Parent"),
    "child": _l("Child"),
    "sibling": _l("Brother or sister"),
    "grandparent": _l("Grandparent"),
    "grandchild": _l("Grandchild"),
    "other_relative": _l("Other close relative"),
}

LIKELY, MAYBE, UNLIKELY, NOT_COVERED_RESULT = "likely", "maybe", "unlikely", "not_covered"
RESULT_LABELS = {
    LIKELY: _l("Likely eligible"),
    MAYBE: _l("May be eligible"),
    UNLIKELY: _l("Unlikely to qualify on income"),
    NOT_COVERED_RESULT: _l("Not covered"),
}
#: Income up to this share above the standard is a borderline case the office decides.
BORDERLINE = Decimal("1.2")


@dataclass
class Assessment:
    """The self-check's answer and the reasons for it; nothing is stored."""

    result: str
    reasons: list = field(default_factory=list)

    @property
    def label(self):
        return RESULT_LABELS[self.result]


def hardship_threshold(minimum_living: int, multiplier: int) -> Decimal:
    """Monthly income per household member under which a household is in hardship."""
    return Decimal(minimum_living) * multiplier


def assess(
    matter: str,
    exemption: str,
    household_size: int | None,
    monthly_income: int | None,
    *,
    minimum_living: int,
    multiplier: int,
) -> Assessment:
    """Apply the Legal Aid Law's coverage and means rules to the self-check answers."""
    reasons = []
    threshold = hardship_threshold(minimum_living, multiplier)
    if matter == NOT_COVERED:
        if exemption in NO_MEANS_TEST:
            reasons.append(_l("Your situation is one the law treats specially; the legal aid office decides whether the matter is covered."))
            return Assessment(MAYBE, reasons)
        reasons.append(_l("This kind of matter is not among those the Legal Aid Law covers (Arts. 24, 29 and 31)."))
        reasons.append(_l("Book a free legal consultation: a lawyer can advise you on other help."))
        return Assessment(NOT_COVERED_RESULT, reasons)
    reasons.append(_l("The matter is of a kind the Legal Aid Law covers."))
    if exemption in NO_MEANS_TEST:
        reasons.append(_l("No economic-hardship test applies in your situation (Art. 32)."))
        return Assessment(LIKELY, reasons)
    if exemption in MEANS_CHECK_WAIVED:
        reasons.append(_l("The means check is waived when you show proof of your situation (Art. 42)."))
        return Assessment(LIKELY, reasons)
    if not household_size or monthly_income is None:
        reasons.append(_l("Give your household size and income to check the economic condition."))
        return Assessment(MAYBE, reasons)
    per_person = Decimal(monthly_income) / household_size
    if per_person <= threshold:
        reasons.append(
            _l(
                "Your household income per person (%(income)s yuan a month) is within the hardship standard of %(threshold)s yuan.",
                income=f"{per_person:.0f}",
                threshold=f"{threshold:.0f}",
            )
        )
        return Assessment(LIKELY, reasons)
    if per_person <= threshold * BORDERLINE:
        reasons.append(
            _l(
                "Your household income per person (%(income)s yuan a month) is slightly above the hardship standard of %(threshold)s yuan; the office looks at your whole situation.",
                income=f"{per_person:.0f}",
                threshold=f"{threshold:.0f}",
            )
        )
        return Assessment(MAYBE, reasons)
    reasons.append(
        _l(
            "Your household income per person (%(income)s yuan a month) is above the hardship standard of %(threshold)s yuan.",
            income=f"{per_person:.0f}",
            threshold=f"{threshold:.0f}",
        )
    )
    reasons.append(_l("You may still apply; the legal aid office makes the decision."))
    return Assessment(UNLIKELY, reasons)
