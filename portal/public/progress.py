"""The progress steps of a request on its tracking page: the kind's usual way through,
with the request's own detours (waiting for materials, a refusal) where they happened."""

from dataclasses import dataclass

from portal.core.workflow import State, Workflow

DONE, CURRENT, TO_COME = "done", "current", "to_come"


@dataclass(frozen=True)
class Step:
    state: State
    progress: str  # DONE, CURRENT or TO_COME


def progress_steps(workflow: Workflow, status: str, reached: list[str]) -> list[Step]:
    """Steps for a request now in `status` that went through the states `reached` (oldest
    first). A state off the usual way is shown after the last usual step reached; a closed
    one ends the list there (the steps that will not come are left out)."""
    path = list(workflow.main_path)
    if status in path:
        here = path.index(status)
        return [
            Step(workflow.state(name), DONE if i < here else CURRENT if i == here else TO_COME)
            for i, name in enumerate(path)
        ]
    on_path = [name for name in reached if name in path]
    last = max((path.index(name) for name in on_path), default=0)
    steps = [Step(workflow.state(name), DONE) for name in path[: last + 1]]
    steps.append(Step(workflow.state(status), CURRENT))
    if workflow.state(status).is_open:
        steps += [Step(workflow.state(name), TO_COME) for name in path[last + 1 :]]
    return steps
