"""Ratings in the reports (SPEC §7): by service, township and staff member, with the
satisfaction rate and the follow-ups still open."""

from collections import defaultdict

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.clock import local_midnight, utcnow
from portal.core.models import ServiceRequest, Township
from portal.core.registry import registry
from portal.extensions import db
from portal.ratings.levels import SATISFIED
from portal.ratings.models import Rating
from portal.reports.compute import Count, SectionResult, Table
from portal.reports.period import Period


def _in_period(period: Period) -> list:
    from datetime import timedelta

    clauses = [Rating.created_at >= local_midnight(period.start),
               Rating.created_at < local_midnight(period.end + timedelta(days=1))]
    if period.township.isdigit():
        clauses.append(ServiceRequest.township_id == int(period.township))
    return clauses


def _levels_by(column, period: Period) -> dict:
    """{group: {level: count}} of the ratings given in the period."""
    query = (select(column, Rating.level, func.count()).select_from(Rating)
             .join(ServiceRequest, ServiceRequest.id == Rating.request_id)
             .where(*_in_period(period)).group_by(column, Rating.level))
    grouped: dict = defaultdict(dict)
    for group, level, value in db.session.execute(query):
        grouped[group][level] = value
    return grouped


def _rows(grouped: dict, label_of) -> list[Count]:
    rows = []
    for group, levels in grouped.items():
        total = sum(levels.values())
        satisfied = sum(v for level, v in levels.items() if level in SATISFIED)
        rows.append(Count(label_of(group), total, share=satisfied / total if total else None))
    return sorted(rows, key=lambda c: (-c.value, c.label))


def ratings_section(period: Period) -> SectionResult:
    """Figures and tables of the ratings given in the period."""
    result = SectionResult("ratings", str(_l("Service ratings")))
    by_kind = _levels_by(ServiceRequest.request_type, period)
    given = sum(sum(levels.values()) for levels in by_kind.values())
    satisfied = sum(v for levels in by_kind.values() for level, v in levels.items() if level in SATISFIED)
    follow_ups = url_for("rating_follow_ups.index")
    open_items = [Rating.follow_up_due_at.is_not(None), Rating.follow_up_answered_at.is_(None)]
    township = [ServiceRequest.township_id == int(period.township)] if period.township.isdigit() else []

    def count_open(*extra) -> int:
        return db.session.scalar(select(func.count()).select_from(Rating)
                                 .join(ServiceRequest, ServiceRequest.id == Rating.request_id)
                                 .where(*open_items, *township, *extra))

    result.figures += [
        Count(str(_l("Ratings given")), given),
        Count(str(_l("Satisfied (very satisfied, satisfied, fairly satisfied)")), satisfied,
              share=satisfied / given if given else None),
        Count(str(_l("Follow-ups open now")), count_open(), follow_ups),
        Count(str(_l("Follow-ups overdue now")), count_open(Rating.follow_up_due_at < utcnow()), follow_ups),
    ]
    kinds = registry().kinds
    townships = dict(db.session.execute(select(Township.id, Township.name)).all())
    labels = {"value_label": str(_l("Ratings")), "share_label": str(_l("Satisfaction rate"))}
    result.tables += [
        Table("by_service", str(_l("Ratings by service")),
              _rows(by_kind, lambda code: str(kinds[code].label) if code in kinds else code), **labels),
        Table("by_township", str(_l("Ratings by township")),
              _rows(_levels_by(ServiceRequest.township_id, period),
                    lambda t: townships.get(t) or str(_l("No township"))), **labels),
        Table("by_staff", str(_l("Ratings by staff member")),
              _rows(_levels_by(Rating.handler_id, period), _staff_name), **labels),
    ]
    return result


def _staff_name(user_id) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.display_name if user else str(_l("Nobody assigned"))
