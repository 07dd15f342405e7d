"""Properties of the status machines, checked through the real service layer and database.

Safety: no sequence of actions, by anyone, takes a request outside its declared machine.
Random sequences of actions (with valid data for their forms) go through the real
services; whatever is refused, each status reached is declared and each audited move is
a declared transition.

Liveness: a safety property still holds when every action is refused, so alone it proves
nothing. Each test therefore runs its examples once per declared transition (the goal):
the `Follow` steps of an example walk a shortest declared path to the goal, by the actor
and user each transition names, then wander along declared transitions; the `Anything`
steps try any action as anyone. Once all runs are done, every declared transition must
have been taken at least once, or the test names those never taken.
"""

from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core.access import is_participant
from portal.core.registry import kind_for_code, kind_of
from portal.core.services import claim, perform
from portal.core.workflow import STAFF, Transition, WorkflowError
from portal.extensions import db

ACTORS = ("staff", "applicant", "party", "system")
#: Examples per goal; a test runs (transitions x this) examples, all in one database.
SETTINGS = settings(max_examples=3, deadline=None)


@dataclass(frozen=True)
class Follow:
    """Take the next transition towards the goal; once the goal is taken, the
    `index`-th transition declared from the current state. Always by its own actor."""

    index: int
    who: int


@dataclass(frozen=True)
class Anything:
    """Try `action` as `actor` whatever the state: mostly refused, sometimes not."""

    action: str
    actor: str
    who: int


def steps(workflow):
    """Enough steps that even the simplest example (all `Follow`) reaches any goal."""
    actions = sorted({t.action for t in workflow.transitions}) + ["nonsense"]
    longest = max(len(path_to(workflow, workflow.initial, t)) for t in workflow.transitions)
    who = st.integers(0, 1)
    return st.lists(
        st.one_of(
            st.builds(Follow, index=st.integers(0, 5), who=who),
            st.builds(Anything, action=st.sampled_from(actions), actor=st.sampled_from(ACTORS), who=who),
        ),
        min_size=longest,
        max_size=longest + 8,
    )


def path_to(workflow, status: str, goal: Transition) -> list[Transition]:
    """A shortest declared path from `status` that ends by taking `goal` ([] if none)."""
    paths = {status: []}
    queue = deque([status])
    while queue:
        state = queue.popleft()
        if state in goal.sources:
            return [*paths[state], goal]
        for t in workflow.from_state(state):
            if t.target not in paths:
                paths[t.target] = [*paths[state], t]
                queue.append(t.target)
    return []


@dataclass
class Staff:
    """Who acts for staff: `handler` holds the queue's role (and claims when a transition
    needs a handler); `participant` (e.g. the assigned lawyer) may take some transitions."""

    handler: object
    participant: object | None = None

    def any(self, who: int):
        return self.participant if who and self.participant is not None else self.handler

    def right_one(self, transition: Transition, request_obj, who: int):
        """The participant when `who` says so and they may take it, else the handler."""
        participant = self.any(who) if transition.participant_may else self.handler
        return participant if is_participant(participant, request_obj) else self.handler


def declared_moves(workflow) -> set[tuple[str, str]]:
    return {(source, t.target) for t in workflow.transitions for source in t.sources}


def check_trail(request_obj) -> None:
    workflow = kind_of(request_obj).workflow
    assert workflow.has_state(request_obj.status)
    moves = declared_moves(workflow)
    for event in request_obj.events:
        if event.from_status is not None:
            assert (event.from_status, event.to_status) in moves, event.action


def taken(request_obj) -> set[str]:
    """The transitions the request really went through (including those claiming triggers)."""
    return {event.action for event in request_obj.events if event.from_status is not None}


def run(request_obj, steps, staff: Staff, data_for, goal: Transition) -> set[str]:
    workflow = kind_of(request_obj).workflow
    for step in steps:
        needs_claim = False
        if isinstance(step, Follow):
            path = [] if goal.action in taken(request_obj) else path_to(workflow, request_obj.status, goal)
            choices = path[:1] or workflow.from_state(request_obj.status)
            if not choices:
                continue  # a final state: only `Anything` steps may still try (and fail)
            transition = choices[step.index % len(choices)]
            action, actor = transition.action, transition.actor
            user = staff.right_one(transition, request_obj, step.who) if actor == STAFF else None
            needs_claim = (
                actor == STAFF
                and transition.handler_only
                and user is staff.handler
                and request_obj.handler_id is None
            )
        else:
            action, actor = step.action, step.actor
            user = staff.any(step.who) if actor == STAFF else None
        try:
            if needs_claim:
                claim(request_obj, user)  # may itself move the request (the workflow's on_claim)
                db.session.commit()
            perform(request_obj, action, user=user, actor_kind=actor, data=data_for(action))
            db.session.commit()
        except WorkflowError:
            db.session.rollback()
            db.session.refresh(request_obj)
        check_trail(request_obj)
    return taken(request_obj)


