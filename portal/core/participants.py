"""The participant of a request named by columns of its kind's own table (a legal aid case's
lawyer, a mediation's mediators): the predicate and the queue clause a `RequestKind`
declares, written once (`is_participant`, `participant_clause`)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select

from portal.core.models import ServiceRequest


def by_columns(model: type, *columns: str) -> tuple[Callable[[Any, Any], bool], Callable[[Any], Any]]:
    """(request, user) -> whether the user is named in one of `columns`, and user -> the
    WHERE clause of their queue. The clause reads the kind's table alone: the queue query
    itself stays on service_request."""

    def is_participant(found, user) -> bool:
        return any(getattr(found, name, None) == user.id for name in columns)

    def clause(user):
        table = model.__table__
        return ServiceRequest.id.in_(
            select(table.c.id).where(or_(*(table.c[name] == user.id for name in columns)))
        )

    return is_participant, clause
