"""Probable duplicates for staff (issue #27): two open requests of one kind with the same
declared key (`RequestKind.duplicate_key`, e.g. legal aid's ID number and matter),
received within 30 days of each other. Shown on the queue row and the detail page with a
link to the other; staff decide what to do with them."""

from datetime import timedelta

from sqlalchemy import bindparam, select

from portal.core.models import ServiceRequest
from portal.extensions import db

WINDOW = timedelta(days=30)


def probable_duplicates(kind, ids: list[int], scope=None) -> dict[int, str]:
    """For each open request of `ids`, the reference of the latest other open request of
    the kind with the same key received within WINDOW of it (one indexed query; the
    window is compared here, as SQLite cannot subtract an interval).

    `scope` is the viewer's part of the queue (`core.access.queue_scope`): someone who
    sees only part of it (a lawyer their own cases) is shown no flag, whose link would
    name a request they may not open."""
    if not kind.duplicate_key or not ids or scope is not None:
        return {}
    rows = db.session.execute(_statement(kind), {"ids": list(ids)}).all()
    return {
        request_id: reference
        for request_id, received, reference, other_received in rows
        if abs(other_received - received) < WINDOW
    }


#: One statement per kind, built on first use: the four table aliases cost more CPU to
#: build than the query takes to run (each alias copies every column of its table), and a
#: statement built once is also found at once in SQLAlchemy's compiled cache.
_STATEMENTS: dict[str, object] = {}


def _statement(kind):
    statement = _STATEMENTS.get(kind.slug)
    if statement is None:
        statement = _STATEMENTS[kind.slug] = _build(kind)
    return statement


def _build(kind):
    own, base = kind.model.__table__, ServiceRequest.__table__
    mine, other = own.alias("mine"), own.alias("other")
    mine_request, other_request = base.alias("mine_request"), base.alias("other_request")

    def column(name, table, request_table):
        return table.c[name] if name in table.c else request_table.c[name]

    same_key = [
        column(name, mine, mine_request) == column(name, other, other_request) for name in kind.duplicate_key
    ]
    return (
        select(mine.c.id, mine_request.c.created_at, other_request.c.reference, other_request.c.created_at)
        .select_from(
            mine.join(mine_request, mine_request.c.id == mine.c.id)
            .join(other, other.c.id != mine.c.id)
            .join(other_request, other_request.c.id == other.c.id)
        )
        .where(
            mine.c.id.in_(bindparam("ids", expanding=True)),
            *same_key,  # in WHERE: a key may name both tables (PostgreSQL checks join order)
            mine_request.c.is_open.is_(True),
            other_request.c.is_open.is_(True),
        )
        .order_by(other_request.c.id)
    )
