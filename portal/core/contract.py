"""What one capability declares so that the shared code serves it without naming it (SPEC §13).

A capability is one package (`portal/legal_aid/`, ...) with a `capability` module that
defines `CAPABILITY`. The app is the list of enabled packages in the `CAPABILITIES`
setting; `create_app` asks each one for its declaration, checks them all together
(`portal.core.registry.build_registry`) and wires blueprints, roles, commands,
navigation and home cards from them. Nothing registers itself by being imported.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import Blueprint
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    import click

    from portal.core.registry import RequestKind


class StaffRole(str):
    """A staff role name with its translated label; compares equal to its plain name."""

    label: LazyString

    def __new__(cls, name: str, label: LazyString) -> "StaffRole":
        role = super().__new__(cls, name)
        role.label = label
        return role


@dataclass(frozen=True)
class Link:
    """A navigation entry or staff-home button: an endpoint and its label.

    With `roles`, only staff holding one of them see it; without, it is a public link.
    """

    endpoint: str
    label: LazyString
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HomeCard:
    """The capability's card on the home page, and where a signed-in person starts it."""

    endpoint: str
    title: LazyString
    text: LazyString
    #: A "start" button on My requests (e.g. the application form); None when there is none.
    start_endpoint: str | None = None
    start_label: LazyString | None = None


@dataclass(frozen=True)
class Job:
    """A scheduled job: a CLI command of the capability and how often it should run."""

    command: str
    every: timedelta


@dataclass(frozen=True)
class Capability:
    """Everything the shared code needs to know about one capability."""

    #: Short machine name (also the package's last segment), e.g. "legal_aid".
    name: str
    label: LazyString
    #: Module that defines the capability's tables (migrations import it even when the
    #: capability is disabled, so that disabling never drops tables).
    models: str | None = None
    #: Name prefixes of database objects its migrations make by hand and no model
    #: describes (e.g. a full-text index); the schema check leaves them alone.
    unmodelled_objects: tuple[str, ...] = ()
    blueprints: tuple[Blueprint, ...] = ()
    #: Request kinds served by the shared queue, detail and tracking pages.
    kinds: tuple["RequestKind", ...] = ()
    #: Staff roles this capability introduces (core roles: admin, supervisor, lawyer).
    roles: tuple[StaffRole, ...] = ()
    #: Staff pages of its own blueprints: blueprint name -> roles that may open them.
    #: The shared staff guard answers 403 to everyone else; views narrow further with
    #: the capability's `can_*` predicates.
    staff_areas: dict[str, frozenset[str]] | None = None
    nav: tuple[Link, ...] = ()
    home_card: HomeCard | None = None
    staff_links: tuple[Link, ...] = ()
    commands: tuple["click.Command", ...] = ()
    jobs: tuple[Job, ...] = ()
    #: Loads the capability's demo data; returns what it added, one phrase per item.
    seed_demo: Callable[[], list[str]] | None = None
    #: Lines describing the capability's demo logins, for `seed-demo`'s output.
    demo_logins: Callable[[], list[str]] | None = None
    #: (year, months, township) -> report figures; used by the reports (SPEC §7).
    report_figures: Callable[..., list[Any]] | None = None


#: Shared staff pages that belong to no capability (the outbox): blueprint -> roles that
#: may open them. The staff guard asks this as it asks a capability's `staff_areas`.
CORE_STAFF_AREAS: dict[str, frozenset[str]] = {"outbox": frozenset({"admin", "supervisor"})}
#: Their buttons on the staff home, shown to the same roles.
CORE_STAFF_LINKS: tuple[Link, ...] = (
    Link("outbox.page", _l("Outbox: messages that could not be delivered"), CORE_STAFF_AREAS["outbox"]),
)
