"""Generic staff pages: one queue and one detail page that serve every request type.

A request type plugs in by registering a RequestKind (states, transitions, forms and
a detail template); nothing here names a type.
"""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.accounts.services import staff_choices
from portal.accounts.views import login_rate, sign_in_page
from portal.core import attachments, queue
from portal.core.access import (
    AUDIENCE_LABELS,
    can_change_mobile,
    can_claim,
    can_open_queue,
    can_reassign,
    can_take,
    can_view,
    is_read_only,
    queue_scope,
    refuse_if_read_only,
)
from portal.core.choices import options
from portal.core.clock import local_datetime, local_today, utcnow
from portal.core.contract import CORE_STAFF_AREAS
from portal.core.duplicates import probable_duplicates
from portal.core.export import csv_response, xlsx_response
from portal.core.forms import (
    ActionForm,
    MessageForm,
    MobileChangeForm,
    NoteForm,
    PartyMessageForm,
    ReassignForm,
)
from portal.core.holidays import has_official_year
from portal.core.identity import mask_mobile
from portal.core.models import ReadAudit, ServiceRequest, Township
from portal.core.offers import staff_offers
from portal.core.registry import all_kinds, kind_for_slug, kind_of
from portal.core.services import (
    add_note,
    claim,
    load_by_reference,
    message_applicant,
    message_party,
    perform,
    preview_notice,
    reassign,
)
from portal.core.workflow import STAFF, WorkflowError
from portal.database import allow_longer_statements
from portal.extensions import db, limiter
from portal.ratings.queue_filter import rating_choices
from portal.security import safe_next_url

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
        counts = queue.tab_counts(
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


def _handlers(kind) -> list:
    return staff_choices(*kind.staff_roles)


@bp.get("/queue/<slug>")
def queue_page(slug: str):
    """One queue: tabs with counts, filters, search, keyset pages sorted by due time."""
    kind = _queue_kind(slug)
    params = _params(kind)
    scope = queue_scope(current_user, kind)
    rows, next_cursor = queue.fetch_page(
        kind, current_user, params, scope=scope, after=request.args.get("after", "")
    )
    counts = queue.tab_counts(kind, current_user, params, scope=scope)
    townships = db.session.execute(
        select(Township.id, Township.name, Township.name_en).order_by(Township.sort_order)
    ).all()
    return render_template(
        "backoffice/queue.html",
        kind=kind,
        params=params,
        rows=rows,
        next_cursor=next_cursor,
        counts=counts,
        tabs=TAB_LABELS,
        townships=townships,
        handlers=_handlers(kind),
        filter_args={k: v for k, v in request.args.items() if k not in ("after", "tab") and v},
        rating_choices=rating_choices() if kind.ratable_states and _reads_ratings() else [],
        duplicates=probable_duplicates(kind, [r.id for r in rows if r.is_open], scope),
        bulk_form=_bulk_form(kind) if current_user.has_role(Role.SUPERVISOR) else None,
    )


def _bulk_form(kind) -> ReassignForm:
    form = ReassignForm(prefix="bulk", formdata=None)
    form.handler.choices = options((u.id, u.display_name) for u in _handlers(kind))
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


def _load_for_staff(reference: str):
    found = load_by_reference(reference)
    if found is None:
        abort(404)
    if not can_view(current_user, found):
        abort(403)
    return found


def _load_for_change(reference: str):
    """The request, for a change by this staff user: never one whose service is switched off."""
    found = _load_for_staff(reference)
    refuse_if_read_only(found)
    return found


def action_forms(found, submitted=None, offers=None):
    """A form for each transition this user may take now (its guard allowing it)."""
    forms = []
    for transition in (offers or staff_offers(current_user, found)).allowed:
        if submitted and submitted[0] == transition.action:
            forms.append((transition, submitted[1]))
            continue
        form = (transition.form or ActionForm)(prefix=transition.action, version=found.version, formdata=None)
        form.prepare(found)
        forms.append((transition, form))
    return forms


def render_detail(
    found,
    *,
    submitted=None,
    reveal=False,
    status=200,
    note_form=None,
    message_form=None,
    party_forms=None,
    previews=None,
    mobile_form=None,
    delivery_form=None,
):
    from portal.backoffice.safe_contact import NoticeDeliveredForm
    from portal.core.safe_contact import PIN_MAX_TRIES

    kind = kind_of(found)
    offers = staff_offers(current_user, found)
    reassign_form = None
    if can_reassign(current_user, found):
        reassign_form = ReassignForm(formdata=None)
        reassign_form.handler.choices = options((u.id, u.display_name) for u in _handlers(kind))
    return (
        render_template(
            "backoffice/detail.html",
            request_obj=found,
            kind=kind,
            read_only=is_read_only(found),
            duplicate_of=probable_duplicates(kind, [found.id], queue_scope(current_user, kind)).get(found.id),
            state=kind.workflow.state(found.status),
            forms=action_forms(found, submitted, offers),
            refusals=offers.refused,
            previews=previews or {},
            can_claim=can_claim(current_user, found),
            reassign_form=reassign_form,
            note_form=note_form or NoteForm(formdata=None),
            message_form=message_form or MessageForm(formdata=None),
            party_forms=[
                (p, (party_forms or {}).get(p.id) or PartyMessageForm(prefix=f"party{p.id}", formdata=None))
                for p in found.parties
                if p.notified_at is not None
            ],
            reveal=reveal,
            audience_labels=AUDIENCE_LABELS,
            mobile_form=(mobile_form or MobileChangeForm(formdata=None))
            if can_change_mobile(current_user, found)
            else None,
            delivery_form=(delivery_form or NoticeDeliveredForm(formdata=None))
            if found.safe_contact and can_change_mobile(current_user, found)
            else None,
            pin_locked=found.safe_contact and found.pin_tries >= PIN_MAX_TRIES,
            read_audit=list(
                db.session.scalars(
                    select(ReadAudit)
                    .where(ReadAudit.request_id == found.id)
                    .order_by(ReadAudit.id.desc())
                    .limit(20)
                )
            ),
        ),
        status,
    )


@bp.get("/requests/<reference>")
def detail(reference: str):
    """All data, files, audit timeline, notes and the actions allowed now."""
    return render_detail(_load_for_staff(reference))


@bp.post("/requests/<reference>/reveal-id")
def reveal_id(reference: str):
    """Show the full ID number once, and record who saw it (audit of reading)."""
    found = _load_for_staff(reference)
    db.session.add(ReadAudit(request_id=found.id, user_id=current_user.id, what="id_number"))
    db.session.commit()
    return render_detail(found, reveal=True)


def _back(found, message=None, category="success"):
    if message:
        flash(message, category)
    return redirect(url_for("backoffice.detail", reference=found.reference), 303)


def _conflict(found, error: WorkflowError):
    db.session.rollback()
    db.session.refresh(found)
    messages = {
        403: _l("You may not take this action on this request."),
        409: _l("Someone else changed this request first. Here is its current state."),
    }
    flash(getattr(error, "message", None) or messages.get(error.status_code, messages[409]), "error")
    return render_detail(found, status=error.status_code)


@bp.post("/requests/<reference>/claim")
def claim_request(reference: str):
    """Take an unassigned request; of two officers at once, exactly one gets it."""
    found = _load_for_change(reference)
    if found.handler_id is not None and found.handler_id == current_user.id:
        return _back(
            found, _l("The request is yours now.")
        )  # sent twice, or it became theirs by acting on it
    if found.handler_id is not None:
        flash(_l("%(name)s took this request first.", name=found.handler.display_name), "error")
        return render_detail(found, status=409)
    try:
        claim(found, current_user)
        db.session.commit()
    except WorkflowError as error:
        return _conflict(found, error)
    return _back(found, _l("The request is yours now."))


@bp.post("/requests/<reference>/actions/<action>")
def take_action(reference: str, action: str):
    """Take one declared transition with its form."""
    found = _load_for_change(reference)
    transition = kind_of(found).workflow.transition(action)
    if transition is None or transition.actor != STAFF or found.status not in transition.sources:
        flash(_l("This action is not possible in the request's current state."), "error")
        return render_detail(found, status=409)
    if not can_take(current_user, found, transition):
        abort(403)
    if transition.guard is not None and (reason := transition.guard(found, utcnow())):
        flash(reason, "error")  # refused now whatever was typed: say why, not which field is wrong
        return render_detail(found, status=409)
    form = (transition.form or ActionForm)(prefix=action)
    form.prepare(found)
    if not form.validate_on_submit():
        return render_detail(found, submitted=(action, form), status=400)
    version = form.version.data
    if transition.preview and request.form.get("preview"):
        try:
            text = preview_notice(
                found, action, user=current_user, data=form.transition_data(), comment=form.comment.data
            )
        except WorkflowError as error:
            return _conflict(found, error)
        db.session.refresh(found)
        return render_detail(found, submitted=(action, form), previews={action: text})
    try:
        perform(
            found,
            action,
            user=current_user,
            data=attachments.stage_checked(form.transition_data()),
            comment=form.comment.data,
            expected_version=int(version) if (version or "").isdigit() else None,
        )
        db.session.commit()
    except WorkflowError as error:
        return _conflict(found, error)
    if request.form.get("next"):  # e.g. back to the desk's day view
        flash(_l("Done: %(action)s.", action=transition.label), "success")
        return redirect(safe_next_url(request.form["next"], "backoffice.home"), 303)
    return _back(found, _l("Done: %(action)s.", action=transition.label))


@bp.post("/requests/<reference>/notes")
def add_internal_note(reference: str):
    """Add a staff-only note."""
    found = _load_for_change(reference)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_detail(found, note_form=form, status=400)
    add_note(found, current_user, form.body.data.strip())
    db.session.commit()
    return _back(found, _l("Note added."))


@bp.post("/requests/<reference>/message")
def send_message(reference: str):
    """Write to the applicant (portal inbox and SMS)."""
    found = _load_for_change(reference)
    form = MessageForm()
    if not form.validate_on_submit():
        return render_detail(found, message_form=form, status=400)
    message_applicant(found, current_user, form.body.data.strip())
    db.session.commit()
    return _back(found, _l("Message sent to the applicant."))


@bp.post("/requests/<reference>/parties/<int:party_id>/message")
def send_party_message(reference: str, party_id: int):
    """Write to another party of the request (their inbox, and SMS when a mobile is known)."""
    found = _load_for_change(reference)
    party = next((p for p in found.parties if p.id == party_id and p.notified_at is not None), None)
    if party is None:
        abort(404)  # a party who has not been told of the request yet gets nothing
    form = PartyMessageForm(prefix=f"party{party.id}")
    if not form.validate_on_submit():
        return render_detail(found, party_forms={party.id: form}, status=400)
    message_party(found, party, current_user, form.body.data.strip())
    db.session.commit()
    return _back(found, _l("Message sent to %(name)s.", name=party.name))


@bp.post("/requests/<reference>/reassign")
def reassign_request(reference: str):
    """A supervisor hands the request to another officer."""
    found = _load_for_change(reference)
    if not can_reassign(current_user, found):
        abort(403)
    form = ReassignForm()
    candidates = {u.id: u for u in _handlers(kind_of(found))}
    form.handler.choices = options((u.id, u.display_name) for u in candidates.values())
    if not form.validate_on_submit():
        return render_detail(found, status=400)
    try:
        reassign(found, candidates[form.handler.data], by=current_user, comment=form.comment.data)
        db.session.commit()
    except WorkflowError as error:
        return _conflict(found, error)
    return _back(found, _l("Reassigned."))


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
    candidates = {u.id: u for u in _handlers(kind)}
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


@bp.get("/requests/<reference>/attachments/<int:attachment_id>")
def attachment(reference: str, attachment_id: int):
    """Download a file of a request this user may see."""
    return attachments.download(_load_for_staff(reference), attachment_id)
