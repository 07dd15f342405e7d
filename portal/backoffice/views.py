"""Generic staff pages: one queue and one detail page that serve every request type
(queue_views, detail_views and actions; this module: the blueprint, sign-in and home).

A request type plugs in by registering a RequestKind (states, transitions, forms and
a detail template); nothing here names a type.
"""

from flask import Blueprint, render_template
from flask_login import current_user

from portal.accounts.roles import Role
from portal.accounts.views import login_rate, sign_in_page
from portal.core import queue, queue_reads
from portal.core.access import (
    can_open_queue,
    queue_scope,
)
from portal.core.clock import local_today
from portal.core.holidays import has_official_year
from portal.core.registry import all_kinds
from portal.extensions import limiter

bp = Blueprint("backoffice", __name__, url_prefix="/staff")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
def login():
    """Staff sign-in (the same form as /account/login)."""
    return sign_in_page(staff=True)


@bp.get("/")
def home():
    """The queues this staff member may open, with their open counts."""
    kinds = [k for k in all_kinds() if can_open_queue(current_user, k)]
    summaries = []
    for kind in kinds:
        counts = queue_reads.tab_counts(
            kind, current_user, queue.QueueParams(), scope=queue_scope(current_user, kind)
        )
        summaries.append((kind, counts))
    return render_template(
        "backoffice/home.html", summaries=summaries, missing_calendar_year=_missing_calendar_year()
    )


def _missing_calendar_year() -> int | None:
    """From 1 December, next year when its official holidays are not loaded yet (shown to
    admins and supervisors: January counts on the computed statutory days until then)."""
    if not (current_user.has_role(Role.ADMIN) or current_user.has_role(Role.SUPERVISOR)):
        return None
    today = local_today()
    if today.month != 12 or has_official_year(today.year + 1):
        return None
    return today.year + 1
