"""Consultation booking declares itself to the shared code (SPEC §13)."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.accounts.roles import Role
from portal.consultations import demo, figures
from portal.consultations.commands import (
    close_lapsed_rebookings_command,
    generate_slots_command,
    send_reminders_command,
)
from portal.consultations.desk_views import bp as desk_bp
from portal.consultations.roles import DESK
from portal.consultations.services import REMINDER_KEY
from portal.consultations.views import bp, consultation_labels
from portal.consultations.waiting import SEAT_OFFER_KEY
from portal.consultations.workflow import CONSULTATIONS
from portal.core.contract import Capability, HomeCard, Job, Link

DESK_PAGES = frozenset({DESK, Role.ADMIN, Role.SUPERVISOR})

CAPABILITY = Capability(
    name="consultations",
    template_context=consultation_labels,
    label=_l("Consultation booking"),
    models="portal.consultations.models",
    blueprints=(bp, desk_bp),
    kinds=(CONSULTATIONS,),
    roles=(DESK,),
    staff_areas={desk_bp.name: DESK_PAGES},
    nav=(Link("consultations.index", _l("Consultation booking")),),
    home_card=HomeCard(
        "consultations.index",
        _l("Consultation booking"),
        _l("Book a time with a lawyer at the service centre or your township justice office."),
        start_endpoint="consultations.book",
        start_label=_l("Book a consultation"),
    ),
    staff_links=(
        Link("desk.points", _l("Consultation desks: day view, walk-ins, opening hours"), DESK_PAGES),
    ),
    commands=(generate_slots_command, send_reminders_command, close_lapsed_rebookings_command),
    jobs=(
        Job("generate-slots", timedelta(days=1)),
        Job("send-reminders", timedelta(minutes=10)),
        Job("close-lapsed-rebookings", timedelta(hours=1)),
    ),
    seed_demo=demo.seed_demo,
    demo_logins=demo.demo_logins,
    report_figures=figures.report_sections,
    message_keys=(REMINDER_KEY, SEAT_OFFER_KEY),
)
