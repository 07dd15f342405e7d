"""Legal aid declares itself to the shared code (SPEC §13)."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.core.contract import Capability, HomeCard, Job, Link
from portal.legal_aid import demo, figures
from portal.legal_aid.commands import withdraw_expired_command
from portal.legal_aid.roles import OFFICER, REVIEWER
from portal.legal_aid.staff_views import bp as staff_bp
from portal.legal_aid.views import bp, legal_aid_labels
from portal.legal_aid.workflow import LEGAL_AID

CAPABILITY = Capability(
    name="legal_aid",
    template_context=legal_aid_labels,
    label=_l("Legal aid"),
    models="portal.legal_aid.models",
    blueprints=(bp, staff_bp),
    kinds=(LEGAL_AID,),
    roles=(OFFICER, REVIEWER),
    staff_areas={staff_bp.name: frozenset({OFFICER})},
    nav=(Link("legal_aid.index", _l("Legal aid")),),
    home_card=HomeCard(
        "legal_aid.index",
        _l("Legal aid"),
        _l("A lawyer for free if you cannot afford one: check if you qualify and apply online."),
        start_endpoint="legal_aid.apply",
        start_label=_l("Apply for legal aid"),
    ),
    staff_links=(
        Link("legal_aid_staff.register", _l("Register a notice of defence (Art. 36)"), frozenset({OFFICER})),
        Link(
            "legal_aid_staff.forwarded",
            _l("Enter an application forwarded from custody (Art. 39)"),
            frozenset({OFFICER}),
        ),
    ),
    commands=(withdraw_expired_command,),
    jobs=(Job("withdraw-expired", timedelta(hours=1)),),
    seed_demo=demo.seed_demo,
    demo_logins=demo.demo_logins,
    report_figures=figures.report_sections,
)
