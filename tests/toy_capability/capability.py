"""The toy capability's declaration (enabled only by tests that add it to CAPABILITIES)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.accounts.roles import Role
from portal.core.contract import Capability, StaffRole
from portal.core.models import ServiceRequest
from portal.core.registry import RequestKind
from portal.core.services import submit
from portal.core.workflow import APPLICANT, State, Transition, Workflow
from portal.extensions import db

CODE = "ZZ"
CLERK = StaffRole("toy_clerk", _l("Clerk"))
#: Only for its partial templates, which the shared pages include.
bp = Blueprint("toy", __name__, template_folder="templates")


class ToyRequest(ServiceRequest):
    """No table of its own: a row of `service_request` with the type ZZ."""

    __mapper_args__ = {"polymorphic_identity": CODE}


def not_again(request, now):
    """A guard: a reopened request is not finished a second time."""
    return _l("Reopened once already.") if any(e.action == "reopen" for e in request.events) else None


WORKFLOW = Workflow(
    states=(
        State("received", _l("Received")),
        State("checked", _l("Checked")),
        State("done", _l("Done"), is_open=False),
        State("withdrawn", _l("Withdrawn"), is_open=False),
    ),
    transitions=(
        Transition("check", frozenset({"received"}), "checked", _l("Check"), roles=frozenset({CLERK})),
        Transition(
            "finish", frozenset({"checked"}), "done", _l("Finish"), roles=frozenset({CLERK}), guard=not_again
        ),
        Transition(
            "reopen", frozenset({"done"}), "checked", _l("Reopen"), roles=frozenset({Role.SUPERVISOR})
        ),
        Transition(
            "withdraw", frozenset({"received", "checked"}), "withdrawn", _l("Withdraw"), actor=APPLICANT
        ),
    ),
    initial="received",
)


def sample() -> ToyRequest:
    request = ToyRequest(applicant_name="周", applicant_mobile="13900000099")
    submit(request)
    db.session.flush()
    return request


TOY = RequestKind(
    code=CODE,
    slug="toy",
    label=_l("Toy requests"),
    model=ToyRequest,
    workflow=WORKFLOW,
    staff_roles=frozenset({CLERK}),
    detail_template="toy/_detail.html",
    public_template="toy/_public.html",
    make_sample=sample,
)

CAPABILITY = Capability(name="toy", label=_l("Toy requests"), blueprints=(bp,), kinds=(TOY,), roles=(CLERK,))
