"""Written consultations declare themselves to the shared code (SPEC §13, §14)."""

from flask_babel import LazyString, ngettext
from flask_babel import lazy_gettext as _l

from portal.accounts.roles import Role
from portal.core.contract import Capability, HomeCard, Link, ReportSection
from portal.written_consultations import contact_log, demo, figures
from portal.written_consultations.roles import DUTY
from portal.written_consultations.roster import NEW_QUESTION_KEY
from portal.written_consultations.staff_views import bp as staff_bp
from portal.written_consultations.views import bp, written_question_labels
from portal.written_consultations.workflow import WRITTEN_QUESTION, answer_days

STAFF_PAGES = frozenset({DUTY, Role.SUPERVISOR})


def report_sections() -> tuple[ReportSection, ...]:
    """Consultations by channel: booked, written, 12348 call, walk-in, outreach."""
    return (
        ReportSection(
            "consultation_channels",
            _l("Consultations by channel"),
            counted=contact_log.report_by_channel,
        ),
        ReportSection(
            "written_questions",
            _l("Written questions"),
            figures=figures.WRITTEN_FIGURES,
            trend_kind="WQ",
            counted=figures.archive_use,
        ),
    )


def card_text() -> str:
    """The home card's promise, with the answer time of the settings (not a fixed number)."""
    return ngettext(
        "Write your question; the lawyer on duty answers within %(num)d working day. Read answers to questions others asked.",
        "Write your question; the lawyer on duty answers within %(num)d working days. Read answers to questions others asked.",
        answer_days(),
    )


CAPABILITY = Capability(
    name="written_consultations",
    template_context=written_question_labels,
    label=_l("Written legal questions"),
    models="portal.written_consultations.models",
    blueprints=(bp, staff_bp, contact_log.bp),
    kinds=(WRITTEN_QUESTION,),
    roles=(DUTY,),
    staff_areas={staff_bp.name: STAFF_PAGES, contact_log.bp.name: STAFF_PAGES},
    nav=(Link("written_consultations.answers", _l("Answered questions")),),
    home_card=HomeCard(
        "written_consultations.answers",
        _l("Ask a lawyer in writing"),
        LazyString(card_text),
        start_endpoint="written_consultations.ask",
        start_label=_l("Ask a question in writing"),
    ),
    staff_links=(
        Link("written_consultations_staff.duty", _l("Written questions: duty roster"), STAFF_PAGES),
        Link("consultation_log.log", _l("Consultation log: calls, walk-ins, outreach"), STAFF_PAGES),
        Link(
            "written_consultations_staff.review_list",
            _l("Written questions: review for the archive"),
            STAFF_PAGES,
        ),
    ),
    seed_demo=demo.seed_demo,
    report_figures=report_sections,
    demo_logins=demo.demo_logins,
    message_keys=(NEW_QUESTION_KEY,),
)
