"""The health-check request as question pages (issue #30): what to check, how and when,
the enterprise's quick self-assessment (only for the areas chosen, three areas a page), and
the enterprise's details when "My enterprise" does not hold them yet. Each page fits two
phone screens, three in elderly mode (tests/browser/test_page_heights.py)."""

from flask_babel import lazy_gettext as _l

from portal.core.question_pages import Page, QuestionPages
from portal.health_checks.vocabulary import QUESTIONS

#: The self-assessment, a few areas a page (all nine on one page were four phone screens
#: tall): page name -> its areas, in the order of QUESTIONS. A page is asked when one of its
#: areas was chosen, and asks only the chosen ones.
SELF_ASSESSMENT = {
    "self-assessment": ("governance", "contracts", "labour"),
    "self-assessment-2": ("ip", "tax", "safety"),
    "self-assessment-3": ("data", "financing", "disputes"),
}
assert [area for group in SELF_ASSESSMENT.values() for area in group] == list(QUESTIONS)
INTRO = _l(
    "Answer for the areas you chose: it helps the lawyers prepare. Each answer that needs a closer look points them to a likely risk."
)
#: The enterprise's details, asked only when "My enterprise" lacks them.
ENTERPRISE_FIELDS = ("industry", "employees", "township_id", "park")


def _areas(answers) -> list:
    return answers.getlist("areas") if hasattr(answers, "getlist") else list(answers.get("areas") or [])


def _chose(*areas: str):
    return lambda answers: any(area in _areas(answers) for area in areas)


def request_pages(known: bool) -> QuestionPages:
    """The pages; the enterprise's page only when its details are not known yet."""
    return QuestionPages(
        (
            Page("areas", _l("What the lawyers should check"), ("areas",)),
            Page("how", _l("How and when"), ("mode", "preferred_dates", "notes")),
            *(
                Page(
                    name,
                    _l("Quick self-assessment (optional)"),
                    tuple((f"q_{area}", _chose(area)) for area in group),
                    when=_chose(*group),
                    intro=INTRO,
                )
                for name, group in SELF_ASSESSMENT.items()
            ),
            Page(
                "enterprise",
                _l("About the enterprise"),
                ENTERPRISE_FIELDS,
                when=lambda answers: not known,
            ),
        )
    )
