"""Who may get legal aid for which claim: the rules of the self-check and of the form.

Art. 24: a suspect or defendant without a lawyer may apply because of economic hardship
*or other reasons*, so income never rules them out. Art. 29: victims and the other
criminal parties, Art. 31: the civil and administrative matters (and the province's),
both means-tested. Art. 32: claims with no hardship test at all, covered even outside the
Art. 31 list. Art. 42: people whose means check is waived on proof. An exemption belongs
to a claim: each applies only to the matters it names. Art. 34: the hardship standard is
the province's (portal.legal_aid.hardship). Art. 38: the centre where the case is handled
(or the matter happened) is competent.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from portal.legal_aid.hardship import ABOVE, BORDERLINE, WITHIN, HardshipRule, Means
from portal.legal_aid.matters import (
    CLAIM_EXEMPTIONS,
    CRIMINAL_DEFENCE,
    ELSEWHERE,
    MEANS_WAIVERS,
    OTHER_BY_LAW,
    Exemption,
    covered_matters,
)

LIKELY, MAYBE, UNLIKELY, NOT_COVERED_RESULT = "likely", "maybe", "unlikely", "not_covered"
RESULT_LABELS = {
    LIKELY: _l("Likely eligible"),
    MAYBE: _l("May be eligible"),
    UNLIKELY: _l("Unlikely to qualify on income"),
    NOT_COVERED_RESULT: _l("Not covered"),
}


@dataclass(frozen=True)
class Answers:
    """What a person says about the claim and their means (the self-check or the form)."""

    matter: str
    #: A key of CLAIM_EXEMPTIONS (Art. 32), or None.
    claim_exemption: str | None = None
    #: A key of MEANS_WAIVERS (Art. 42), or None.
    means_waiver: str | None = None
    means: Means = field(default_factory=Means)
    #: HERE or ELSEWHERE (Art. 38), or None when not said.
    place: str | None = None


@dataclass
class Assessment:
    """The self-check's answer, the reasons, and the proof to bring; nothing is stored."""

    result: str
    reasons: list = field(default_factory=list)
    #: Keys of MATERIALS: the proof of the exemption or of hardship.
    proofs: list[str] = field(default_factory=list)
    #: Another centre is competent (Art. 38).
    elsewhere: bool = False

    @property
    def label(self):
        return RESULT_LABELS[self.result]


def claim_exemption(answers: Answers) -> Exemption | None:
    """The Art. 32 exemption chosen, if it applies to this claim."""
    chosen = CLAIM_EXEMPTIONS.get(answers.claim_exemption or "")
    return chosen if chosen and chosen.applies_to(answers.matter) else None


def means_waiver(answers: Answers) -> Exemption | None:
    """The Art. 42 waiver chosen, if it applies to this claim."""
    chosen = MEANS_WAIVERS.get(answers.means_waiver or "")
    return chosen if chosen and chosen.applies_to(answers.matter) else None


def misapplied(answers: Answers) -> list[tuple[str, object]]:
    """(question, why) for each exemption chosen that does not apply to this claim."""
    wrong = []
    for question, chosen in (
        ("claim_exemption", CLAIM_EXEMPTIONS.get(answers.claim_exemption or "")),
        ("means_waiver", MEANS_WAIVERS.get(answers.means_waiver or "")),
    ):
        if chosen and not chosen.applies_to(answers.matter):
            wrong.append((question, chosen.not_this_claim))
    return wrong


def means_test_needed(answers: Answers) -> bool:
    """Whether the hardship questions must be answered: not for a claim free of the test,
    a person whose check is waived, or a criminal defence (other reasons count)."""
    if answers.matter == CRIMINAL_DEFENCE:
        return False
    return claim_exemption(answers) is None and means_waiver(answers) is None


def assess(answers: Answers, rule: HardshipRule) -> Assessment:
    """Apply the Legal Aid Law's coverage, exemption and hardship rules to the answers."""
    assessment = _assess(answers, rule)
    assessment.reasons[:0] = [why for _question, why in misapplied(answers)]
    if answers.place == ELSEWHERE:
        assessment.elsewhere = True
    return assessment


def _assess(answers: Answers, rule: HardshipRule) -> Assessment:
    claim, waiver = claim_exemption(answers), means_waiver(answers)
    if answers.matter == CRIMINAL_DEFENCE:
        return _criminal_defence(answers, waiver, rule)
    listed = answers.matter in covered_matters()
    if claim is not None and not claim.by_law:
        reasons = [
            _l("The matter is of a kind the Legal Aid Law covers.")
            if listed
            else _l(
                "This claim is covered even though its kind is not among the matters the law lists (Art. 32)."
            ),
            _l("No economic-hardship test applies to this claim (Art. 32)."),
        ]
        return Assessment(LIKELY, reasons, [claim.proof])
    if not listed and claim is None:
        return Assessment(
            NOT_COVERED_RESULT,
            [
                _l("This kind of matter is not among those the Legal Aid Law covers (Arts. 24, 29 and 31)."),
                _l("Book a free legal consultation: a lawyer can advise you on other help."),
            ],
        )
    reasons = [_l("The matter is of a kind the Legal Aid Law covers.")] if listed else []
    if claim is not None:  # Art. 32(五): which law, and does it apply? The office checks.
        reasons.append(
            _l(
                "The legal aid office checks which law you mean and whether it frees this claim from the hardship test (Art. 32)."
            )
        )
        return Assessment(MAYBE, reasons, [claim.proof])
    best = LIKELY
    if answers.matter == OTHER_BY_LAW:
        reasons.append(_l("The legal aid office checks which law covers the matter."))
        best = MAYBE
    if waiver is not None:
        if waiver.by_law:
            reasons.append(
                _l(
                    "The legal aid office checks which law you mean and whether it waives the means check (Art. 42)."
                )
            )
            return Assessment(MAYBE, reasons, [waiver.proof])
        reasons.append(_l("The means check is waived when you show proof of your situation (Art. 42)."))
        return Assessment(best, reasons, [waiver.proof])
    finding = rule.judge(answers.means)
    reasons += finding.reasons
    result = {WITHIN: best, BORDERLINE: MAYBE, ABOVE: UNLIKELY}.get(finding.verdict, MAYBE)
    return Assessment(result, reasons, finding.proofs)


def _criminal_defence(answers: Answers, waiver: Exemption | None, rule: HardshipRule) -> Assessment:
    """Art. 24: hardship or other reasons; income never rules a suspect out."""
    reasons = [
        _l(
            "A suspect or defendant without a lawyer may apply because of economic hardship or for other reasons (Art. 24)."
        ),
        _l(
            "In some cases the police, procuratorate or court must ask for a legal aid lawyer without any application: for example if you are under 18, blind, deaf or mute, cannot fully understand your own conduct, or may face life imprisonment or death (Art. 25)."
        ),
    ]
    if waiver is not None and not waiver.by_law:
        reasons.append(_l("The means check is waived when you show proof of your situation (Art. 42)."))
        return Assessment(LIKELY, reasons, [waiver.proof])
    finding = rule.judge(answers.means)
    if finding.verdict == WITHIN:
        return Assessment(LIKELY, reasons + finding.reasons, finding.proofs)
    reasons.append(_l("Reasons other than money count too: explain them when you apply."))
    return Assessment(MAYBE, reasons, [waiver.proof] if waiver else [])
