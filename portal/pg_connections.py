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
"""

import select

from flask import current_app, g, has_request_context
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine

from portal.extensions import db

#: The statement timeout (ms) this pooled connection has now, in its record's info.
TIMEOUT_KEY = "portal_statement_timeout_ms"


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


def manage_connections(engine: Engine) -> None:
    """Listen to `engine`'s checkouts (once per engine)."""
    if getattr(engine, "_portal_connections_managed", False):
        return
    engine._portal_connections_managed = True
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
