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
    #: user -> bool: whether this account may start one (None: every account may); My
    #: requests shows the start button only then (a resident is never sent to a page that
    #: only tells them to verify an enterprise).
    may_start: Callable[[Any], bool] | None = None
    #: A verified enterprise starts it: offered on "My enterprise" too.
    for_enterprises: bool = False


@dataclass(frozen=True)
class Job:
    """A scheduled job: a CLI command of the capability and how often it should run."""

    command: str
    every: timedelta


@dataclass(frozen=True)
class Figure:
    """One counted figure of a report, defined as a selection of a request kind's queue.

    The count and the queue link are made from the same fields (SPEC §7: every figure
    links to the filtered queue it counts): `portal.core.queue.figure_clauses` turns them
    into the WHERE clause the report counts, and the link opens the queue with them.
    """

    key: str
    label: LazyString
    #: The request kind counted (its reference prefix, e.g. "LA").
    kind: str
    #: Queue tab: "all" (every request), "open", "closed" or "overdue".
    tab: str = "all"
    #: A state of the kind, or "" for any.
    status: str = ""
    #: Values of the kind's own queue filters (`RequestKind.extra_filters`), by name.
    filters: tuple[tuple[str, str], ...] = ()
    #: Counted over the report's period (by the kind's date); False for "now" figures
    #: such as what is overdue today.
    in_period: bool = True
    #: Key of another figure of the section: this one is then also shown as a share of it.
    share_of: str | None = None
    #: () -> a numeric column of the kind's own table, summed over the counted requests
    #: (e.g. the amounts of mediated agreements), shown as a second figure.
    total: Callable[[], Any] | None = None
    total_label: LazyString | None = None
    #: () -> (start, end) columns: the figure is then the median of the whole days between
    #: them over the selected requests (e.g. from receipt to decision), not their count.
    median_days: Callable[[], tuple[Any, Any]] | None = None


@dataclass(frozen=True)
class Breakdown:
    """A figure per choice of one of the kind's queue filters (e.g. consultations by topic),
    drawn as a chart beside its table."""

    key: str
    title: LazyString
    kind: str
    #: Name of the queue filter (`RequestKind.extra_filters`) whose choices are counted.
    filter: str
    tab: str = "all"
    #: False for a picture of today (e.g. the open cases per lawyer), whatever the period.
    in_period: bool = True


@dataclass(frozen=True)
class ReportSection:
    """A capability's part of the reports: its figures, breakdowns and a monthly trend."""

    key: str
    title: LazyString
    figures: tuple[Figure, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()
    #: Kind whose requests received per month are drawn as a trend, or None.
    trend_kind: str | None = None
    #: Figures of a list that is not a request queue (e.g. the advisers' service log),
    #: counted by the capability through the same filter as its own staff page, each
    #: linked to that page: (period, with_tables) -> (figures, tables), as
    #: `portal.reports.results.Count` and `Table`.
    counted: Callable[[Any, bool], tuple[list, list]] | None = None


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
    #: () -> the capability's report sections (SPEC §7); the reports count and link them.
    #: A callable, so that choices read from settings or the database are current.
    report_figures: Callable[[], tuple[ReportSection, ...]] | None = None
    #: Template keys of the messages it sends outside its kinds' workflows (e.g. a
    #: reminder job's); a kind's workflow notices are known from its transitions. Each
    #: needs an SMS template code where texts go through a gateway (portal.core.checks).
    message_keys: tuple[str, ...] = ()
    #: () -> the names its templates and partials receive (labels, look-ups), declared once:
    #: the shared code gives them to the pages of its own blueprints and to the shared pages
    #: that include its kinds' partials (tracking, the staff detail page). Never an app-wide
    #: context processor: no other page sees them.
    template_context: Callable[[], dict] | None = None


#: Shared staff pages that belong to no capability (the outbox, the reports, rating
#: follow-ups): blueprint -> roles that may open them. The staff guard asks this as it
#: asks a capability's `staff_areas`.
CORE_STAFF_AREAS: dict[str, frozenset[str]] = {
    "outbox": frozenset({"admin", "supervisor"}),
    "reports": frozenset({"supervisor", "admin"}),
    "rating_follow_ups": frozenset({"supervisor"}),
}
#: Their buttons on the staff home, shown to the same roles.
CORE_STAFF_LINKS: tuple[Link, ...] = (
    Link("reports.dashboard", _l("Reports"), CORE_STAFF_AREAS["reports"]),
    Link("rating_follow_ups.index", _l("Rating follow-ups"), CORE_STAFF_AREAS["rating_follow_ups"]),
    Link("outbox.page", _l("Outbox: messages that could not be delivered"), CORE_STAFF_AREAS["outbox"]),
)
