"""The legal aid application as question pages (issue #30): who needs aid (and, for someone
else, who they are and how the form-filler acts for them), what kind of matter it is, the
matter, its stage (only the stages of that kind), who handles it, the claims free of the
means test, the situations that waive the means check, the means (only when needed), what
happened, the contact details, no text messages, files and the declaration. The person who
needs aid is the 申请人; someone else may apply for them (代为申请, Art. 40). Each page fits
two phone screens, three in elderly mode (tests/browser/test_page_heights.py)."""

from flask_babel import lazy_gettext as _l

from portal.core.choices import options
from portal.core.question_pages import Page, QuestionPages
from portal.legal_aid.eligibility import Answers, means_test_needed
from portal.legal_aid.form_fields import _chosen
from portal.legal_aid.matters import (
    ABUSE_VICTIM,
    ADMINISTRATIVE,
    ADMINISTRATIVE_STAGES,
    AGENT,
    AUTHORITIES,
    CHOOSE,
    CIVIL,
    CIVIL_STAGES,
    CRIMINAL,
    CRIMINAL_MATTERS,
    CRIMINAL_STAGES,
    GUARDIAN,
    KIND_AUTHORITIES,
    RELATIVE,
    SELF,
    STAGES,
    matter_choices,
)

#: The stages that fit each kind of matter.
KIND_STAGES = {CRIMINAL: CRIMINAL_STAGES, ADMINISTRATIVE: ADMINISTRATIVE_STAGES}
SAFE_CONTACT = ("no_texts", "contact_how", "tracking_pin", "tracking_pin_again")


def _for_someone_else(answers) -> bool:
    return answers.get("applying_for") not in (None, "", SELF)


def _role(*roles):
    return lambda answers: answers.get("applying_for") in roles


def _abused(answers) -> bool:
    return answers.get("claim_exemption") == ABUSE_VICTIM


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
            ("represented_name", "represented_id_number"),
            when=_for_someone_else,
            intro=_l(
                "You apply for them: they are the applicant. Their answers below are about them, your contact details come later."
            ),
        ),
        Page(
            "relation",
            _l("How you act for them"),
            (
                ("relation", _role(GUARDIAN, RELATIVE, AGENT)),
                ("guardian_basis", _role(GUARDIAN)),
                ("agent_authorised", _role(AGENT)),
            ),
            when=_role(GUARDIAN, RELATIVE, AGENT),
        ),
        Page("kind", _l("What kind of matter"), ("matter_kind",)),
        Page("matter", _l("The matter"), ("matter_type", "counsel_retained")),
        Page("stage", _l("Where the matter stands"), ("stage",)),
        Page("office", _l("Who handles it now"), ("handling_authority", "case_place", "case_place_name")),
        Page("claims", _l("When your money is not checked"), ("claim_exemption",)),
        Page("waivers", _l("When your money need not be checked"), ("means_waiver",)),
        Page(
            "means",
            _l("Household means"),
            ("household_size", "monthly_income", "low_income", "sudden_hardship"),
            when=_means_needed,
        ),
        Page("facts", _l("What happened and what you ask for"), ("opposing_party", "facts", "urgent")),
        # Someone abused at home is offered no texts before giving a mobile number.
        Page(
            "safe-contact-first",
            _l("No text messages (safe contact)"),
            SAFE_CONTACT,
            when=_abused,
            intro=_l(
                "You apply about abuse, abandonment or domestic violence: you can ask that no text message be sent to your phone."
            ),
        ),
        Page(
            "contact",
            _l("Your contact details"),
            ("applicant_name", "id_number", "mobile", "address", "township"),
        ),
        Page(
            "safe-contact", _l("No text messages (safe contact)"), SAFE_CONTACT, when=lambda a: not _abused(a)
        ),
        Page("files", _l("Documents"), ("attachments",)),
        Page("declaration", _l("Declaration"), ("pledge", "consent")),
    )
)


def prepare(form, page) -> None:
    """Only the matters and the stages that fit the kind of matter chosen."""
    kind = form.matter_kind.data
    if kind:
        form.matter_type.choices = matter_choices(kind)
        form.handling_authority.choices = options(
            (key, AUTHORITIES[key]) for key in KIND_AUTHORITIES.get(kind, KIND_AUTHORITIES[CIVIL])
        )
        fitting = KIND_STAGES.get(kind, CIVIL_STAGES)
    elif form.matter_type.data:  # the kind not asked yet (an older draft): the matter says it
        fitting = CRIMINAL_STAGES if form.matter_type.data in CRIMINAL_MATTERS else CIVIL_STAGES
    else:
        return
    form.stage.choices = options([CHOOSE, *((key, STAGES[key]) for key in fitting)])
