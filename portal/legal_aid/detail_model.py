"""What the staff detail partial of a legal aid application shows beyond the row's own
columns, computed once in Python (a view-model) rather than by calls from the template:
the template only prints, and a test can read what the page will say."""

from portal.core.clock import local_today
from portal.core.identity import parse_resident_id
from portal.legal_aid.assignment import closing_report_late
from portal.legal_aid.decisions import decisions_of
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.notices import forwarded_late
from portal.legal_aid.objection_decision import outcomes_of
from portal.legal_aid.services import materials_to_bring, pledge_history


def _represented_is_minor(application: LegalAidApplication) -> bool:
    if not (application.for_relative and application.represented_id_number):
        return False
    represented = parse_resident_id(application.represented_id_number)
    return represented is not None and represented.age_on(local_today()) < 18


def staff_detail(application: LegalAidApplication) -> dict:
    """The partial's `detail`: each look-up of another table made once, none when the
    application cannot have any (no objection filed: no outcome; no closing report: not late)."""
    return {
        "pledge_history": pledge_history(application),
        "represented_is_minor": _represented_is_minor(application),
        "materials": materials_to_bring(application),
        "decisions": decisions_of(application),
        "objection_outcomes": outcomes_of(application),
        "forwarded_late": application.source == "detention" and forwarded_late(application),
        "closing_late": bool(application.closing_submitted_at) and closing_report_late(application),
    }
