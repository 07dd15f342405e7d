"""Properties of the status machines, checked through the real service layer and database.

Safety: no sequence of actions, by anyone, takes a request outside its declared machine.
Random sequences of actions (with valid data for their forms) go through the real
services; whatever is refused, each status reached is declared, each audited move is
a declared transition, and no transition is taken while its guard refuses it.

Every kind of the registry is tested (one parametrised test): how each is exercised
(staff, form data, starting points) is in tests/machine_exercises.py, and a kind not
listed there gets a generic exercise from its declaration alone.

Liveness: a safety property still holds when every action is refused, so alone it proves
nothing. Each test therefore runs its examples once per declared transition (the goal):
the `Follow` steps of an example walk a shortest declared path to the goal, by the actor
and user each transition names, then wander along declared transitions; the `Anything`
steps try any action as anyone. Once all runs are done, every declared transition must
have been taken at least once, or the test names those never taken.
"""

from collections import deque
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core.clock import utcnow
from portal.core.registry import installed_capability_packages, kind_of, registry
from portal.core.services import claim, perform
from portal.core.workflow import STAFF, Transition, WorkflowError
from portal.extensions import db

from machine_exercises import Staff, exercise

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


def guard_refusal(workflow, request_obj, action: str):
    """What the transition's guard says now (None: nothing against it)."""
    transition = workflow.transition(action)
    if transition is None or transition.guard is None or request_obj.status not in transition.sources:
        return None
    return transition.guard(request_obj, utcnow())


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
            refusal = guard_refusal(workflow, request_obj, action)
            perform(request_obj, action, user=user, actor_type=actor, data=data_for(action))
            db.session.commit()
            assert refusal is None, f"{action} was taken although its guard said: {refusal}"
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


def installed_kind_codes() -> list[str]:
    """Every kind of every installed capability (collected before any app exists)."""
    from portal.accounts.roles import Role
    from portal.core.registry import build_registry

    return sorted(build_registry(installed_capability_packages(), core_roles=tuple(Role)).kinds)


@pytest.mark.parametrize("code", installed_kind_codes())
def test_a_kind_never_leaves_its_machine_and_takes_every_transition(app, request, code):
    """Safety and liveness of every kind the running settings enable; its staff, data and
    starting points from tests/machine_exercises.py (a new kind: `generic`)."""
    kind = registry().kinds.get(code)
    if kind is None:
        pytest.skip(f"{code}: its capability is switched off in the running settings")
    check_kind(kind, request.getfixturevalue)


def test_a_new_kind_is_covered_without_an_edit(app, schema, tmp_path, request):
    """The toy kind of tests/toy_capability (declared only there, exercised by `generic`)
    passes the same test once added to CAPABILITIES. Mutants caught: `perform` without its
    guard check (the toy's `finish` is then taken after a reopen); `generic` giving its
    staff user too few roles (liveness: `reopen` never taken)."""
    from portal import create_app

    from conftest import app_config
    from machine_exercises import EXERCISES

    packages = (*app.config["CAPABILITIES"], "toy_capability")
    toy_app = create_app(dict(app_config(schema, tmp_path / "toy"), CAPABILITIES=packages))
    with toy_app.app_context():
        try:
            kind = registry().kinds["ZZ"]
            assert kind.code not in EXERCISES
            check_kind(kind, request.getfixturevalue)
        finally:
            db.session.remove()
            db.engine.dispose()


def check_kind(kind, fixture) -> None:
    plan = exercise(kind, fixture)
    reached: set[str] = set()

    @SETTINGS
    @given(steps=steps(kind.workflow), draw=st.data())
    def example(goal, steps, draw):
        request_obj = plan.start(goal, draw.draw)
        reached.update(run(request_obj, steps, plan.staff, lambda action: plan.data.get(action, {}), goal))
        if plan.after is not None:
            plan.after(request_obj)

    every_goal(kind, example, reached)
