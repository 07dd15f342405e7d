"""The mediation application as question pages (issue #30): who you are, the other party,
the dispute, a court or arbitration already involved, how the mediation is held (the
mediator you would like, public or not), your contact details (safe contact), and the
declaration after the rights and duties. The form has no files: no page for them."""

from flask_babel import lazy_gettext as _l

from portal.core.question_pages import Page, QuestionPages

PAGES = QuestionPages(
    (
        Page("you", _l("About you"), ("applicant_name",)),
        Page("other-party", _l("The other party"), ("other_name", "other_mobile", "other_address")),
        Page("dispute", _l("The dispute"), ("dispute_type", "township", "facts", "claims")),
        Page("court", _l("A court or arbitration"), ("in_court",)),
        Page("mediator", _l("How the mediation is held"), ("preferred_mediator", "privacy")),
        Page(
            "contact",
            _l("Your contact details"),
            ("mobile", "applicant_address", "no_texts", "contact_how", "tracking_pin", "tracking_pin_again"),
        ),
        Page("declaration", _l("Declaration"), ("rights_read", "consent")),
    )
)
