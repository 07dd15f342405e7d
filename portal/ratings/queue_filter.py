"""The rating filter every ratable kind's staff queue offers: by level (or "poor") and by
when the request was rated. The reports count ratings through this same clause, so a
rating figure and the queue it links to list the same requests.

Added by the shared queue only when asked for (no cost otherwise); it reads the ratings
through `service_rating.request_id` (unique) or the index on `created_at`.
"""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.clock import local_midnight
from portal.core.models import ServiceRequest
from portal.ratings.levels import LEVELS, POOR, SATISFIED
from portal.ratings.models import Rating

#: The filter's choices: a group of levels, or one level. "rated" is any level.
LEVEL_GROUPS: dict[str, frozenset[int]] = {
    "rated": frozenset(LEVELS),
    "satisfied": SATISFIED,
    "poor": POOR,
    **{str(level): frozenset({level}) for level in LEVELS},
}
GROUP_LABELS = {
    "rated": _l("Rated (any level)"),
    "satisfied": _l("Satisfied (very satisfied, satisfied, fairly satisfied)"),
    "poor": _l("Poor (dissatisfied, very dissatisfied)"),
}


def rating_choices() -> list[tuple[str, str]]:
    """[(value, label)] of the queue's rating select box."""
    return [(value, str(label)) for value, label in GROUP_LABELS.items()] + [
        (str(level), f"{level} · {label}") for level, label in LEVELS.items()
    ]


def rating_clause(level: str, rated_from: date | None, rated_to: date | None):
    """Requests rated at the chosen level(s), on a day in [rated_from, rated_to] (local
    days); None when nothing is chosen (or the level is not one of the choices)."""
    levels = LEVEL_GROUPS.get(level)
    if levels is None and not (rated_from or rated_to):
        return None
    conditions = []
    if levels is not None and levels != LEVEL_GROUPS["rated"]:
        conditions.append(Rating.level.in_(sorted(levels)))
    if rated_from:
        conditions.append(Rating.created_at >= local_midnight(rated_from))
    if rated_to:
        conditions.append(Rating.created_at < local_midnight(rated_to + timedelta(days=1)))
    return ServiceRequest.id.in_(select(Rating.request_id).where(*conditions))
