"""The days offered for booking (portal.consultations.free_days): one probe a day in one
statement (#40), the same days as reading every free slot: a seat free, the slot not
blocked, its start in the booking window (2 hours ahead to the 30th day) and before
`until`, never a day off. Checked against that reading over random slots; red with the
blocked check dropped, with the window's start ignored, or with a day's end moved."""

import random
from datetime import timedelta

from sqlalchemy import select
from statement_count import counted_statements
from test_consultations import add_slot, make_point

from portal.consultations.free_days import free_days
from portal.consultations.models import ConsultationSlot
from portal.consultations.slots import bookable_window
from portal.core.clock import local_today, to_local, utcnow
from portal.core.deadlines import WorkCalendar
from portal.core.models import Holiday
from portal.extensions import db


def offered(point_ids, until=None):
    """The days by the definition: every slot read, the free ones' local days."""
    start, end = bookable_window()
    days_off = WorkCalendar.load(local_today(start), local_today(end)).days_off
    days = set()
    for slot in db.session.scalars(
        select(ConsultationSlot).where(ConsultationSlot.service_point_id.in_(point_ids))
    ):
        day = to_local(slot.starts_at).date()
        if (
            not slot.blocked
            and slot.booked < slot.capacity
            and start <= slot.starts_at < end
            and (until is None or slot.starts_at < until)
            and day not in days_off
        ):
            days.add(day)
    return sorted(days)


def test_the_days_offered_are_the_days_with_a_free_slot(app):
    rng = random.Random(40)
    points = [make_point(code=f"P{n}", name=f"司法所{n}") for n in range(3)]
    db.session.add(Holiday(day=local_today() + timedelta(days=9), name="假日", is_workday=False))
    now = utcnow().replace(second=0, microsecond=0)
    starts = set()
    for _ in range(400):  # from a day back to two days past the window, on the half hour
        start = now + timedelta(minutes=30 * rng.randrange(-48, 33 * 48))
        point = rng.choice(points)
        if (point.id, start) in starts:
            continue
        starts.add((point.id, start))
        capacity = rng.choice((1, 2))
        # Most of them full, a fifth blocked.
        add_slot(point, start, capacity, rng.choice((0, capacity, capacity)), rng.random() < 0.2)
    # The window's start: a point whose only free slot starts just before 2 hours ahead
    # (never offered), and one whose only free slot starts just after (its day offered).
    edges = [make_point(code="EARLY", name="早"), make_point(code="LATE", name="晚")]
    for minutes, point in ((119, edges[0]), (121, edges[1])):
        add_slot(point, utcnow().replace(microsecond=0) + timedelta(minutes=minutes))
    db.session.commit()
    ids = [p.id for p in points]
    expected = offered(ids)
    assert 5 < len(expected) < 30  # some days free, some not: the check means something
    assert free_days(ids) == expected
    for point in points:
        assert free_days([point.id]) == offered([point.id])
    until = utcnow() + timedelta(days=12, hours=5)
    assert free_days(ids, until) == offered(ids, until)
    assert free_days([edges[0].id]) == [] and free_days([edges[1].id]) == offered([edges[1].id]) != []
    assert free_days([]) == []
    with counted_statements(db.engine) as sent:
        free_days(ids, days_off=set())
    assert len(sent) == 1, sent  # the calendar given: the probes alone
