"""Advisers' service log entries by type, period and township: a staff list for whoever
manages advisers and for supervisors, and the report's "adviser services by kind", counted
through the same filter (`service_clauses`) so that each figure opens the list it counts.

The list shows no free text: an entry's description may name residents (it stays on the
adviser's page for adviser administrators); advisers and villages are directory data.
"""

from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from wtforms import SelectField

from portal.advisers.models import Adviser, ServiceLogEntry, Village
from portal.advisers.vocabulary import SERVICE_TYPES
from portal.core.choices import options
from portal.core.models import Township
from portal.extensions import db, login_manager
from portal.reports.built import built_once
from portal.reports.links import with_argument
from portal.reports.period import Period, PeriodForm, period_args, period_form

#: Adviser administrators and supervisors: the staff guard reads the capability's staff_areas.
bp = Blueprint("adviser_services", __name__, url_prefix="/staff/adviser-services")
PAGE_SIZE = 50


@bp.record_once
def _staff_sign_in(state) -> None:
    login_manager.blueprint_login_views.setdefault(bp.name, "backoffice.login")


def service_clauses(period: Period, service_type: str = "") -> list:
    """Entries served in the period (by day), in its township (by the entry's village), of
    the service type ("" for any). The list and the report's figures both filter with this."""
    entry = ServiceLogEntry
    clauses = [entry.served_on >= period.start, entry.served_on <= period.end]
    if service_type:
        clauses.append(entry.service_type == service_type)
    if period.township.isdigit():
        villages = select(Village.id).where(Village.township_id == int(period.township))
        clauses.append(entry.village_id.in_(villages))
    return clauses


def services_by_type(period: Period) -> dict[str, tuple[int, int]]:
    """{service type: (services, entries)} in the period: the sum of the entries' counts, and how
    many entries (one grouped query over `service_clauses`)."""
    entry = ServiceLogEntry
    query = built_once(
        ("adviser_services_by_type", period),
        lambda: (
            select(entry.service_type, func.sum(entry.count), func.count())
            .where(*service_clauses(period))
            .group_by(entry.service_type)
        ),
    )
    return {
        service_type: (int(services or 0), entries)
        for service_type, services, entries in db.session.execute(query)
    }


def list_url(period: Period, service_type: str = "") -> str:
    """The list of the period's entries (of one type): the report's link."""
    return list_urls(period)(service_type)


def list_urls(period: Period):
    """`list_url` of the period for any service type, the list's address routed once."""
    base = url_for("adviser_services.index", **period_args(period))
    return lambda service_type="": with_argument(base, "service_type", service_type) if service_type else base


class ServiceListForm(PeriodForm):
    """The list's choices, read from the query string (a GET: no CSRF token)."""

    service_type = SelectField(_l("Kind of service"), choices=[], validate_choice=True)


def _cursor(value: str) -> tuple[date, int] | None:
    served, _dot, entry_id = value.partition(".")
    # A row id fits in 64 bits: a longer number would overflow the database's integer.
    if not entry_id.isdigit() or len(entry_id) > 18:
        return None
    try:
        return date.fromisoformat(served), int(entry_id)
    except ValueError:
        return None


def _page(clauses: list, after: str):
    """One page, newest day first, and the cursor of the next page (None at the end)."""
    entry = ServiceLogEntry
    query = (
        select(
            entry.id,
            entry.served_on,
            entry.service_type,
            entry.count,
            Adviser.name.label("adviser_name"),
            Village.name.label("village_name"),
            Township.name.label("township_name"),
            Township.name_en.label("township_name_en"),
        )
        .join(Adviser, Adviser.id == entry.adviser_id)
        .outerjoin(Village, Village.id == entry.village_id)
        .outerjoin(Township, Township.id == Village.township_id)
        .where(*clauses)
        .order_by(entry.served_on.desc(), entry.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if cursor := _cursor(after):
        served, entry_id = cursor
        query = query.where(
            or_(entry.served_on < served, and_(entry.served_on == served, entry.id < entry_id))
        )
    rows = db.session.execute(query).all()
    last = rows[PAGE_SIZE - 1] if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], (f"{last.served_on.isoformat()}.{last.id}" if last else None)


@bp.get("/")
def index():
    """Service log entries of a type, period and township, with their total."""
    form = period_form(ServiceListForm)
    form.service_type.choices = options([("", _l("All kinds")), *SERVICE_TYPES.items()])
    if not form.validate():
        return render_template("advisers/staff/services.html", form=form, rows=[], period=None), 400
    period, service_type = form.period(), form.service_type.data or ""
    clauses = service_clauses(period, service_type)
    total = db.session.execute(
        select(func.coalesce(func.sum(ServiceLogEntry.count), 0), func.count()).where(*clauses)
    ).one()
    rows, next_cursor = _page(clauses, request.args.get("after", ""))
    return render_template(
        "advisers/staff/services.html",
        form=form,
        rows=rows,
        period=period,
        services=total[0],
        entries=total[1],
        next_cursor=next_cursor,
        service_types=SERVICE_TYPES,
        page_args={**period_args(period), **({"service_type": service_type} if service_type else {})},
    )
