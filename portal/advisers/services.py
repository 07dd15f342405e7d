"""Changes to advisers, villages and assignments; each keeps the search table current.

Like the shared workflow, these functions only add and flush: the view commits once.
"""

from datetime import date

from sqlalchemy import func, select

from portal.advisers import search
from portal.advisers.models import Adviser, Assignment, DirectoryEntry, ServiceLogEntry, Village
from portal.advisers.vocabulary import SERVICE_TYPES
from portal.core.clock import local_today, utcnow
from portal.extensions import db


def current_assignment(village_id: int) -> Assignment | None:
    return db.session.scalar(
        select(Assignment).where(Assignment.village_id == village_id, Assignment.end_date.is_(None))
    )


def current_adviser(village_id: int) -> Adviser | None:
    assignment = current_assignment(village_id)
    return assignment.adviser if assignment else None


def refresh_entry(village: Village, adviser: Adviser | None = None, *, lookup: bool = True) -> DirectoryEntry:
    """Write the village's search row from its names and its current adviser."""
    if lookup and adviser is None:
        adviser = current_adviser(village.id)
    entry = db.session.get(DirectoryEntry, village.id) or DirectoryEntry(village_id=village.id)
    entry.township_id = village.township_id
    entry.township_order = village.township.sort_order
    entry.village_name = village.name
    entry.adviser_id = adviser.id if adviser else None
    entry.village_keys = search.village_keys(village)
    entry.township_keys = search.township_keys(village.township)
    entry.adviser_keys = search.adviser_keys(adviser)
    db.session.add(entry)
    return entry


def save_village(village: Village) -> Village:
    """Add or update a village and its search row."""
    db.session.add(village)
    db.session.flush()
    db.session.refresh(village, ["township"])
    refresh_entry(village)
    db.session.flush()
    return village


def save_adviser(adviser: Adviser) -> Adviser:
    """Add or update an adviser; a new name reaches the search rows of their villages."""
    adviser.updated_at = utcnow()
    db.session.add(adviser)
    db.session.flush()
    keys = search.adviser_keys(adviser)
    for entry in db.session.scalars(select(DirectoryEntry).where(DirectoryEntry.adviser_id == adviser.id)):
        entry.adviser_keys = keys
    db.session.flush()
    return adviser


def assign(
    village: Village, adviser: Adviser, *, start: date | None = None, user=None, note: str | None = None
):
    """Make `adviser` the village's adviser; the previous assignment ends, and is kept."""
    start = start or local_today()
    previous = current_assignment(village.id)
    if previous is not None:
        if previous.adviser_id == adviser.id:
            return previous
        previous.end_date = max(start, previous.start_date)
        db.session.flush()  # the old row leaves the "one current assignment" index first
    assignment = Assignment(
        village_id=village.id,
        adviser_id=adviser.id,
        start_date=start,
        note=note or None,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(assignment)
    refresh_entry(village, adviser)
    db.session.flush()
    return assignment


def unassign(village: Village, *, end: date | None = None) -> None:
    """End the village's current assignment (the village has no adviser until a new one)."""
    previous = current_assignment(village.id)
    if previous is not None:
        previous.end_date = max(end or local_today(), previous.start_date)
        db.session.flush()
    refresh_entry(village, None, lookup=False)
    db.session.flush()


def history(village_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.village_id == village_id)
            .order_by(Assignment.start_date.desc(), Assignment.id.desc())
        )
    )


def villages_of(adviser_id: int, *, current: bool = True) -> list[Assignment]:
    query = select(Assignment).where(Assignment.adviser_id == adviser_id)
    if current:
        query = query.where(Assignment.end_date.is_(None))
    return list(
        db.session.scalars(query.order_by(Assignment.end_date.is_(None).desc(), Assignment.start_date.desc()))
    )


def log_service(
    adviser: Adviser,
    *,
    service_type: str,
    served_on: date,
    count: int,
    village_id=None,
    description=None,
    user=None,
):
    """Record services in the adviser's log."""
    if service_type not in SERVICE_TYPES:
        raise ValueError(service_type)
    entry = ServiceLogEntry(
        adviser_id=adviser.id,
        village_id=village_id,
        service_type=service_type,
        served_on=served_on,
        count=count,
        description=description or None,
        entered_by_id=getattr(user, "id", None),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def last_served(adviser_id: int, village_ids: list[int]) -> dict[int, date]:
    """The last day the adviser logged a service for each village."""
    if not village_ids:
        return {}
    rows = db.session.execute(
        select(ServiceLogEntry.village_id, func.max(ServiceLogEntry.served_on))
        .where(ServiceLogEntry.adviser_id == adviser_id, ServiceLogEntry.village_id.in_(village_ids))
        .group_by(ServiceLogEntry.village_id)
    ).all()
    return dict(rows)


def service_totals(adviser_id: int) -> dict[str, int]:
    """Counts per type of service over the whole log."""
    rows = db.session.execute(
        select(ServiceLogEntry.service_type, func.sum(ServiceLogEntry.count))
        .where(ServiceLogEntry.adviser_id == adviser_id)
        .group_by(ServiceLogEntry.service_type)
    ).all()
    return {service_type: int(total or 0) for service_type, total in rows}


def village_rows(village_ids: list[int]) -> list[tuple[Village, Adviser | None]]:
    """Villages with their current adviser, in the order of the ids given."""
    if not village_ids:
        return []
    rows = db.session.execute(
        select(Village, Adviser)
        .join(DirectoryEntry, DirectoryEntry.village_id == Village.id)
        .outerjoin(Adviser, Adviser.id == DirectoryEntry.adviser_id)
        .where(Village.id.in_(village_ids))
    ).all()
    by_id = {village.id: (village, adviser) for village, adviser in rows}
    return [by_id[i] for i in village_ids if i in by_id]
