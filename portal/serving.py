"""A health listener that answers while every worker is busy (deploy/gunicorn.conf.py).

gunicorn's workers can all be taken by slow requests (uploads on a slow mobile network,
a large export); a `/healthz` queued behind them times out and the load balancer takes a
healthy but busy server out, which makes the others busier. So the gunicorn master, which
serves no requests, runs this small HTTP listener on its own address (`PORTAL_HEALTH_BIND`,
default 127.0.0.1:8001; nginx sends `/healthz` there). It answers the app's own JSON:
200 when the database answers and workers are running, 503 otherwise.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from time import monotonic

#: A health check answers within this many seconds, whatever the database does.
ANSWER_WITHIN = 2.5
#: A result is reused this long: a load balancer (or an attacker) asking 100 times a
#: second costs one database connection every 2 s.
CACHE_FOR = 2.0
NO_ANSWER = (503, {"status": "error", "database": "no answer"})


class HealthCheck:
    """The database check: one in flight, its result cached CACHE_FOR, answered within
    ANSWER_WITHIN.

    Its connection budget is one: the check runs in a thread of its own, on a connection
    opened for it (NullPool: nothing is held open in the master, so workers forked later
    inherit no connection), and no second check starts while one is running. A caller
    waits for the running check at most ANSWER_WITHIN and then answers 503; a check stuck
    on a database that stopped answering blocks no caller.
    """

    def __init__(self, database_uri: str, workers=lambda: 1):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        if database_uri.startswith("postgresql"):
            # libpq's least connect timeout is 2 s. No startup options (a pgbouncer in
            # transaction mode refuses them): a SELECT 1 that hangs is bounded by the wait.
            # Keepalives end a check stuck on a server that vanished (then the next one runs).
            connect_args = {"connect_timeout": 2, "keepalives": 1, "keepalives_idle": 5}
            connect_args |= {"keepalives_interval": 2, "keepalives_count": 3}
        else:
            connect_args = {"timeout": 1}
        self.engine = create_engine(database_uri, poolclass=NullPool, connect_args=connect_args)
        self.workers = workers
        self._lock = threading.Lock()
        self._result: tuple[int, dict] | None = None
        self._result_at = 0.0
        self._running: threading.Event | None = None

    def __call__(self) -> tuple[int, dict]:
        with self._lock:
            if self._result is not None and monotonic() - self._result_at < CACHE_FOR:
                return self._result
            if self._running is None:
                self._running = threading.Event()
                threading.Thread(
                    target=self._run, args=(self._running,), name="health-check", daemon=True
                ).start()
            running = self._running
        if not running.wait(ANSWER_WITHIN):
            return NO_ANSWER
        with self._lock:
            return self._result or NO_ANSWER

    def _run(self, done: threading.Event) -> None:
        try:
            result = self._check()
        except Exception:  # noqa: BLE001 — never leave callers waiting
            result = NO_ANSWER
        with self._lock:
            self._result, self._result_at, self._running = result, monotonic(), None
        done.set()

    def _check(self) -> tuple[int, dict]:
        from sqlalchemy import text

        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 — any database failure means unhealthy
            return 503, {"status": "error", "database": "unreachable"}
        if not self.workers():
            return 503, {"status": "error", "database": "ok", "workers": 0}
        return 200, {"status": "ok", "database": "ok"}


def serve(bind: str, check: HealthCheck) -> ThreadingHTTPServer:
    """Answer GET /healthz on `bind` (host:port) from a daemon thread; returns the server."""
    host, _, port = bind.rpartition(":")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path.split("?", 1)[0] != "/healthz":
                self.send_error(404)
                return
            status, body = check()
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # noqa: A002 — quiet: load balancers poll often
            pass

    server = ThreadingHTTPServer((host.strip("[]") or "127.0.0.1", int(port)), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="portal-health", daemon=True).start()
    return server


def start_in_master(arbiter, bind: str) -> ThreadingHTTPServer | None:
    """gunicorn's when_ready hook: read the app's settings once, then serve health checks."""
    from portal import create_app

    uri = create_app().config["SQLALCHEMY_DATABASE_URI"]
    try:
        server = serve(bind, HealthCheck(uri, workers=lambda: len(arbiter.WORKERS)))
    except OSError as error:
        # E.g. a new master started by USR2 while the old one still holds the address:
        # the app serves on without the listener rather than not at all.
        arbiter.log.error("health listener: cannot listen on %s: %s", bind, error)
        return None
    arbiter.log.info("health listener on %s", bind)
    return server
