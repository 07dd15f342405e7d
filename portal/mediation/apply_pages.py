"""The mediation application as question pages (issue #30): who you are, the other party,
the dispute (its kind and place, then what happened and what you ask), a court or
arbitration already involved, the mediator you would like, your contact details, safe
contact, the rights and duties above public or not (issue 34), and the declaration. Each
page fits two phone screens (tests/browser/test_page_heights.py). The form has no files: no page for them."""

from flask_babel import lazy_gettext as _l

from portal.core.question_pages import Page, QuestionPages

PAGES = QuestionPages(
    (
        Page("you", _l("About you"), ("applicant_name",)),
        Page("other-party", _l("The other party"), ("other_name", "other_mobile", "other_address")),
        Page("dispute", _l("The dispute"), ("dispute_type", "township")),
        Page("what-happened", _l("What happened and what you ask for"), ("facts", "claims")),
        Page("court", _l("A court or arbitration"), ("in_court",)),
        Page("mediator", _l("Choosing a mediator"), ("preferred_mediator",)),
        Page("contact", _l("Your contact details"), ("mobile", "applicant_address")),
        Page(
            "safe-contact",
            _l("No text messages (safe contact)"),
            ("no_texts", "contact_how", "tracking_pin", "tracking_pin_again"),
        ),
        # The rights and duties are read above the choice of non-public mediation (issue 34).
        Page("rights", _l("Your rights, and who attends"), ("privacy",)),
        Page("declaration", _l("Declaration"), ("rights_read", "consent")),
    )
)
