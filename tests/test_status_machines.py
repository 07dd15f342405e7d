"""Property: no sequence of actions, by anyone, takes a request outside its declared machine.

Random sequences of every declared action of every type (with valid data for their
forms) go through the real service layer and database; whatever is refused, each status
reached is declared and each audited move is a declared transition.
"""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.core.registry import kind_of
from portal.core.services import claim, perform
from portal.core.workflow import WorkflowError
from portal.extensions import db
from portal.legal_aid.workflow import WORKFLOW as LEGAL_AID

ACTORS = ("staff", "applicant", "system")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def declared_moves(workflow) -> set[tuple[str, str]]:
    return {(source, t.target) for t in workflow.transitions for source in t.sources}


def check_trail(request_obj) -> None:
    workflow = kind_of(request_obj).workflow
    assert workflow.has_state(request_obj.status)
    moves = declared_moves(workflow)
    for event in request_obj.events:
        if event.from_status is not None:
            assert (event.from_status, event.to_status) in moves, event.action


def run(request_obj, steps, user, data_for) -> None:
    for action, actor in steps:
        try:
            perform(request_obj, action, user=user if actor == "staff" else None, actor_kind=actor,
                    data=data_for(action))
            db.session.commit()
        except WorkflowError:
            db.session.rollback()
            db.session.refresh(request_obj)
        check_trail(request_obj)


@pytest.fixture
def officer(make_staff):
    return make_staff("officer", "legal_aid_officer")


@pytest.fixture
def lawyer(make_staff):
    return make_staff("lawyer", "lawyer")


LA_STEPS = st.lists(
    st.tuples(st.sampled_from([t.action for t in LEGAL_AID.transitions] + ["nonsense"]), st.sampled_from(ACTORS)),
    max_size=12,
)


@SETTINGS
@given(steps=LA_STEPS, claimed=st.booleans())
def test_legal_aid_never_leaves_its_machine(app, make_application, officer, lawyer, steps, claimed):
    application = make_application()
    if claimed:
        claim(application, officer)
        db.session.commit()
    data = {
        "request_materials": {"items": ["id_copy"], "other_items": ""},
        "refuse": {"reasons": "收入超过标准"},
        "assign_lawyer": {"lawyer": lawyer.id},
        "change_lawyer": {"lawyer": lawyer.id},
        "close": {"summary": "结案"},
    }
    run(application, steps, officer, lambda action: data.get(action, {}))


def desk_and_point(make_staff):
    """The same desk user and service point for every example (they share one database)."""
    from portal.accounts.models import User
    from portal.consultations.models import ServicePoint, StaffServicePoint

    point = db.session.scalar(db.select(ServicePoint).where(ServicePoint.code == "C"))
    if point is None:
        point = ServicePoint(code="C", kind="centre", name="中心", name_en="Centre", address="a", phone="1",
                             hours="h", services="s")
        db.session.add(point)
        db.session.flush()
        desk = make_staff("desk", "consultation_desk")
        db.session.add(StaffServicePoint(user_id=desk.id, service_point_id=point.id))
        db.session.commit()
    return db.session.scalar(db.select(User).where(User.username == "desk")), point


CB_ACTIONS = ["check_in", "complete", "no_show", "staff_cancel", "cancel", "reschedule", "start_review"]


@SETTINGS
@given(steps=st.lists(st.tuples(st.sampled_from(CB_ACTIONS), st.sampled_from(ACTORS)), max_size=10))
def test_consultation_bookings_never_leave_their_machine(app, make_staff, steps):
    from portal.consultations.models import ConsultationBooking, ConsultationSlot
    from portal.core.clock import utcnow
    from portal.core.services import submit

    desk, point = desk_and_point(make_staff)
    latest = db.session.scalar(db.select(db.func.max(ConsultationSlot.starts_at)))
    start = latest or (utcnow() + timedelta(days=2)).replace(microsecond=0)
    slots = []
    for _ in range(2):
        start += timedelta(hours=1)
        slots.append(ConsultationSlot(service_point_id=point.id, starts_at=start, ends_at=start + timedelta(minutes=30),
                                      capacity=5, booked=0))
    db.session.add_all(slots)
    db.session.flush()
    slots[0].booked = 1
    booking = ConsultationBooking(service_point_id=point.id, slot_id=slots[0].id, starts_at=slots[0].starts_at,
                                  channel="phone", topic="labour", description="工资", applicant_name="周",
                                  applicant_mobile="13900000011")
    submit(booking)
    db.session.commit()
    data = {
        "complete": {"summary": "s", "advice": "a", "referral": "", "minutes": 10},
        "staff_cancel": {"reason": "停电"},
        "reschedule": {"slot": slots[1].id},
    }
    run(booking, steps, desk, lambda action: data.get(action, {}))
    db.session.refresh(slots[0])
    db.session.refresh(slots[1])
    held = 0 if booking.status in ("cancelled",) else 1
    assert slots[0].booked + slots[1].booked == held  # a seat is never lost or counted twice
