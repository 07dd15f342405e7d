"""The staff queue of each request type: tabs, filters, sorting, export and assigning
several selected rows at once."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.accounts.services import staff_choices
from portal.backoffice.queue_rows import queue_rows
from portal.backoffice.views import bp
from portal.core import queue, queue_reads
from portal.core.access import (
    can_open_queue,
    can_reassign,
    queue_scope,
)
from portal.core.choices import options
from portal.core.clock import local_datetime
from portal.core.contract import CORE_STAFF_AREAS
from portal.core.duplicates import probable_duplicates
from portal.core.export import csv_response, xlsx_response
from portal.core.forms import (
    ReassignForm,
)
from portal.core.identity import mask_mobile
from portal.core.models import ServiceRequest, Township
from portal.core.registry import kind_for_slug
from portal.core.services import (
    reassign,
)
from portal.extensions import db
from portal.i18n import current_language
from portal.pg_connections import allow_longer_statements
from portal.ratings.queue_filter import rating_choices
from portal.safe_urls import safe_next_url


def _queue_kind(slug: str):
    kind = kind_for_slug(slug)
    if not can_open_queue(current_user, kind):
        abort(403)
    return kind


#: Dates a filter accepts: beyond them a day's midnight in UTC does not exist (year 1, 9999).
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)


def _parse_date(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is None or FIRST_DATE <= day <= LAST_DATE else None


def _reads_ratings() -> bool:
    """Ratings are for those who read the reports (supervisors, admins): an officer must
    not be able to list which applicants rated them poorly."""
    return current_user.has_role(*CORE_STAFF_AREAS["reports"])


def _params(kind) -> queue.QueueParams:
    args = request.args
    tab = args.get("tab", "open")
    return queue.QueueParams(
        tab=tab if tab in queue.TABS else "open",
        status=args.get("status", ""),
        township=args.get("township", ""),
        assignee=args.get("assignee", ""),
        date_from=_parse_date(args.get("from")),
        date_to=_parse_date(args.get("to")),
        q=args.get("q", "")[:100],
        sort=args.get("sort") if args.get("sort") in queue.SORTS else "due",
        extra={f.name: args.get(f.name, "") for f in kind.extra_filters},
        **(
            {
                "rating": args.get("rating", "")[:20],
                "rated_from": _parse_date(args.get("rated_from")),
                "rated_to": _parse_date(args.get("rated_to")),
            }
            if _reads_ratings()
            else {}
        ),
    )


def handlers_for(kind) -> list:
    return staff_choices(*kind.staff_roles)


@bp.get("/queue/<slug>")
def queue_page(slug: str):
    """One queue: tabs with counts, filters, search, keyset pages sorted by due time."""
    kind = _queue_kind(slug)
    params = _params(kind)
    scope = queue_scope(current_user, kind)
    rows, next_cursor = queue_reads.fetch_page(
        kind, current_user, params, scope=scope, after=request.args.get("after", "")
    )
    counts = queue_reads.tab_counts(kind, current_user, params, scope=scope)
    townships = db.session.execute(
        select(Township.id, Township.name, Township.name_en).order_by(Township.sort_order)
    ).all()
    handlers = handlers_for(kind)  # the filter's list and the bulk form's: read once
    english = current_language() == "en"
    duplicates = probable_duplicates(kind, [r.id for r in rows if r.is_open], scope)
    flags = kind.queue_flags([r.id for r in rows]) if kind.queue_flags else {}
    return render_template(
        "backoffice/queue.html",
        kind=kind,
        params=params,
        rows=queue_rows(rows, duplicates, flags),
        next_cursor=next_cursor,
        counts=counts,
        tabs=TAB_LABELS,
        filter_choices={
            "status": [(state.name, state.label) for state in kind.workflow.states],
            "township": [(t_id, (name_en if english else name)) for t_id, name, name_en in townships],
        },
        handlers=handlers,
        filter_args={k: v for k, v in request.args.items() if k not in ("after", "tab") and v},
        rating_choices=rating_choices() if kind.ratable_states and _reads_ratings() else [],
        bulk_form=_bulk_form(handlers) if current_user.has_role(Role.SUPERVISOR) else None,
    )


def _bulk_form(handlers) -> ReassignForm:
    form = ReassignForm(prefix="bulk", formdata=None)
    form.handler.choices = options((u.id, u.display_name) for u in handlers)
    return form


TAB_LABELS = {
    "unassigned": _l("Unassigned"),
    "mine": _l("Mine"),
    "open": _l("All open"),
    "overdue": _l("Overdue"),
    "closed": _l("Closed"),
    "all": _l("All"),
}


def _export_rows(kind, params, scope):
    for row in queue.iter_export(kind, current_user, params, scope=scope):
        yield [
            row.reference,
            str(kind.workflow.state(row.status).label),
            gettext("Yes") if row.priority == 0 else "",
            row.applicant_name,
            mask_mobile(row.applicant_mobile),
            row.township.name if row.township else "",
            row.handler.display_name if row.handler else "",
            local_datetime(row.created_at),
            local_datetime(row.due_at),
            local_datetime(row.closed_at),
            *[getter(row) for _label, getter in kind.export_columns],
        ]


@bp.get("/queue/<slug>/export.<fmt>")
def queue_export(slug: str, fmt: str):
    """The filtered tab as CSV or Excel (cells that look like formulas are neutralised)."""
    kind = _queue_kind(slug)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    params = _params(kind)
    allow_longer_statements(current_app.config["DATABASE_EXPORT_STATEMENT_TIMEOUT"])
    headers = [
        gettext("Reference"),
        gettext("Status"),
        gettext("Urgent"),
        gettext("Applicant"),
        gettext("Mobile"),
        gettext("Township"),
        gettext("Handler"),
        gettext("Received"),
        gettext("Due"),
        gettext("Closed"),
        *[str(label) for label, _getter in kind.export_columns],
    ]
    rows = _export_rows(kind, params, queue_scope(current_user, kind))
    filename = f"{kind.code}-{params.tab}"
    if fmt == "csv":
        return csv_response(filename, headers, rows)
    return xlsx_response(filename, str(kind.label), headers, rows)


#: Rows one bulk assignment may take (a page of the queue is far fewer).
BULK_ASSIGN_LIMIT = 200


@bp.post("/queue/<slug>/assign")
def bulk_assign(slug: str):
    """A supervisor assigns the selected rows of a queue to one officer: each with the
    same guard as one reassignment, and an audit event each."""
    kind = _queue_kind(slug)
    if not current_user.has_role(Role.SUPERVISOR):
        abort(403)
    back = redirect(
        safe_next_url(
            request.form.get("next") or url_for("backoffice.queue_page", slug=slug), "backoffice.home"
        ),
        303,
    )
    form = ReassignForm(prefix="bulk")
    candidates = {u.id: u for u in handlers_for(kind)}
    form.handler.choices = options((u.id, u.display_name) for u in candidates.values())
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()][:BULK_ASSIGN_LIMIT]
    if not form.validate_on_submit() or not ids:
        flash(_l("Tick the requests to assign and choose the officer."), "error")
        return back
    chosen = db.session.scalars(
        select(ServiceRequest).where(ServiceRequest.id.in_(ids), ServiceRequest.request_type == kind.code)
    ).all()
    done = 0
    for found in chosen:
        if can_reassign(current_user, found) and found.handler_id != form.handler.data:
            reassign(found, candidates[form.handler.data], by=current_user, comment=form.comment.data)
            done += 1
    db.session.commit()
    flash(
        _l(
            "%(done)s of %(chosen)s requests assigned to %(name)s (closed or already theirs: left as they were).",
            done=done,
            chosen=len(ids),
            name=candidates[form.handler.data].display_name,
        ),
        "success",
    )
    return back
