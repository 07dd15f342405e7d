"""PostgreSQL's pooled connections (portal.pg_connections): a connection the server ended
is replaced before a request uses it, and the statement timeout is a setting of the
connection, sent only when the one wanted changes (issue #40, in place of pre-ping and a
`SET LOCAL` per transaction; issue #37's limits unchanged)."""

import time

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from portal import create_app, pg_connections
from portal.extensions import db

from conftest import PortalClient, app_config, is_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="PostgreSQL's pooled connections"),
]


@pytest.fixture
def pooled_app(database_url, tmp_path):
    """The portal on a pool of its own (one connection: each request gets the same one)."""
    config = {
        **app_config(database_url, tmp_path / "uploads"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0, "hide_parameters": True},
        "DATABASE_STATEMENT_TIMEOUT": 3,
    }
    application = create_app(config)

    @application.get("/test-connection")
    def connection():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        timeout = db.session.execute(text("SHOW statement_timeout")).scalar()
        return f"{pid} {timeout}"

    @application.get("/test-export")
    def export():
        pg_connections.allow_longer_statements(55)
        db.session.commit()  # the export's second transaction, on a new checkout
        return db.session.execute(text("SHOW statement_timeout")).scalar()

    application.test_client_class = PortalClient
    yield application
    with application.app_context():
        db.engine.dispose()


def ask(application, path="/test-connection") -> list[str]:
    with application.app_context():
        answer = application.test_client().get(path)
        assert answer.status_code == 200, answer.status_code
        return answer.get_data(as_text=True).split()


def end_backend(database_url: str, pid: str) -> None:
    """What a server restart or an idle timeout does to one connection: it ends it."""
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (int(pid),)).fetchone()[0]
        for _ in range(50):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (int(pid),)).fetchone():
                return
            time.sleep(0.05)
    raise AssertionError("the backend did not end")


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(pooled_app, database_url):
    """No pre-ping, yet no 503: the ended connection's socket has the server's goodbye to
    read, so the checkout probes it, and a new connection serves the request. Mutant seen
    red: the checkout trusting a connection whose timeout is already right (503)."""
    pid, _timeout = ask(pooled_app)
    end_backend(database_url, pid)
    again, timeout = ask(pooled_app)
    assert again != pid and timeout == "3s"


def test_the_timeout_is_sent_when_the_connection_changes_hands_not_per_request(pooled_app, monkeypatch):
    """A web worker's connection keeps the web's limit: no statement for it per request; a
    job's use (no request) lifts it, and the next request sets it again; an export's
    longer limit holds for the rest of its request only."""
    sent = []
    real = pg_connections.set_timeout
    monkeypatch.setattr(pg_connections, "set_timeout", lambda conn, ms: (sent.append(ms), real(conn, ms)))

    pid, timeout = ask(pooled_app)
    assert timeout == "3s" and sent == [3000]  # the new connection gets the web's limit
    assert ask(pooled_app) == [pid, "3s"] and sent == [3000]  # and keeps it: nothing sent
    with pooled_app.app_context():  # a job on the same process: unlimited
        assert db.session.execute(text("SHOW statement_timeout")).scalar() == "0"
        db.session.remove()
    assert sent == [3000, 0]
    assert ask(pooled_app) == [pid, "3s"] and sent == [3000, 0, 3000]
    assert ask(pooled_app, "/test-export") == ["55s"]
    assert ask(pooled_app) == [pid, "3s"]  # the export's limit ended with its request