def every_goal(kind, example, reached: set[str]) -> None:
    """Run the hypothesis test `example(goal)` once per declared transition of the kind,
    then check that its examples took every transition."""
    transitions = kind.workflow.transitions
    for goal in transitions:
        example(goal)
    never = [t.action for t in transitions if t.action not in reached]
    assert not never, f"{kind.code}: no example ever took {never} (taken: {sorted(reached)})"


@pytest.fixture
def officer(make_staff):
    # Every role that works the legal aid queue (the officer, and the bureau's reviewer of objections).
    return make_staff("officer", *sorted(kind_for_code("LA").staff_roles))


@pytest.fixture
def lawyer(make_staff):
    from portal.accounts.profiles import save_profile

    user = make_staff("lawyer", "lawyer")
    save_profile(
        user, kind="lawyer", practising_since=date(2010, 1, 1)
    )  # Art. 12: only profiles are assigned
    db.session.commit()
    return user


def test_legal_aid_never_leaves_its_machine_and_takes_every_transition(
    app, make_application, officer, lawyer
):
    kind = kind_for_code("LA")
    workflow = kind.workflow
    staff = Staff(handler=officer, participant=lawyer)
    data = {
        "request_materials": {"items": ["id_copy"], "other_items": ""},
        "answer_materials": {"comment": "已补充"},
        "refuse": {"reasons": "收入超过标准"},
        "assign_lawyer": {"lawyer": lawyer.id},
        "change_lawyer": {"lawyer": lawyer.id},
        "ask_change": {"comment": "换人"},
        "refuse_change": {"reasons": "无正当理由"},
        "submit_closing": {"outcome": "mediated", "ended_on": date(2026, 1, 5), "summary": "结案"},
        "return_closing": {"reasons": "缺少材料"},
    }
    reached: set[str] = set()

    @SETTINGS
    @given(steps=steps(workflow), claimed=st.booleans())
    def example(goal, steps, claimed):
        application = make_application()
        if (claimed or "_termination" in goal.action) and goal.action != "refuse_change":
            claim(application, officer)
            db.session.commit()
        if "_termination" in goal.action:
            # The shortest path to an objection runs through a refusal, whose guard then
            # stops the termination's review: start these examples from a terminated case.
            # A correction returns the case to the state it was terminated in (assigned here).
            path = (
                ("approve", "assign_lawyer", "terminate")
                if goal.action == "correct_termination"
                else ("approve", "terminate")
            )
            for action in path:
                perform(application, action, user=officer, data=data.get(action, {}))
            db.session.commit()
        if goal.action == "refuse_change":
            # Its guard needs a pending request for another person, which the shortest
            # path (approve, assign) never makes: start from an asked change.
            claim(application, officer)
            for action in ("approve", "assign_lawyer"):
                perform(application, action, user=officer, data=data.get(action, {}))
            perform(application, "ask_change", actor_kind="applicant", data=data["ask_change"])
            db.session.commit()
        reached.update(run(application, steps, staff, lambda action: data.get(action, {}), goal))

    every_goal(kind, example, reached)


def desk_and_point(make_staff):
    """The same desk user and service point for every example (they share one database)."""
    from portal.accounts.models import User
    from portal.consultations.models import ServicePoint, StaffServicePoint

    point = db.session.scalar(db.select(ServicePoint).where(ServicePoint.code == "C"))
    if point is None:
        point = ServicePoint(
            code="C",
            kind="centre",
            name="中心",
            name_en="Centre",
            address="a",
            phone="1",
            hours="h",
            services="s",
        )
        db.session.add(point)
        db.session.flush()
        desk = make_staff("desk", "consultation_desk")
        db.session.add(StaffServicePoint(user_id=desk.id, service_point_id=point.id))
        db.session.commit()
    return db.session.scalar(db.select(User).where(User.username == "desk")), point


