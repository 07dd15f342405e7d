"""The request kinds and roles of the enabled capabilities; shared pages look them up here.

The registry lives on the app (`app.extensions`), built by `create_app` from the
`CAPABILITIES` setting, so two apps with different capabilities never share it.
"""

import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import LazyString
from werkzeug.exceptions import NotFound

from portal.core.workflow import Workflow

if TYPE_CHECKING:
    from portal.core.contract import Capability
    from portal.core.models import ServiceRequest


@dataclass(frozen=True)
class QueueFilter:
    """An extra filter a type offers on its queue page."""

    name: str
    label: LazyString
    #: Returns [(value, label)] for the select box.
    choices: Callable[[], list[tuple[str, str]]]
    #: Returns a WHERE clause for a chosen value.
    clause: Callable[[str], Any]
    #: The clause is a condition on the kind's own table (`model.__table__`): the queue
    #: asks it as `id IN (SELECT id ... WHERE condition)`, and the reports, which count
    #: a whole period at once, join the table instead of building that list per figure.
    on_kind_table: bool = False


@dataclass(frozen=True)
class RoleScope:
    """The part of a kind that one staff role sees (e.g. the bureau's reviewer: objections
    under review and what they decided), as a queue clause and as a test of one request."""

    #: user -> WHERE clause on ServiceRequest for the role's queue.
    clause: Callable[[Any], Any]
    #: (request, user) -> bool: the role may open (and act on) this request.
    allows: Callable[["ServiceRequest", Any], bool]


@dataclass(frozen=True)
class RequestKind:
    """Everything the shared pages need to know about one request type."""

    code: str  # reference prefix, e.g. LA
    slug: str  # URL segment: /staff/queue/<slug>
    label: LazyString
    model: type
    workflow: Workflow
    #: Staff roles that work this queue.
    staff_roles: frozenset[str]
    #: Template included on the staff detail and tracking pages for the type's own data.
    detail_template: str
    public_template: str
    #: (request) -> dict, given to `detail_template` on the staff detail page as `detail`:
    #: what it shows beyond the row's own columns, computed once in Python (a view-model)
    #: instead of by calls from the template. None: the partial needs nothing more.
    detail_model: Callable[["ServiceRequest"], dict] | None = None
    #: What another party of the request sees on tracking (never the applicant's contact,
    #: ID number or files); needed when the kind's requests have other parties.
    party_template: str | None = None
    #: Role of outside participants (e.g. lawyers) who see only their own cases.
    participant_role: str | None = None
    #: (request, user) -> bool, and user -> WHERE clause for the participant's queue.
    is_participant: Callable[["ServiceRequest", Any], bool] | None = None
    participant_clause: Callable[[Any], Any] | None = None
    #: Queue staff limited to part of the type (e.g. desk staff to their service points):
    #: user -> WHERE clause for the queue, and (request, user) -> bool for the detail page.
    staff_scope: Callable[[Any], Any] | None = None
    staff_in_scope: Callable[["ServiceRequest", Any], bool] | None = None
    #: Staff roles of the kind that see only part of it, by role. A user sees the part of
    #: each of their roles: one unscoped role of the kind (e.g. the officer's) shows all.
    role_scopes: dict[str, RoleScope] = field(default_factory=dict)
    extra_filters: tuple[QueueFilter, ...] = field(default_factory=tuple)
    #: The date the queue's date range filters on: (start, end) UTC -> WHERE clause, and
    #: its label. By default the date the request was received.
    date_range_clause: Callable[[Any, Any], Any] | None = None
    date_range_label: LazyString | None = None
    #: The request's attribute that `date_range_clause` reads (naive UTC): the report's
    #: monthly summary files a request under the month of this date (portal.reports.summary).
    date_attribute: str = "created_at"
    #: Other models the kind's report figures read, each with its attribute holding the
    #: request's id (e.g. a health check's findings): a change to one of them is a change
    #: of its request for the report's monthly summary.
    report_depends_on: tuple[tuple[type, str], ...] = ()
    #: Extra export columns: (header, request -> value).
    export_columns: tuple[tuple[LazyString, Callable[["ServiceRequest"], Any]], ...] = ()
    #: The applicant's pages of this kind carry a quick exit (SPEC §13): True for every
    #: public page of the capability and every request's tracking page, or a function
    #: (request -> bool) for the tracking pages of some requests only (e.g. family topics).
    quick_exit: bool | Callable[["ServiceRequest"], bool] = False
    #: `/track/find` may list its requests by the applicant's proven mobile; False for an
    #: enterprise's requests (a contact's mobile is not the enterprise: its members see them).
    findable_by_mobile: bool = True
    #: States in which the applicant may rate the service once (SPEC §2, 好差评): the
    #: final outcomes a person can judge (a refusal can; an objection reopens it).
    ratable_states: frozenset[str] = frozenset()
    #: Makes one minimal, valid request of this kind through the real services; the
    #: shared tests (security matrix) and the benchmark use it.
    make_sample: Callable[[], "ServiceRequest"] | None = None
    #: Attributes of the kind's model whose equal values mark a probable duplicate for
    #: staff (issue #27: open, same key, received within 30 days), e.g. legal aid's ID
    #: number and matter; never the mobile alone. Empty: the kind flags none.
    duplicate_key: tuple[str, ...] = ()
    #: Attributes of the kind's model holding a person's ID number or document, shown
    #: masked on the staff detail page; "show in full" reads them, once per click, audited.
    #: Empty: the kind keeps no ID number and the reveal route answers 404.
    id_attributes: tuple[str, ...] = ()
    #: (sample request, staff users) -> valid form data of each action, by action name
    #: (fields unprefixed, values as a browser sends them), after readying the staff to
    #: work the request (e.g. a desk user's service point, a lawyer's profile). The
    #: shared walk of every state and role posts it (tests/test_offered_actions.py).
    sample_work: Callable[["ServiceRequest", list], dict[str, dict[str, str]]] | None = None
    #: (request ids) -> a short flag of each flagged request, shown on its queue row
    #: (e.g. mediation's escalation risk). None: the kind flags none.
    queue_flags: Callable[[list[int]], dict[int, str]] | None = None
    #: Events a kind records besides its transitions (e.g. a signature on an agreement):
    #: action -> its label in the request's history.
    event_labels: dict[str, LazyString] = field(default_factory=dict)


