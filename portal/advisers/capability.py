"""The village legal adviser directory declares itself to the shared code (SPEC §13)."""

from flask_babel import lazy_gettext as _l

from portal.accounts.roles import Role
from portal.advisers import demo, figures
from portal.advisers.roles import ADVISER_ADMIN
from portal.advisers.service_list import bp as services_bp
from portal.advisers.staff_views import bp as staff_bp
from portal.advisers.views import adviser_labels, bp
from portal.advisers.workflow import ADVISER_CONTACT, NEW_CONTACT_KEY
from portal.core.contract import Capability, HomeCard, Link

#: Those who manage the advisers, and those who read the reports that link here.
SERVICE_LIST_ROLES = frozenset({ADVISER_ADMIN, Role.SUPERVISOR, Role.ADMIN})

CAPABILITY = Capability(
    name="advisers",
    template_context=adviser_labels,
    label=_l("Village legal advisers"),
    models="portal.advisers.models",
    # Made by migration 0002_advisers: the FTS5 trigram table (and its shadow tables) on
    # SQLite, the pg_trgm GIN expression index on PostgreSQL.
    unmodelled_objects=("directory_fts", "ix_directory_entry_search"),
    blueprints=(bp, staff_bp, services_bp),
    kinds=(ADVISER_CONTACT,),
    roles=(ADVISER_ADMIN,),
    # Advisers with a linked account (role lawyer) open their own page and service log.
    # The service log by kind, period and township (the report links to it): for whoever
    # manages advisers and for supervisors.
    staff_areas={
        staff_bp.name: frozenset({ADVISER_ADMIN, Role.LAWYER}),
        services_bp.name: SERVICE_LIST_ROLES,
    },
    nav=(Link("advisers.index", _l("Legal advisers")),),
    home_card=HomeCard(
        "advisers.index",
        _l("Find my village legal adviser"),
        _l("Every village and community has a legal adviser: find yours and contact them."),
    ),
    staff_links=(
        Link(
            "adviser_admin.advisers",
            _l("Village legal advisers: advisers, villages, roster, service log"),
            frozenset({ADVISER_ADMIN}),
        ),
        Link("adviser_admin.me", _l("My adviser page"), frozenset({Role.LAWYER})),
        Link("adviser_services.index", _l("Adviser services by kind"), SERVICE_LIST_ROLES),
    ),
    seed_demo=demo.seed_adviser_demo,
    demo_logins=demo.adviser_demo_logins,
    report_figures=figures.report_sections,
    message_keys=(NEW_CONTACT_KEY,),
)
