"""Slots: made from weekly templates, booked only by conditional UPDATE (never overbooked)."""

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, not_, select, true, update
from sqlalchemy.orm import lazyload

from portal.consultations.models import Closure, ConsultationSlot, ServicePoint, SlotTemplate
from portal.core.clock import LOCAL_TZ, local_today, to_local, utcnow
from portal.core.deadlines import WorkCalendar
from portal.database import dialect_insert
from portal.extensions import db

MIN_HOURS_AHEAD = 2
MAX_DAYS_AHEAD = 30


def local_to_utc(day: date, moment) -> datetime:
    """A local date and time of day as naive UTC."""
    return datetime.combine(day, moment, tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def bookable_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Slots may be booked from 2 hours ahead to the end of the 30th day ahead."""
    now = now or utcnow()
    last_day = local_today(now) + timedelta(days=MAX_DAYS_AHEAD)
    return now + timedelta(hours=MIN_HOURS_AHEAD), local_to_utc(
        last_day + timedelta(days=1), datetime.min.time()
    )


def planned_slots(
    point_id: int,
    templates: list[SlotTemplate],
    first: date,
    last: date,
    closed: set[date],
    calendar: WorkCalendar,
):
    """Yield the slot rows the templates give between two local dates."""
    day = first
    while day <= last:
        if day not in closed and day not in calendar.days_off:
            for template in templates:
                if template.weekday != day.weekday():
                    continue
                start = datetime.combine(day, template.start_time)
                end_of_opening = datetime.combine(day, template.end_time)
                step = timedelta(minutes=template.slot_minutes)
                while start + step <= end_of_opening:
                    yield {
                        "service_point_id": point_id,
                        "starts_at": local_to_utc(day, start.time()),
                        "ends_at": local_to_utc(day, (start + step).time()),
                        "capacity": template.capacity,
                        "booked": 0,
                        "blocked": False,
                    }
                    start += step
        day += timedelta(days=1)


def ensure_slots(point_ids: list[int] | None = None, days: int = MAX_DAYS_AHEAD) -> int:
    """Create the missing slots of the next `days` days; safe to run at any time, in parallel."""
    first = local_today()
    last = first + timedelta(days=days)
    query = select(ServicePoint).where(ServicePoint.is_active.is_(True))
    if point_ids is not None:
        query = query.where(ServicePoint.id.in_(point_ids))
    points = list(db.session.scalars(query))
    horizon = dict(
        db.session.execute(
            select(ConsultationSlot.service_point_id, func.max(ConsultationSlot.starts_at)).group_by(
                ConsultationSlot.service_point_id
            )
        ).all()
    )
    end_of_last = local_to_utc(last, datetime.max.time().replace(microsecond=0))
    # The daily job tops up points whose horizon ran short; named points (an admin's
    # change) are filled in whole: existing slots are kept by ON CONFLICT DO NOTHING.
    stale = [
        p
        for p in points
        if p.templates
        and (
            point_ids is not None
            or horizon.get(p.id) is None
            or horizon[p.id] < end_of_last - timedelta(days=3)
        )
    ]
    if not stale:
        return 0
    calendar = WorkCalendar.load(first, last)
    closures = db.session.execute(
        select(Closure.service_point_id, Closure.day).where(Closure.day.between(first, last))
    ).all()
    rows = []
    for point in stale:
        closed = {day for point_id, day in closures if point_id == point.id}
        rows.extend(planned_slots(point.id, point.templates, first, last, closed, calendar))
    if rows:
        insert = dialect_insert(db.engine.dialect.name)
        result = db.session.execute(
            insert(ConsultationSlot)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["service_point_id", "starts_at"])
        )
        created = result.rowcount
    else:
        created = 0
    db.session.flush()  # the caller (a scheduled job or an admin's POST) commits
    current_app.logger.debug("created %s consultation slots", created)
    return created


def days_off_between(start: datetime, end: datetime) -> set[date]:
    """The calendar's days off (official, staff-entered or the law's computed floor) from
    the local day of `start` to that of `end` (naive UTC): one statement."""
    return WorkCalendar.load(local_today(start), local_today(end)).days_off


def days_off_clause(start: datetime, end: datetime, days_off=None):
    """No slot on a day off of the calendar, whenever the slot was made: a year's
    arrangement imported after its slots were made takes them off at once. `days_off`:
    `days_off_between(start, end)`, when the caller has read it already."""
    if days_off is None:
        days_off = days_off_between(start, end)
    return and_(
        true(),
        *(
            not_(
                and_(
                    ConsultationSlot.starts_at >= local_to_utc(day, datetime.min.time()),
                    ConsultationSlot.starts_at < local_to_utc(day + timedelta(days=1), datetime.min.time()),
                )
            )
            for day in sorted(days_off)
        ),
    )


def free_slots_clause(now: datetime | None = None, days_off=None):
    start, end = bookable_window(now)
    return and_(
        ConsultationSlot.blocked.is_(False),
        ConsultationSlot.booked < ConsultationSlot.capacity,
        ConsultationSlot.starts_at >= start,
        ConsultationSlot.starts_at < end,
        days_off_clause(start, end, days_off),
    )


def next_year_opens(now: datetime | None = None) -> tuple[int, date] | None:
    """From 1 November until they can be booked: next year and the day its times open
    (the booking window reaches MAX_DAYS_AHEAD days ahead)."""
    today = local_today(now)
    opens = date(today.year + 1, 1, 1) - timedelta(days=MAX_DAYS_AHEAD)
    if today.month < 11 or today >= opens:
        return None
    return today.year + 1, opens


def slots_on(point_id: int, day: date) -> list[ConsultationSlot]:
    """Every slot of a service point on one local day, free or not."""
    start = local_to_utc(day, datetime.min.time())
    return list(
        db.session.scalars(
            select(ConsultationSlot)
            .where(
                ConsultationSlot.service_point_id == point_id,
                ConsultationSlot.starts_at >= start,
                ConsultationSlot.starts_at < start + timedelta(days=1),
            )
            .order_by(ConsultationSlot.starts_at)
        )
    )


def free_slots(
    point_id: int, day: date | None = None, until: datetime | None = None, free=None
) -> list[ConsultationSlot]:
    """Bookable slots of a service point (on one local day, or in the whole window; starting
    before `until` if given). `free` is a `free_slots_clause()` the caller already has (it
    reads the calendar: a page asking days and times reads it once)."""
    free = free_slots_clause() if free is None else free
    query = (
        select(ConsultationSlot)
        .where(ConsultationSlot.service_point_id == point_id, free)
        .options(lazyload(ConsultationSlot.service_point))  # one point, which the caller has
    )
    if until is not None:
        query = query.where(ConsultationSlot.starts_at < until)
    if day is not None:
        query = query.where(
            ConsultationSlot.starts_at >= local_to_utc(day, datetime.min.time()),
            ConsultationSlot.starts_at < local_to_utc(day + timedelta(days=1), datetime.min.time()),
        )
    return list(db.session.scalars(query.order_by(ConsultationSlot.starts_at)))


def next_free_by_point(limit: int = 3) -> dict[int, list[ConsultationSlot]]:
    """The next few free slots of every service point, in one query."""
    ranked = (
        select(
            ConsultationSlot.id,
            func.row_number()
            .over(partition_by=ConsultationSlot.service_point_id, order_by=ConsultationSlot.starts_at)
            .label("rank"),
        )
        .where(free_slots_clause())
        .subquery()
    )
    slots = db.session.scalars(
        select(ConsultationSlot)
        .join(ranked, ranked.c.id == ConsultationSlot.id)
        .where(ranked.c.rank <= limit)
        .order_by(ConsultationSlot.service_point_id, ConsultationSlot.starts_at)
    )
    result: dict[int, list[ConsultationSlot]] = {}
    for slot in slots:
        result.setdefault(slot.service_point_id, []).append(slot)
    return result


def take_seat(slot_id: int) -> bool:
    """Book one seat if one is free; of many concurrent attempts, only the free seats succeed."""
    start, end = bookable_window()
    result = db.session.execute(
        update(ConsultationSlot)
        .where(
            ConsultationSlot.id == slot_id,
            ConsultationSlot.blocked.is_(False),
            ConsultationSlot.booked < ConsultationSlot.capacity,
            ConsultationSlot.starts_at >= start,
            ConsultationSlot.starts_at < end,
            days_off_clause(start, end),
        )
        .values(booked=ConsultationSlot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def take_walk_in_seat(slot_id: int) -> bool:
    """A walk-in takes a seat in a slot of today, also one that starts within 2 hours."""
    result = db.session.execute(
        update(ConsultationSlot)
        .where(
            ConsultationSlot.id == slot_id,
            ConsultationSlot.blocked.is_(False),
            ConsultationSlot.booked < ConsultationSlot.capacity,
            ConsultationSlot.ends_at > utcnow(),
        )
        .values(booked=ConsultationSlot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release_seat(slot_id: int) -> None:
    db.session.execute(
        update(ConsultationSlot)
        .where(ConsultationSlot.id == slot_id, ConsultationSlot.booked > 0)
        .values(booked=ConsultationSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )


def set_capacity(slot: ConsultationSlot, capacity: int) -> bool:
    """Change a slot's capacity, never below the seats already booked (False if refused)."""
    result = db.session.execute(
        update(ConsultationSlot)
        .where(ConsultationSlot.id == slot.id, ConsultationSlot.booked <= capacity)
        .values(capacity=capacity)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def apply_template_capacity(template: SlotTemplate) -> tuple[int, int]:
    """Give future slots of a template its new capacity; slots with more bookings keep theirs.

    Returns (updated, kept): a kept slot has more bookings than the new capacity, and
    its bookings stand (the desk sees them on the day view).
    """
    future = db.session.scalars(
        select(ConsultationSlot).where(
            ConsultationSlot.service_point_id == template.service_point_id,
            ConsultationSlot.starts_at > utcnow(),
        )
    )
    updated = kept = 0
    for slot in future:
        local_start = to_local(slot.starts_at)
        if local_start.weekday() != template.weekday or not (
            template.start_time <= local_start.time() < template.end_time
        ):
            continue
        if set_capacity(slot, template.capacity):
            updated += 1
        else:
            db.session.execute(
                update(ConsultationSlot)
                .where(ConsultationSlot.id == slot.id)
                .values(capacity=ConsultationSlot.booked)
            )
            kept += 1
    return updated, kept
