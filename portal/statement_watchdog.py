"""A web request's statement ends even when the database server stops answering (issue #37).

PostgreSQL's own `statement_timeout` (portal.pg_connections) ends a slow
statement, but only a server that runs can enforce it: a frozen backend, a host that hangs
or a network path that drops packets while the TCP connection stays up leaves psycopg
waiting on the socket for ever (keepalives are slow, and see an acknowledging peer as
alive). So each statement of a web request is watched from this side too: when it runs
GRACE_SECONDS beyond the request's statement timeout, the watchdog shuts the socket down.
psycopg then fails with "server closed the connection", SQLAlchemy discards the pooled
connection, and the request answers the plain 503 page (portal.errors).

One daemon thread per process checks the watched statements a few times a second; a
statement costs a dictionary entry, not a thread. Jobs, exports from the command line,
refresh-reports and migrations are not watched (no request context), as they are not
limited by the server either.
"""

import os
import socket
import threading
import time
from contextvars import ContextVar
from itertools import count

from flask import current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

#: Seconds past the statement timeout before the socket is cut: a live server's own
#: timeout ends the statement first, with its clean error.
GRACE_SECONDS = 2.0
#: How often the watchdog looks (the bound is timeout + grace + this).
TICK_SECONDS = 0.25
#: The watched statement of this thread's request (statements of a request run one by one).
_RUNNING: ContextVar[int | None] = ContextVar("portal_statement_watch", default=None)


class Watchdog:
    """Deadlines of running statements, each with the socket to cut when it passes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: dict[int, tuple[float, int]] = {}
        self._tokens = count(1)
        self._thread: threading.Thread | None = None

    def watch(self, fd: int, seconds: float) -> int:
        token = next(self._tokens)
        with self._lock:
            self._watched[token] = (time.monotonic() + seconds, fd)
            if self._thread is None or not self._thread.is_alive():  # also after a fork
                self._thread = threading.Thread(target=self._run, name="statement-watchdog", daemon=True)
                self._thread.start()
        return token

    def release(self, token: int) -> None:
        with self._lock:
            self._watched.pop(token, None)

    def _run(self) -> None:
        while True:
            time.sleep(TICK_SECONDS)
            now = time.monotonic()
            # Cut while holding the lock: a statement released meanwhile is never cut, and
            # its socket (still open until release) cannot have been reused by another.
            with self._lock:
                for token, (deadline, fd) in list(self._watched.items()):
                    if deadline <= now:
                        del self._watched[token]
                        cut(fd)


def cut(fd: int) -> None:
    """Shut the socket down (both ways): the blocked read returns at once."""
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()  # the duplicate only; the driver still owns its descriptor


watchdog = Watchdog()


def statement_seconds() -> float:
    """The current request's statement timeout (an export's longer one included); 0: none."""
    return float(g.get("statement_timeout", current_app.config["DATABASE_STATEMENT_TIMEOUT"]) or 0)


def watch_web_statements(engine: Engine) -> None:
    """Watch every statement a web request runs on `engine` (PostgreSQL)."""
    if getattr(engine, "_portal_watched", False):
        return
    engine._portal_watched = True

    @event.listens_for(engine, "before_cursor_execute")
    def before(connection, cursor, statement, parameters, context, executemany):
        if not has_request_context() or not (seconds := statement_seconds()):
            return
        fd = connection.connection.driver_connection.fileno()
        done()
        _RUNNING.set(watchdog.watch(fd, seconds + GRACE_SECONDS))

    def done(*_args) -> None:
        if (token := _RUNNING.get()) is not None:
            _RUNNING.set(None)
            watchdog.release(token)

    event.listen(engine, "after_cursor_execute", done)
    event.listen(engine, "handle_error", done)
