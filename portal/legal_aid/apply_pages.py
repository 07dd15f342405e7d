"""The legal aid application as question pages (issue #30): who needs aid, the matter,
who handles it, the claims free of the means test, the means (only when needed), what
happened, the contact details, files and the declaration. The person who needs aid is the
申请人; someone else may apply for them (代为申请, Art. 40)."""

from flask_babel import lazy_gettext as _l

from portal.core.choices import options
from portal.core.question_pages import Page, QuestionPages
from portal.legal_aid.eligibility import Answers, means_test_needed
from portal.legal_aid.form_fields import _chosen
from portal.legal_aid.matters import (
    AGENT,
    CHOOSE,
    CRIMINAL_MATTERS,
    CRIMINAL_STAGES,
    GUARDIAN,
    RELATIVE,
    SELF,
    STAGES,
)

#: The stages of a civil or administrative matter (a criminal one has CRIMINAL_STAGES).
CIVIL_STAGES = ("pre_litigation", "arbitration", "first_instance", "second_instance", "enforcement")


def _for_someone_else(answers) -> bool:
    return answers.get("applying_for") not in (None, "", SELF)


def _role(*roles):
    return lambda answers: answers.get("applying_for") in roles


def _means_needed(answers) -> bool:
    if not answers.get("matter_type"):
        return True
    return means_test_needed(
        Answers(
            matter=answers.get("matter_type"),
            claim_exemption=_chosen(answers.get("claim_exemption")),
            means_waiver=_chosen(answers.get("means_waiver")),
        )
    )


PAGES = QuestionPages(
    (
        Page("who", _l("Who needs legal aid"), ("applying_for",)),
        Page(
            "person",
            _l("The person who needs legal aid"),
            (
                ("relation", _role(GUARDIAN, RELATIVE, AGENT)),
                "represented_name",
                "represented_id_number",
                ("guardian_basis", _role(GUARDIAN)),
                ("agent_authorised", _role(AGENT)),
            ),
            when=_for_someone_else,
            intro=_l(
                "You apply for them: they are the applicant. Their answers below are about them, your contact details come later."
            ),
        ),
        Page("matter", _l("The matter"), ("matter_type", "counsel_retained")),
        Page(
            "office",
            _l("Who handles it now"),
            ("stage", "handling_authority", "case_place", "case_place_name"),
        ),
        Page("claims", _l("When your money is not checked"), ("claim_exemption", "means_waiver")),
        Page(
            "means",
            _l("Household means"),
            ("household_size", "monthly_income", "low_income", "sudden_hardship"),
            when=_means_needed,
        ),
        Page("facts", _l("What happened and what you ask for"), ("opposing_party", "facts", "urgent")),
        Page(
            "contact",
            _l("Your contact details"),
            (
                "applicant_name",
                "id_number",
                "mobile",
                "address",
                "township",
                "no_texts",
                "contact_how",
                "tracking_pin",
                "tracking_pin_again",
            ),
        ),
        Page("files", _l("Documents"), ("attachments",)),
        Page("declaration", _l("Declaration"), ("pledge", "consent")),
    )
)


def prepare(form, page) -> None:
    """Only the stages that fit the matter: criminal ones for a criminal case."""
    matter = form.matter_type.data
    if matter:
        fitting = CRIMINAL_STAGES if matter in CRIMINAL_MATTERS else CIVIL_STAGES
        form.stage.choices = options([CHOOSE, *((key, STAGES[key]) for key in fitting)])
