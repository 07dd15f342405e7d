"""People's mediation declares itself to the shared code (SPEC §13)."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.core.contract import Capability, HomeCard, Job, Link
from portal.mediation import demo, figures
from portal.mediation.agreements import bp as agreements_bp
from portal.mediation.commands import MESSAGE_KEYS, mediation_reminders_command
from portal.mediation.committees import KEEPERS
from portal.mediation.committees import bp as committees_bp
from portal.mediation.escalation import bp as escalation_bp
from portal.mediation.records import RECORD_KEEPERS
from portal.mediation.records import bp as records_bp
from portal.mediation.roles import COORDINATOR, MEDIATOR
from portal.mediation.staff_views import bp as staff_bp
from portal.mediation.views import bp, mediation_labels
from portal.mediation.workflow import MEDIATION

CAPABILITY = Capability(
    name="mediation",
    template_context=mediation_labels,
    label=_l("People's mediation"),
    models="portal.mediation.models",
    blueprints=(bp, staff_bp, committees_bp, records_bp, escalation_bp, agreements_bp),
    kinds=(MEDIATION,),
    roles=(COORDINATOR, MEDIATOR),
    staff_areas={
        staff_bp.name: frozenset({COORDINATOR}),
        committees_bp.name: KEEPERS,
        records_bp.name: RECORD_KEEPERS,
        escalation_bp.name: RECORD_KEEPERS,
        agreements_bp.name: RECORD_KEEPERS,
    },
    nav=(Link("mediation.index", _l("Mediation")),),
    home_card=HomeCard(
        "mediation.index",
        _l("People's mediation"),
        _l(
            "A dispute with a neighbour, a relative, an employer or a shop? Mediators help both sides agree, free of charge."
        ),
        start_endpoint="mediation.apply",
        start_label=_l("Apply for mediation"),
    ),
    staff_links=(
        Link(
            "mediation_staff.register", _l("Register a dispute brought in person"), frozenset({COORDINATOR})
        ),
        Link("mediation_committees.index", _l("Mediation committees"), KEEPERS),
    ),
    commands=(mediation_reminders_command,),
    jobs=(Job("mediation-reminders", timedelta(hours=6)),),
    seed_demo=demo.seed_demo,
    demo_logins=demo.demo_logins,
    report_figures=figures.report_sections,
    message_keys=MESSAGE_KEYS,
)
