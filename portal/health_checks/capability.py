"""Enterprise legal health checks declare themselves to the shared code (SPEC §13)."""

from flask_babel import lazy_gettext as _l

from portal.accounts.enterprises import membership_of
from portal.accounts.models import AccountType
from portal.accounts.roles import Role
from portal.core.contract import Capability, HomeCard, Link
from portal.health_checks import demo, figures, team_views
from portal.health_checks.roles import COORDINATOR
from portal.health_checks.staff_views import bp as staff_bp
from portal.health_checks.views import bp, health_check_labels
from portal.health_checks.workflow import HEALTH_CHECK

TITLE = _l("Enterprise legal health check")


def may_request_check(user) -> bool:
    """Enterprise accounts and members of an enterprise ask for checks; residents do not."""
    return user.account_type == AccountType.ENTERPRISE or membership_of(user) is not None


CAPABILITY = Capability(
    name="health_checks",
    template_context=health_check_labels,
    label=TITLE,
    models="portal.health_checks.models",
    blueprints=(bp, staff_bp, team_views.bp, team_views.staff_bp),
    kinds=(HEALTH_CHECK,),
    roles=(COORDINATOR,),
    # Lawyers of a check's team open its findings page; the views check the team.
    staff_areas={
        staff_bp.name: frozenset({COORDINATOR, Role.LAWYER}),
        team_views.staff_bp.name: frozenset({COORDINATOR, Role.LAWYER}),
    },
    nav=(),
    home_card=HomeCard(
        "health_checks.index",
        TITLE,
        _l("A lawyer team checks your company's legal risks and reports what to fix."),
        start_endpoint="health_checks.request_page",
        start_label=_l("Request a legal health check"),
        may_start=may_request_check,
        for_enterprises=True,
    ),
    staff_links=(
        Link(
            "health_checks_staff.members",
            _l("Enterprise accounts waiting for verification"),
            frozenset({COORDINATOR}),
        ),
    ),
    seed_demo=demo.seed_demo,
    demo_logins=demo.demo_logins,
    report_figures=figures.report_sections,
)
