"""The health-check request as question pages (issue #30): what to check, how and when,
the enterprise's quick self-assessment (only for the areas chosen), and the enterprise's
details when "My enterprise" does not hold them yet."""

from flask_babel import lazy_gettext as _l

from portal.core.question_pages import Page, QuestionPages
from portal.health_checks.vocabulary import QUESTIONS

#: The enterprise's details, asked only when "My enterprise" lacks them.
ENTERPRISE_FIELDS = ("industry", "employees", "township_id", "park")


def _areas(answers) -> list:
    return answers.getlist("areas") if hasattr(answers, "getlist") else list(answers.get("areas") or [])


def _chose(area: str):
    return lambda answers: area in _areas(answers)


def request_pages(known: bool) -> QuestionPages:
    """The pages; the enterprise's page only when its details are not known yet."""
    return QuestionPages(
        (
            Page("areas", _l("What the lawyers should check"), ("areas",)),
            Page("how", _l("How and when"), ("mode", "preferred_dates", "notes")),
            Page(
                "self-assessment",
                _l("Quick self-assessment (optional)"),
                tuple((f"q_{area}", _chose(area)) for area in QUESTIONS),
                when=lambda answers: bool(_areas(answers)),
                intro=_l(
                    "Answer for the areas you chose: it helps the lawyers prepare. Each answer that needs a closer look points them to a likely risk."
                ),
            ),
            Page(
                "enterprise",
                _l("About the enterprise"),
                ENTERPRISE_FIELDS,
                when=lambda answers: not known,
            ),
        )
    )
