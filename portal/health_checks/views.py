"""The health check's stable addresses (SPEC §10), answering "coming soon" until the service is built."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from portal.core.pages import public_page

bp = Blueprint("health_checks", __name__, url_prefix="/health-checks")
TITLE = _l("Enterprise legal health check")


@bp.get("/request")
@bp.get("/")
@public_page
def index():
    """Say that the service is coming and how to reach the bureau meanwhile."""
    return render_template("public/coming_soon.html", title=TITLE)
