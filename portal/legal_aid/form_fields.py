"""Fields and questions shared by legal aid's public forms (the self-check, the application
and the notice of the police, procuratorate or court): the matter, the claims that need no
means test, the means, and the person's situation."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    RadioField,
    SelectField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from portal.core.choices import options, township_options
from portal.core.fields import WholeNumberField
from portal.core.models import Township
from portal.extensions import db
from portal.legal_aid.hardship import HardshipRule, Means
from portal.legal_aid.matters import (
    CHOOSE,
    CLAIM_EXEMPTIONS,
    MATERIALS,
    MEANS_WAIVERS,
    NONE_OF_THESE,
    YES_NO,
    exemption_hints,
    exemption_options,
    matter_choices,
)

MATERIAL_ITEMS = MATERIALS
MEANS_QUESTIONS = ("household_size", "monthly_income", "low_income", "sudden_hardship")
PLACE_HINT = _l(
    "Where the court, procuratorate, police or arbitration commission is; if nobody handles it yet, where it happened. The legal aid centre of that place decides on your application (Legal Aid Law, Art. 38)."
)


class Radios(RadioField):
    """Radio buttons with none ticked in advance; `hints` explain single options."""

    def __init__(self, label=None, validators=None, hints=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.option_hints = hints or {}

    def pre_validate(self, form):
        if self.data is None:  # unanswered: the validators say whether that is allowed
            return
        super().pre_validate(form)


def township_choices():
    return options([CHOOSE, *((str(c.value), c.label) for c in township_options())])


def township_code(township_id) -> str | None:
    """The national code of a township chosen by its id (the hardship amount depends on it)."""
    if not (str(township_id or "").isascii() and str(township_id or "").isdigit()):  # unanswered, or junk
        return None
    return db.session.scalar(db.select(Township.code).where(Township.id == int(township_id)))


def _yes_no(value) -> bool | None:
    return None if value is None else value == "yes"


def _chosen(value) -> str | None:
    return None if value in (None, "", NONE_OF_THESE) else value


def claim_exemption_field():
    return Radios(
        _l("Is your claim one of these?"),
        choices=exemption_options(CLAIM_EXEMPTIONS),
        hints=exemption_hints(CLAIM_EXEMPTIONS),
        validators=[InputRequired(message=_l("Choose the claim it is, or None of these."))],
        description=_l("For these claims your finances are not tested at all (Legal Aid Law, Art. 32)."),
    )


def means_waiver_field():
    return Radios(
        _l("Does one of these describe you?"),
        choices=exemption_options(MEANS_WAIVERS),
        hints=exemption_hints(MEANS_WAIVERS),
        validators=[InputRequired(message=_l("Choose what describes you, or None of these."))],
        description=_l("If you can prove it, your finances are not checked (Legal Aid Law, Art. 42)."),
    )


def means_fields() -> tuple:
    """The hardship questions of every rule, in MEANS_QUESTIONS order (a form keeps those
    of the rule in force)."""
    return (
        WholeNumberField(_l("People in your household"), validators=[Optional(), NumberRange(min=1, max=30)]),
        WholeNumberField(
            _l("Household income per month (yuan)"),
            validators=[Optional(), NumberRange(min=0, max=10_000_000)],
            description=_l(
                "Everyone in the household together, after income tax and social insurance contributions."
            ),
        ),
        Radios(
            _l("Does the local government recognise your household as low-income?"),
            choices=options(YES_NO),
            validators=[Optional()],
            description=_l("低收入人口: recognised by the township or the civil affairs office."),
        ),
        Radios(
            _l("Has a sudden event left you in hardship that needs social assistance?"),
            choices=options(YES_NO),
            validators=[Optional()],
            description=_l("For example a disaster, an accident or a serious illness."),
        ),
    )


#: Arts. 24, 29, 31: legal aid is for a person with no lawyer or agent in the matter.
COUNSEL_RETAINED = _l(
    "Legal aid is for a person who has no lawyer or agent in this matter (Legal Aid Law, Arts. 24, 29 and 31). Apply when the lawyer or agent no longer acts for you."
)


def retained_counsel_field():
    return Radios(
        _l("Is a lawyer or other agent already acting in this matter?"),
        choices=options(YES_NO),
        validators=[InputRequired(message=_l("Say whether a lawyer or agent already acts in the matter."))],
        description=_l("Hired or otherwise retained for this matter, by you or by the person you apply for."),
    )


def matter_field():
    return SelectField(
        _l("What is the matter about?"),
        choices=matter_choices,
        validators=[DataRequired(message=_l("Choose what the matter is about."))],
        description=_l(
            "Legal aid covers criminal cases and the civil and administrative matters the law lists (Legal Aid Law, Arts. 24, 29 and 31), and those the province adds."
        ),
    )


class Situation:
    """What both forms do with the questions about the claim and the household's means.
    Only the hardship questions of the rule in force stay on a form (see `keep_rule`)."""

    def keep_rule(self, rule: HardshipRule) -> None:
        """Keep the hardship questions of `rule`; drop the others."""
        self.rule = rule
        for name in MEANS_QUESTIONS:
            if name not in rule.questions:
                delattr(self, name)

    def means(self, township_id) -> Means:
        def data(name):
            field = getattr(self, name, None)
            return None if field is None or field.errors else field.data

        return Means(
            household_size=data("household_size"),
            monthly_income=data("monthly_income"),
            low_income=_yes_no(data("low_income")),
            sudden_hardship=_yes_no(data("sudden_hardship")),
            township_code=township_code(township_id),
        )

    def means_problems(self) -> list:
        """The hardship questions left unanswered (when the claim needs them)."""
        unanswered = {
            "household_size": _l(
                "Enter the number of people in your household, or choose a situation above."
            ),
            "monthly_income": _l("Enter the household income per month, or choose a situation above."),
            "low_income": _l(
                "Say whether your household is recognised as low-income, or choose a situation above."
            ),
            "sudden_hardship": _l(
                "Say whether a sudden event left you in hardship, or choose a situation above."
            ),
        }
        problems = []
        for name, message in unanswered.items():
            field = getattr(self, name, None)
            if field is not None and field.data is None and not field.errors:
                problems.append((field, message))
        return problems