REGISTRY_KEY = "portal.capabilities"
#: Roles every deployment has, whatever capabilities it enables.
CORE_ROLE_NAMES = frozenset({"admin", "supervisor", "lawyer"})


class DeclarationError(RuntimeError):
    """A capability declaration is inconsistent; the app refuses to start."""


@dataclass
class Registry:
    """The enabled capabilities of one app, and lookups built from them once."""

    capabilities: tuple["Capability", ...]
    kinds: dict[str, RequestKind] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    #: Kinds of the installed capabilities that are switched off: no queue, route or
    #: action, but their existing requests stay readable (tracking and staff detail).
    switched_off: dict[str, RequestKind] = field(default_factory=dict)

    def kind_for_slug(self, slug: str) -> RequestKind | None:
        return next((k for k in self.kinds.values() if k.slug == slug), None)

    def template_context_of(self, kind: RequestKind) -> dict:
        """What the kind's partials receive: its capability's declared template context."""
        for capability in self.capabilities:
            if capability.template_context and any(k.code == kind.code for k in capability.kinds):
                return capability.template_context()
        return {}


def load_capability(package: str) -> "Capability":
    """Import `<package>.capability` and return its CAPABILITY (explicitly, by name)."""
    module = import_module(f"{package}.capability")
    capability = getattr(module, "CAPABILITY", None)
    if capability is None:
        raise DeclarationError(f"{package}.capability defines no CAPABILITY")
    return capability


def installed_capability_packages() -> list[str]:
    """Every package of the portal that ships a capability module, enabled or not."""
    folder = Path(__file__).resolve().parents[1]  # the portal package (the core imports nothing above it)
    return sorted(
        f"portal.{info.name}"
        for info in pkgutil.iter_modules([str(folder)])
        if info.ispkg and (folder / info.name / "capability.py").exists()
    )


