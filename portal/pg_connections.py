"""PostgreSQL's pooled connections: each checkout proves the connection alive and gives it
the statement timeout of whoever takes it, without a round trip when nothing changed.

A web request's statements run under DATABASE_STATEMENT_TIMEOUT; jobs, refresh-reports,
command-line exports and migrations share the engine but not a request, and run unlimited
(or under their own `SET statement_timeout`). The limit is a setting of the connection
(`SET statement_timeout`, sent in autocommit so no rollback undoes it), sent only when the
connection's current one differs from the one wanted: a web worker's connections keep the
web's. A view that needs longer calls `allow_longer_statements()` (issue #37's export).

Liveness, without pool_pre_ping's `SELECT 1` on every checkout: a backend that ended (a
server restart, pg_terminate_backend, an idle timeout) sends its goodbye and closes the
socket, so an idle connection whose socket has something to read is probed (the SET is the
probe) and, when the probe fails, discarded with every connection pooled before it, as
pre-ping does; the request then gets a fresh connection. A peer that vanished without a
word is noticed by the TCP keepalives (portal.database.engine_options) and the statement
watchdog (issue #37).

Measured on the bench's PostgreSQL pages (in-process CPU, interleaved): pre-ping plus a
`SET LOCAL` per transaction cost 0.26-0.95 ms a request, two round trips of four on a
form page (issue #40).

A read-only request (GET or HEAD that has not called begin_writing) reads in autocommit:
no BEGIN before its first statement and no ROLLBACK after its last, two round trips of a
form page's three. At READ COMMITTED every statement takes its own snapshot inside a
transaction too, so plain reads see the same rows. The first statement that needs a
transaction (anything but a plain SELECT: a write, a locking read, an advisory lock, a
SET LOCAL, a server-side cursor) ends autocommit, and psycopg begins the transaction with
it: from there on the request's statements are atomic as before. Measured by instruction
counts (callgrind, 10 requests apart): the legal-aid form 14.30 -> 13.73 M instructions a
request, the tracking result 17.15 -> 15.83 M (issue #40).
"""

import re
import select
from collections.abc import Callable

from flask import current_app, g, has_request_context
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine

from portal.extensions import db

#: The statement timeout (ms) this pooled connection has now, in its record's info.
TIMEOUT_KEY = "portal_statement_timeout_ms"
#: Set in the record's info while this module holds the connection in autocommit.
READ_AUTOCOMMIT_KEY = "portal_read_autocommit"


def wanted_timeout_ms() -> int:
    """The statement timeout of whoever takes the connection: a web request's (or its
    export's, after allow_longer_statements), else none."""
    if not has_request_context():
        return 0
    seconds = g.get("statement_timeout", current_app.config["DATABASE_STATEMENT_TIMEOUT"])
    return int(float(seconds or 0) * 1000)


def has_news(dbapi_connection) -> bool:
    """The server said something to an idle connection (its goodbye, or the socket closed)."""
    if dbapi_connection.closed:
        return True
    try:
        poller = select.poll()  # poll, not select: any descriptor number (select stops at 1024)
        poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))  # POLLERR and POLLHUP are reported without asking
    except (OSError, ValueError):
        return True


def set_timeout(dbapi_connection, milliseconds: int) -> None:
    """`SET statement_timeout` outside a transaction (no rollback undoes it); it is also the
    probe: a connection that cannot run it is dead."""
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute(f"SET statement_timeout = {int(milliseconds)}")
    finally:
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = False


#: A statement that may run outside a transaction: a SELECT that locks nothing.
_PLAIN_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_TAKES_A_LOCK = re.compile(
    r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|\bpg_advisory", re.IGNORECASE
)


def needs_transaction(statement: str, context) -> bool:
    """Whether `statement` must run in a transaction: everything but a plain SELECT (a
    locking read and an advisory lock hold until the transaction ends; a server-side
    cursor lives in one)."""
    if context is not None and context.execution_options.get("stream_results"):
        return True
    return not _PLAIN_READ.match(statement) or bool(_TAKES_A_LOCK.search(statement))


def manage_connections(engine: Engine, reads_only: Callable[[], bool] = lambda: False) -> None:
    """Listen to `engine`'s checkouts and transactions (once per engine). `reads_only`
    tells a read-only request, whose plain reads run in autocommit."""
    if getattr(engine, "_portal_connections_managed", False):
        return
    engine._portal_connections_managed = True

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        if reads_only():
            # Idle here (psycopg sends BEGIN with a transaction's first statement, not yet
            # sent), and in psycopg's default mode: a pooled connection is returned to it.
            connection.connection.dbapi_connection.autocommit = True
            connection.connection.info[READ_AUTOCOMMIT_KEY] = True

    @event.listens_for(engine, "before_cursor_execute")
    def before_execute(connection, _cursor, statement, _parameters, context, _executemany):
        # Only a connection this module put in autocommit: never one whose isolation level
        # another user chose (a migration's CREATE INDEX CONCURRENTLY runs in autocommit).
        if connection.connection.info.get(READ_AUTOCOMMIT_KEY) and needs_transaction(statement, context):
            # Idle between autocommitted statements: psycopg begins the transaction with
            # this one, and SQLAlchemy's commit or rollback ends it.
            connection.connection.info.pop(READ_AUTOCOMMIT_KEY)
            connection.connection.dbapi_connection.autocommit = False

    @event.listens_for(engine, "checkin")
    def on_checkin(dbapi_connection, record):
        if record.info.pop(READ_AUTOCOMMIT_KEY, False) and dbapi_connection is not None:
            try:
                dbapi_connection.autocommit = False
            except Exception:  # noqa: BLE001 (a closed connection: the pool discards it anyway)
                record.invalidate()

    disconnect_errors = (
        engine.dialect.loaded_dbapi.OperationalError,
        engine.dialect.loaded_dbapi.InterfaceError,
    )

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy):
        wanted = wanted_timeout_ms()
        if record.info.get(TIMEOUT_KEY) == wanted and not has_news(dbapi_connection):
            return
        try:
            set_timeout(dbapi_connection, wanted)
        except disconnect_errors as error:
            record.info.pop(TIMEOUT_KEY, None)
            # As pre-ping: this and every connection pooled before it are discarded, and
            # the checkout is tried again on a new connection.
            raise exc.InvalidatePoolError(f"pooled connection found closed: {error}") from error
        record.info[TIMEOUT_KEY] = wanted


def allow_longer_statements(seconds: float) -> None:
    """Let this request's statements run up to `seconds` (an export), from now on: the
    transaction under way at once, the request's later checkouts by wanted_timeout_ms()."""
    g.statement_timeout = seconds
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"SET LOCAL statement_timeout = {int(float(seconds) * 1000)}"))
