"""Ratings in the reports (SPEC §7): by service, township and staff member, with the
satisfaction rate and the follow-ups still open.

Each count is a selection of a kind's queue filtered by the rating filter (rated in the
period, at a level; `portal.ratings.queue_filter`), counted through the queue's own
clauses, so that every figure and row links to the queue listing what it counts. A
request's staff member is its handler, as in the queue's handler filter.
"""

from collections import defaultdict
from dataclasses import replace

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.clock import utcnow
from portal.core.models import ServiceRequest, Township
from portal.core.queue import QueueParams
from portal.core.registry import RequestKind, all_kinds
from portal.extensions import db
from portal.i18n import current_language
from portal.ratings.levels import POOR, SATISFIED
from portal.ratings.models import Rating
from portal.reports.measures import Selection
from portal.reports.period import Period
from portal.reports.results import Count, SectionResult, Table

GIVEN = _l("Ratings given")
POOR_RATINGS = _l("Poor ratings (dissatisfied, very dissatisfied)")


def rated(kind: RequestKind, period: Period, level: str = "rated", **narrower) -> Selection:
    """The kind's requests rated in the period (at the level: "rated" is any), in the
    period's township; `narrower` adds queue params (e.g. a handler)."""
    params = QueueParams(
        tab="all", township=period.township, rating=level, rated_from=period.start, rated_to=period.end
    )
    return Selection(kind, replace(params, **narrower))


def _levels_by(chosen: Selection, column=None) -> dict:
    """{group: {level: count}} of the selected requests (group None without a column)."""
    groups = [column] if column is not None else []
    request = ServiceRequest.__table__
    query = (
        select(*groups, Rating.level, func.count())
        .select_from(request.join(Rating.__table__, Rating.request_id == request.c.id))
        .where(*chosen.clauses())
        .group_by(*groups, Rating.level)
    )
    grouped: dict = defaultdict(dict)
    for *group, level, value in db.session.execute(query):
        grouped[group[0] if group else None][level] = value
    return grouped


def _row(label: str, levels: dict, url: str | None) -> Count:
    total = sum(levels.values())
    satisfied = sum(v for level, v in levels.items() if level in SATISFIED)
    return Count(label, total, url, share=satisfied / total if total else None)


def _sorted(rows: list[Count]) -> list[Count]:
    return sorted(rows, key=lambda c: (-c.value, c.label))


def ratings_section(period: Period) -> SectionResult:
    """Figures and tables of the ratings given in the period."""
    result = SectionResult("ratings", str(_l("Service ratings")))
    kinds = [k for k in all_kinds() if k.ratable_states]
    by_service, by_township, by_staff = [], [], []
    english = current_language() == "en"
    townships = {
        i: (en if english and en else name)
        for i, name, en in db.session.execute(select(Township.id, Township.name, Township.name_en))
    }
    for kind in kinds:
        everything = rated(kind, period)
        levels = _levels_by(everything).get(None, {})
        given = _row(str(kind.label), levels, everything.url)
        poor = rated(kind, period, "poor")
        result.figures += [
            replace(given, label=f"{GIVEN} · {kind.label}"),
            Count(
                f"{POOR_RATINGS} · {kind.label}",
                sum(v for level, v in levels.items() if level in POOR),
                poor.url,
            ),
        ]
        by_service.append(given)
        for township, found in _levels_by(everything, ServiceRequest.township_id).items():
            url = rated(kind, period, township=str(township)).url if township is not None else None
            name = townships.get(township) or str(_l("No township"))
            by_township.append(_row(f"{name} · {kind.label}", found, url))
        for handler, found in _levels_by(everything, ServiceRequest.handler_id).items():
            url = rated(kind, period, assignee=str(handler) if handler is not None else "none").url
            by_staff.append(_row(f"{_staff_name(handler)} · {kind.label}", found, url))
    result.figures += _follow_ups(period)
    labels = {"value_label": str(_l("Ratings")), "share_label": str(_l("Satisfaction rate"))}
    result.tables += [
        Table("by_service", str(_l("Ratings by service")), _sorted(by_service), **labels),
        Table("by_township", str(_l("Ratings by township")), _sorted(by_township), **labels),
        Table("by_staff", str(_l("Ratings by staff member")), _sorted(by_staff), **labels),
    ]
    return result


def _follow_ups(period: Period) -> list[Count]:
    """The follow-ups of poor ratings open now, and those overdue: the follow-up page."""
    follow_ups = url_for("rating_follow_ups.index")
    open_items = [Rating.follow_up_due_at.is_not(None), Rating.follow_up_answered_at.is_(None)]
    township = [ServiceRequest.township_id == int(period.township)] if period.township.isdigit() else []

    def count_open(*extra) -> int:
        return db.session.scalar(
            select(func.count())
            .select_from(Rating)
            .join(ServiceRequest, ServiceRequest.id == Rating.request_id)
            .where(*open_items, *township, *extra)
        )

    return [
        Count(str(_l("Follow-ups open now")), count_open(), follow_ups),
        Count(str(_l("Follow-ups overdue now")), count_open(Rating.follow_up_due_at < utcnow()), follow_ups),
    ]


def _staff_name(user_id) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.display_name if user else str(_l("Nobody assigned"))
