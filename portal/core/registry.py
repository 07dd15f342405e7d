"""The request types the portal knows; the generic queue and detail pages look them up here."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask_babel import LazyString
from werkzeug.exceptions import NotFound

from portal.core.workflow import Workflow

if TYPE_CHECKING:
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


@dataclass(frozen=True)
class RequestKind:
    """Everything the shared pages need to know about one request type."""

    code: str  # reference prefix: LA, CB, HC, AC
    slug: str  # URL segment: /staff/queue/<slug>
    label: LazyString
    model: type
    workflow: Workflow
    #: Staff roles that work this queue.
    staff_roles: frozenset[str]
    #: Template included on the staff detail and tracking pages for the type's own data.
    detail_template: str
    public_template: str
    #: Role of outside participants (e.g. lawyers) who see only their own cases.
    participant_role: str | None = None
    #: (request, user) -> bool, and user -> WHERE clause for the participant's queue.
    is_participant: Callable[["ServiceRequest", Any], bool] | None = None
    participant_clause: Callable[[Any], Any] | None = None
    #: Queue staff limited to part of the type (e.g. desk staff to their service points):
    #: user -> WHERE clause for the queue, and (request, user) -> bool for the detail page.
    staff_scope: Callable[[Any], Any] | None = None
    staff_in_scope: Callable[["ServiceRequest", Any], bool] | None = None
    extra_filters: tuple[QueueFilter, ...] = field(default_factory=tuple)
    #: The date the queue's date range filters on: (start, end) UTC -> WHERE clause, and
    #: its label. By default the date the request was received.
    date_range_clause: Callable[[Any, Any], Any] | None = None
    date_range_label: LazyString | None = None
    #: Extra export columns: (header, request -> value).
    export_columns: tuple[tuple[LazyString, Callable[["ServiceRequest"], Any]], ...] = ()


_KINDS: dict[str, RequestKind] = {}


def register_kind(kind: RequestKind) -> RequestKind:
    """Add a request type; called once when its package is imported."""
    _KINDS[kind.code] = kind
    return kind


def all_kinds() -> list[RequestKind]:
    return list(_KINDS.values())


def kind_for_code(code: str) -> RequestKind:
    return _KINDS[code]


def kind_for_slug(slug: str) -> RequestKind:
    """Look a type up by its URL segment, or 404."""
    for kind in _KINDS.values():
        if kind.slug == slug:
            return kind
    raise NotFound()


def kind_of(request: "ServiceRequest") -> RequestKind:
    return _KINDS[request.request_type]
