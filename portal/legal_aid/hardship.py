"""The economic-hardship standard (Legal Aid Law, Art. 34): each province sets its own,
so the standard is a pluggable rule, chosen by the setting LEGAL_AID_HARDSHIP_RULE:

- "income": household income per person per month against an amount (the minimum living
  standard times HARDSHIP_MULTIPLIER), urban or rural by the township where the
  applicant lives (LEGAL_AID_RURAL_TOWNSHIPS);
- "hunan": Hunan's rule, recognition as a low-income household (低收入人口) by the local
  government, or a sudden hardship that needs social assistance;
- "package.module:Class": a rule of the deployment's own, built like these from the config.

Every amount may be a decimal: amounts are read as Decimal from their text.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from flask import current_app
from flask_babel import lazy_gettext as _l

WITHIN, BORDERLINE, ABOVE, UNKNOWN = "within", "borderline", "above", "unknown"
#: Income up to this share above the standard is a borderline case the office decides.
BORDERLINE_SHARE = Decimal("1.2")


@dataclass(frozen=True)
class Means:
    """What the applicant says about the household's means (each rule reads its own)."""

    household_size: int | None = None
    monthly_income: int | None = None
    low_income: bool | None = None
    sudden_hardship: bool | None = None
    #: The township where the applicant lives (urban and rural amounts differ).
    township_code: str | None = None


@dataclass
class Finding:
    """A rule's answer: WITHIN, BORDERLINE, ABOVE or UNKNOWN, why, and the proof it needs."""

    verdict: str
    reasons: list = field(default_factory=list)
    proofs: list[str] = field(default_factory=list)


def decimal(value) -> Decimal:
    """A setting's number as an exact Decimal (1.5 stays 1.5, not 1.5000000000000000001)."""
    return Decimal(str(value))


def yuan(amount: Decimal) -> str:
    """An amount as people write it: 1860, or 1395.75 when there are fen."""
    cents = amount.quantize(Decimal("0.01"))
    return f"{cents:.0f}" if cents == cents.to_integral_value() else f"{cents:.2f}"


class HardshipRule:
    """One province's standard of economic hardship."""

    name = ""
    #: The questions (fields of Means) that the self-check and the form ask for this rule.
    questions: tuple[str, ...] = ()
    #: Whether the standard depends on the township where the applicant lives.
    needs_township = False

    def __init__(self, config):
        self.config = config

    def describe(self):
        """The standard in one sentence, for the self-check."""
        raise NotImplementedError

    def judge(self, means: Means) -> Finding:
        raise NotImplementedError