def test_consultation_bookings_never_leave_their_machine_and_take_every_transition(
    app, make_staff, monkeypatch
):
    from portal.consultations import workflow as booking_workflow
    from portal.consultations.models import ConsultationBooking, ConsultationSlot
    from portal.core.clock import utcnow
    from portal.core.services import submit

    kind = kind_for_code("CB")
    workflow = kind.workflow
    reached: set[str] = set()
    # Served "on the day" is a date rule (tests/test_consultations_desk.py); here every day is the day.
    monkeypatch.setattr(booking_workflow, "not_on_the_day", lambda booking, now: None)

    @SETTINGS
    @given(steps=steps(workflow))
    def example(goal, steps):
        desk, point = desk_and_point(make_staff)
        latest = db.session.scalar(db.select(db.func.max(ConsultationSlot.starts_at)))
        start = latest or (utcnow() + timedelta(days=2)).replace(microsecond=0)
        slots = []
        for _ in range(2):
            start += timedelta(hours=1)
            slots.append(
                ConsultationSlot(
                    service_point_id=point.id,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=30),
                    capacity=5,
                    booked=0,
                )
            )
        db.session.add_all(slots)
        db.session.flush()
        slots[0].booked = 1
        booking = ConsultationBooking(
            service_point_id=point.id,
            slot_id=slots[0].id,
            starts_at=slots[0].starts_at,
            channel="phone" if goal.action == "called" else "in_person",
            topic="labour",
            description="工资",
            applicant_name="周",
            applicant_mobile="13900000011",
        )
        submit(booking)
        db.session.commit()
        data = {
            "complete": {"summary": "s", "advice": "a", "referral": "", "minutes": 10},
            "staff_cancel": {"reason": "停电"},
            "reschedule": {"slot": slots[1].id},
        }
        reached.update(run(booking, steps, Staff(handler=desk), lambda action: data.get(action, {}), goal))
        db.session.refresh(slots[0])
        db.session.refresh(slots[1])
        held = 0 if booking.status == "cancelled" else 1
        assert slots[0].booked + slots[1].booked == held  # a seat is never lost or counted twice

    every_goal(kind, example, reached)


def test_adviser_contacts_never_leave_their_machine_and_take_every_transition(app, make_staff, lawyer):
    from portal.advisers.models import Adviser

    kind = kind_for_code("AC")
    staff = Staff(handler=make_staff("advisers", "adviser_admin"), participant=lawyer)
    data = {"answer": {"answer": "已电话联系并解答"}}
    reached: set[str] = set()

    @SETTINGS
    @given(steps=steps(kind.workflow), lawyer_is_adviser=st.booleans())
    def example(goal, steps, lawyer_is_adviser):
        contact = kind.make_sample()
        if lawyer_is_adviser:  # the lawyer's account is linked to this request's adviser only
            db.session.execute(db.update(Adviser).where(Adviser.user_id == lawyer.id).values(user_id=None))
            contact.adviser.user_id = lawyer.id
        db.session.commit()
        reached.update(run(contact, steps, staff, lambda action: data.get(action, {}), goal))

    every_goal(kind, example, reached)


def test_mediations_never_leave_their_machine_and_take_every_transition(app, make_staff):
    from datetime import datetime, time

    from portal.core.clock import local_today
    from portal.mediation.models import MediationCommittee

    kind = kind_for_code("MD")
    coordinator = make_staff("mediation", "mediation_coordinator")
    mediator = make_staff("mediator", "mediator")
    committee = MediationCommittee(name="委员会", name_en="Committee")
    db.session.add(committee)
    db.session.commit()
    day = local_today() + timedelta(days=3)
    data = {
        "accept": {"committee": committee.id, "mediator": str(mediator.id), "second_mediator": ""},
        "decline": {"reason": "已由法院受理"},
        "record_failure": {"reason": "双方分歧过大"},
        "schedule_session": {
            "starts": datetime.combine(day, time(9, 30)),
            "minutes": "60",
            "place": "调解室",
        },
        "record_agreement": {"agreement_form": "oral", "terms": "三日内清理", "effective_on": day},
        "close": {"performance": "performed"},
    }
    reached: set[str] = set()

    @SETTINGS
    @given(steps=steps(kind.workflow))
    def example(goal, steps):
        case = kind.make_sample()
        db.session.commit()
        staff = Staff(handler=coordinator, participant=mediator)
        reached.update(run(case, steps, staff, lambda action: data.get(action, {}), goal))

    every_goal(kind, example, reached)


def test_health_checks_never_leave_their_machine_and_take_every_transition(app, make_staff, lawyer):
    from datetime import time

    from portal.core.clock import local_today

    kind = kind_for_code("HC")
    coordinator = make_staff("hc", "health_check_coordinator")
    day = local_today() + timedelta(days=3)
    visit = {"day": day, "start": time(9, 30), "place": "企业"}
    data = {
        "decline": {"reason": "不在服务范围"},
        "assign_team": {"lead": str(lawyer.id), "members": []},
        "schedule_visit": visit,
        "schedule_follow_up": visit,
        "publish": {"confirm_empty": True},
        "correct_report": {"comment": "更正"},
    }
    reached: set[str] = set()

    @SETTINGS
    @given(steps=steps(kind.workflow))
    def example(goal, steps):
        check = kind.make_sample()
        db.session.commit()
        staff = Staff(handler=coordinator, participant=lawyer)
        reached.update(run(check, steps, staff, lambda action: data.get(action, {}), goal))

    every_goal(kind, example, reached)
