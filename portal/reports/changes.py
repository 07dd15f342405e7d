"""Which report months a transaction changes, bumped when it commits (portal.reports.summary
says why). Registered explicitly on the portal's own session by the app
(`track_report_months`), never on SQLAlchemy's Session class: no other session of the
process is watched."""

from collections.abc import Iterable
from datetime import date, datetime

from flask import has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.core.clock import to_local, utcnow
from portal.core.models import ServiceRequest
from portal.database import dialect_insert
from portal.reports.month_models import ReportMonth

PENDING_KEY = "report_months_changed"


def month_of(moment: datetime) -> date:
    """The first day of the local month of a stored (naive UTC) moment."""
    return to_local(moment).date().replace(day=1)


def _kind(request_type: str):
    if not has_app_context():
        return None
    from portal.core.registry import registry

    return registry().kinds.get(request_type)


def _months_touched(service_request: ServiceRequest, *, new: bool) -> set[date]:
    """The months the request was and is counted in (its date may have moved)."""
    kind = _kind(service_request.request_type)
    name = kind.date_attribute if kind else "created_at"
    state = inspect(service_request)
    moments = [getattr(service_request, name, None)]
    if not new and name in state.attrs:
        moments += state.attrs[name].history.deleted
    if moments == [None] and new:
        moments = [utcnow()]  # the column's default is applied by the flush
    return {month_of(m) for m in moments if isinstance(m, datetime)}


def _requests_of_dependents(session: Session, changed: Iterable) -> list[ServiceRequest]:
    """The requests whose report figures read the changed rows of other models (the
    kinds' `report_depends_on`, e.g. a health check's findings)."""
    if not has_app_context():
        return []
    from portal.core.registry import all_kinds

    id_attribute = {model: name for kind in all_kinds() for model, name in kind.report_depends_on}
    requests = []
    with session.no_autoflush:
        for row in changed:
            name = id_attribute.get(type(row))
            if name and (request_id := getattr(row, name, None)) is not None:
                if (request := session.get(ServiceRequest, request_id)) is not None:
                    requests.append(request)
    return requests


def _note_changed_months(session: Session, _context, _instances) -> None:
    changed = session.info.setdefault(PENDING_KEY, set())
    for request in session.new:
        if isinstance(request, ServiceRequest):
            changed.update((request.request_type, m) for m in _months_touched(request, new=True))
    for request in (*session.dirty, *session.deleted):
        # A note or message added to a request changes nothing a figure counts.
        if isinstance(request, ServiceRequest) and (
            request in session.deleted or session.is_modified(request, include_collections=False)
        ):
            changed.update((request.request_type, m) for m in _months_touched(request, new=False))
    for request in _requests_of_dependents(session, (*session.new, *session.dirty, *session.deleted)):
        changed.update((request.request_type, m) for m in _months_touched(request, new=False))


def _bump_changed_months(session: Session) -> None:
    """Bump the months of the whole transaction just before it commits: their rows stay
    locked only until the commit, and always in one order, so two writers of the same
    month wait for each other briefly and never deadlock."""
    session.flush()  # the transaction's last changes, noted by the flush's own event
    changed = session.info.pop(PENDING_KEY, None)
    if not changed:
        return
    connection = session.connection()
    upsert = dialect_insert(connection.dialect.name)
    table = ReportMonth.__table__
    for request_type, month in sorted(changed):
        statement = upsert(table).values(request_type=request_type, month=month, version=1)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.request_type, table.c.month], set_={"version": table.c.version + 1}
            )
        )


def _forget_changed_months(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


_LISTENERS = (
    ("before_flush", _note_changed_months),
    ("before_commit", _bump_changed_months),
    ("after_rollback", _forget_changed_months),
)


def track_report_months(sessions) -> None:
    """Watch the sessions of `sessions` (the portal's `db.session`) for changes of what the
    report counts; called once by the app (portal.create_app). Idempotent."""
    for name, listener in _LISTENERS:
        if not event.contains(sessions, name, listener):
            event.listen(sessions, name, listener)