class IncomeRule(HardshipRule):
    """Household income per person per month against an urban or a rural amount."""

    name = "income"
    questions = ("household_size", "monthly_income")

    def __init__(self, config):
        super().__init__(config)
        multiplier = decimal(config["HARDSHIP_MULTIPLIER"])
        self.urban = decimal(config["MINIMUM_LIVING_STANDARD_MONTHLY"]) * multiplier
        self.rural = decimal(config["MINIMUM_LIVING_STANDARD_RURAL_MONTHLY"]) * multiplier
        self.rural_townships = config["LEGAL_AID_RURAL_TOWNSHIPS"]
        #: The amounts are the illustrative defaults: public pages mark them 演示.
        self.demo = bool(config.get("LEGAL_AID_HARDSHIP_AMOUNTS_ARE_DEMO"))

    @property
    def needs_township(self) -> bool:
        return self.urban != self.rural

    def is_rural(self, township_code: str) -> bool:
        """Rural by the setting's list or, without one, by the national code: towns (镇,
        100-199) and townships (乡, 200-399) are rural, subdistricts (街道) urban."""
        if self.rural_townships is not None:
            return township_code in self.rural_townships
        return len(township_code) >= 9 and township_code[6:9].isdigit() and int(township_code[6:9]) >= 100

    def amount_for(self, township_code: str | None) -> Decimal | None:
        """The amount where the applicant lives (None: unknown, and the two differ)."""
        if self.urban == self.rural:
            return self.urban
        if not township_code:
            return None
        return self.rural if self.is_rural(township_code) else self.urban

    def describe(self):
        if self.urban == self.rural:
            text = _l(
                "The hardship standard is %(amount)s yuan a month per household member.",
                amount=yuan(self.urban),
            )
        else:
            text = _l(
                "The hardship standard is %(urban)s yuan a month per household member in urban areas and %(rural)s yuan in rural areas, by the township where you live.",
                urban=yuan(self.urban),
                rural=yuan(self.rural),
            )
        if self.demo:
            mark = _l("(demo figures: the county's published amounts replace them)")
            return f"{text} {mark}"
        return text

    def judge(self, means: Means) -> Finding:
        proofs = ["income_proof"]
        if not means.household_size or means.monthly_income is None:
            return Finding(
                UNKNOWN, [_l("Give your household size and income to check the economic condition.")], proofs
            )
        per_person = decimal(means.monthly_income) / means.household_size
        amount = self.amount_for(means.township_code)
        reasons = []
        if amount is None:
            low, high = min(self.urban, self.rural), max(self.urban, self.rural)
        else:
            low = high = amount
            if self.urban != self.rural:
                rural = self.is_rural(means.township_code)
                reasons.append(
                    _l("The amount for rural areas applies where you live.")
                    if rural
                    else _l("The amount for urban areas applies where you live.")
                )
        income = yuan(per_person)
        if per_person <= low:
            reasons.append(
                _l(
                    "Your household income per person (%(income)s yuan a month) is within the hardship standard of %(threshold)s yuan.",
                    income=income,
                    threshold=yuan(low),
                )
            )
            return Finding(WITHIN, reasons, proofs)
        if per_person > high * BORDERLINE_SHARE:
            reasons.append(
                _l(
                    "Your household income per person (%(income)s yuan a month) is above the hardship standard of %(threshold)s yuan.",
                    income=income,
                    threshold=yuan(high),
                )
            )
            reasons.append(_l("You may still apply; the legal aid office makes the decision."))
            return Finding(ABOVE, reasons, proofs)
        if amount is None:
            reasons.append(
                _l(
                    "Choose the township where you live: the standard is %(urban)s yuan in urban areas and %(rural)s yuan in rural areas.",
                    urban=yuan(self.urban),
                    rural=yuan(self.rural),
                )
            )
            return Finding(UNKNOWN, reasons, proofs)
        reasons.append(
            _l(
                "Your household income per person (%(income)s yuan a month) is slightly above the hardship standard of %(threshold)s yuan; the office looks at your whole situation.",
                income=income,
                threshold=yuan(amount),
            )
        )
        return Finding(BORDERLINE, reasons, proofs)


class HunanRule(HardshipRule):
    """Hunan: recognised as low-income by the local government, or in sudden hardship."""

    name = "hunan"
    questions = ("low_income", "sudden_hardship")

    def describe(self):
        return _l(
            "Economic hardship means that the local government recognises your household as low-income (低收入人口), or that a sudden event leaves you in hardship that needs social assistance."
        )

    def judge(self, means: Means) -> Finding:
        if means.low_income:
            return Finding(
                WITHIN,
                [
                    _l(
                        "Your household is recognised as low-income: that is economic hardship under the province's rule."
                    )
                ],
                ["low_income_proof"],
            )
        if means.sudden_hardship:
            return Finding(
                WITHIN,
                [
                    _l(
                        "A sudden hardship that needs social assistance is economic hardship under the province's rule."
                    )
                ],
                ["sudden_hardship_proof"],
            )
        if means.low_income is None or means.sudden_hardship is None:
            return Finding(
                UNKNOWN,
                [_l("Answer the questions about your household to check the economic condition.")],
                ["low_income_proof"],
            )
        return Finding(
            ABOVE,
            [
                _l(
                    "Under the province's rule, economic hardship means recognition as a low-income household or a sudden hardship, and neither applies."
                ),
                _l("You may still apply; the legal aid office makes the decision."),
            ],
            [],
        )


RULES = {rule.name: rule for rule in (IncomeRule, HunanRule)}


def hardship_rule(config=None) -> HardshipRule:
    """The rule in force, built from the config (the app's when none is given)."""
    config = config if config is not None else current_app.config
    name = config["LEGAL_AID_HARDSHIP_RULE"]
    if name in RULES:
        return RULES[name](config)
    module_name, _, class_name = name.partition(":")
    if not class_name:
        raise ValueError(f"LEGAL_AID_HARDSHIP_RULE: {name!r} is neither {sorted(RULES)} nor 'module:Class'")
    return getattr(import_module(module_name), class_name)(config)