def build_registry(packages, core_roles) -> Registry:
    """Load and check the declarations: every kind, role, command and model declared once."""
    capabilities = tuple(load_capability(p) for p in packages)
    registry = Registry(capabilities=capabilities, roles={str(r): r for r in core_roles})
    names, slugs, commands = set(), set(), set()
    for capability in capabilities:
        _once(names, capability.name, "capability")
        for role in capability.roles:
            if role in registry.roles:
                raise DeclarationError(f"role {role!r} is declared twice ({capability.name})")
            registry.roles[str(role)] = role
        for command in capability.commands:
            _once(commands, command.name, "command")
        for job in capability.jobs:
            if job.command not in {c.name for c in capability.commands}:
                raise DeclarationError(f"job {job.command!r} of {capability.name} is not one of its commands")
        for kind in capability.kinds:
            if kind.code in registry.kinds:
                raise DeclarationError(f"request kind {kind.code!r} is declared twice")
            _once(slugs, kind.slug, "queue slug")
            _check_model_code(kind)
            registry.kinds[kind.code] = kind
            if set(kind.role_scopes) - set(kind.staff_roles):
                raise DeclarationError(f"kind {kind.code!r} scopes roles that do not work its queue")
            if set(kind.ratable_states) - {s.name for s in kind.workflow.states}:
                raise DeclarationError(f"kind {kind.code!r} declares undeclared ratable states")
    for capability in capabilities:
        declared = [
            *(r for k in capability.kinds for r in _kind_roles(k)),
            *(r for roles in (capability.staff_areas or {}).values() for r in roles),
            *(r for link in capability.staff_links for r in link.roles),
        ]
        unknown = {str(r) for r in declared} - set(registry.roles)
        if unknown:
            raise DeclarationError(f"{capability.name} names undeclared roles {sorted(unknown)}")
    for package in sorted(set(installed_capability_packages()) - set(packages)):
        for kind in load_capability(package).kinds:
            if kind.code not in registry.kinds:
                registry.switched_off.setdefault(kind.code, kind)
    return registry


def _kind_roles(kind: RequestKind):
    yield from kind.staff_roles
    if kind.participant_role:
        yield kind.participant_role
    for transition in kind.workflow.transitions:
        yield from transition.roles


def _check_model_code(kind: RequestKind) -> None:
    """The kind's model stores the kind's code as its type (`polymorphic_identity`): else
    its requests would be filed under another kind, or under none."""
    from sqlalchemy import inspect

    identity = inspect(kind.model).polymorphic_identity
    if identity != kind.code:
        raise DeclarationError(
            f"request kind {kind.code!r}: its model {kind.model.__name__} has the type code {identity!r}"
        )


def _once(seen: set, value: str, what: str) -> None:
    if value in seen:
        raise DeclarationError(f"{what} {value!r} is declared twice")
    seen.add(value)


def check_endpoints(app) -> None:
    """Every link a capability declares must point at a route the app really has."""
    endpoints = set(app.view_functions)
    for capability in app.extensions[REGISTRY_KEY].capabilities:
        links = [*capability.nav, *capability.staff_links]
        wanted = [link.endpoint for link in links]
        if capability.home_card:
            wanted += [e for e in (capability.home_card.endpoint, capability.home_card.start_endpoint) if e]
        missing = set(wanted) - endpoints
        if missing:
            raise DeclarationError(f"{capability.name} links to unknown endpoints {sorted(missing)}")
        blueprints = {bp.name for bp in capability.blueprints}
        if set(capability.staff_areas or {}) - blueprints:
            raise DeclarationError(f"{capability.name} declares staff areas of blueprints it does not own")


def registry() -> Registry:
    return current_app.extensions[REGISTRY_KEY]


def capabilities() -> tuple["Capability", ...]:
    return registry().capabilities


def partial_context(kind: RequestKind) -> dict:
    """The names a kind's partials receive on a shared page (tracking, staff detail)."""
    return registry().template_context_of(kind)


def all_kinds() -> list[RequestKind]:
    return list(registry().kinds.values())


def all_roles() -> dict[str, Any]:
    """Every role of this deployment, by name (each with a translated `label`)."""
    return registry().roles


def kind_for_code(code: str) -> RequestKind:
    return registry().kinds[code]


def kind_for_slug(slug: str) -> RequestKind:
    """Look a type up by its URL segment, or 404."""
    kind = registry().kind_for_slug(slug)
    if kind is None:
        raise NotFound()
    return kind


def kind_of(service_request: "ServiceRequest") -> RequestKind:
    """The request's kind, also when its capability is switched off (`is_switched_off`)."""
    known = registry()
    kind = known.kinds.get(service_request.request_type) or known.switched_off.get(
        service_request.request_type
    )
    if kind is None:
        raise DeclarationError(
            f"no installed capability declares the request kind {service_request.request_type!r}"
        )
    return kind


def is_switched_off(kind: RequestKind) -> bool:
    """The kind's capability is installed but not enabled: its requests are read-only."""
    return kind.code not in registry().kinds
