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
from sqlalchemy import bindparam, case, func, select

from portal.accounts.models import User
from portal.core.clock import utcnow
from portal.core.models import ServiceRequest, Township
from portal.core.queue import QueueParams, narrowing_clauses
from portal.core.registry import RequestKind, all_kinds
from portal.extensions import db
from portal.i18n import current_language
from portal.ratings.levels import POOR, SATISFIED
from portal.ratings.models import Rating
from portal.reports.built import built_once
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


def _levels(period: Period, kinds: list[RequestKind]) -> dict:
    """{(kind code, township id, handler id): {level: count}} of the requests of the kinds
    rated in the period, in its township: one grouped statement, narrowed by the queue's
    own rating filter as each kind's `rated` selection is (the same clause for every kind);
    built once per app and period."""

    def build():
        request = ServiceRequest.__table__
        where = [request.c.request_type.in_([k.code for k in kinds])]
        if period.township.isdigit():
            where.append(request.c.township_id == int(period.township))
        where += narrowing_clauses(kinds[0], rated(kinds[0], period).params)
        groups = (request.c.request_type, request.c.township_id, request.c.handler_id, Rating.level)
        return (
            select(*groups, func.count())
            .select_from(request.join(Rating.__table__, Rating.request_id == request.c.id))
            .where(*where)
            .group_by(*groups)
        )

    grouped: dict = defaultdict(dict)
    query = built_once(("rating_levels", tuple(k.code for k in kinds), period), build)
    for code, township, handler, level, value in db.session.execute(query):
        grouped[(code, township, handler)][level] = value
    return grouped


def _summed(grouped: dict, part) -> dict:
    """{part of the group: {level: count}}: `grouped` added up by one part of its key."""
    summed: dict = defaultdict(lambda: defaultdict(int))
    for group, levels in grouped.items():
        for level, value in levels.items():
            summed[part(group)][level] += value
    return summed


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
    grouped = _levels(period, kinds) if kinds else {}
    by_kind = _summed(grouped, lambda group: group[0])
    by_kind_township = _summed(grouped, lambda group: group[:2])
    by_kind_handler = _summed(grouped, lambda group: (group[0], group[2]))
    townships = _township_names() if any(t is not None for _c, t in by_kind_township) else {}
    names = _staff_names({h for _c, h in by_kind_handler if h is not None})
    by_service, by_township, by_staff = [], [], []
    for kind in kinds:
        everything = rated(kind, period)
        levels = by_kind.get(kind.code, {})
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
        for (code, township), found in by_kind_township.items():
            if code == kind.code:
                url = rated(kind, period, township=str(township)).url if township is not None else None
                name = townships.get(township) or str(_l("No township"))
                by_township.append(_row(f"{name} · {kind.label}", found, url))
        for (code, handler), found in by_kind_handler.items():
            if code == kind.code:
                url = rated(kind, period, assignee=str(handler) if handler is not None else "none").url
                name = names[handler] if handler in names else str(_l("Nobody assigned"))
                by_staff.append(_row(f"{name} · {kind.label}", found, url))
    result.figures += _follow_ups(period)
    labels = {"value_label": str(_l("Ratings")), "share_label": str(_l("Satisfaction rate"))}
    result.tables += [
        Table("by_service", str(_l("Ratings by service")), _sorted(by_service), **labels),
        Table("by_township", str(_l("Ratings by township")), _sorted(by_township), **labels),
        Table("by_staff", str(_l("Ratings by staff member")), _sorted(by_staff), **labels),
    ]
    return result


def _township_names() -> dict:
    english = current_language() == "en"
    return {
        i: (en if english and en else name)
        for i, name, en in db.session.execute(select(Township.id, Township.name, Township.name_en))
    }


def _follow_ups(period: Period) -> list[Count]:
    """The follow-ups of poor ratings open now, and those overdue: the follow-up page."""

    def build():
        township = [ServiceRequest.township_id == int(period.township)] if period.township.isdigit() else []
        overdue = func.coalesce(func.sum(case((Rating.follow_up_due_at < bindparam("now"), 1), else_=0)), 0)
        return (
            select(func.count(), overdue)
            .select_from(Rating)
            .join(ServiceRequest, ServiceRequest.id == Rating.request_id)
            .where(Rating.follow_up_due_at.is_not(None), Rating.follow_up_answered_at.is_(None), *township)
        )

    query = built_once(("rating_follow_ups", period.township), build)
    open_now, overdue_now = db.session.execute(query, {"now": utcnow()}).one()
    follow_ups = url_for("rating_follow_ups.index")
    return [
        Count(str(_l("Follow-ups open now")), open_now, follow_ups),
        Count(str(_l("Follow-ups overdue now")), overdue_now, follow_ups),
    ]


def _staff_names(user_ids: set[int]) -> dict[int, str]:
    """The staff members' names (one statement; none without anyone)."""
    if not user_ids:
        return {}
    return dict(
        db.session.execute(select(User.id, User.display_name).where(User.id.in_(sorted(user_ids)))).all()
    )
