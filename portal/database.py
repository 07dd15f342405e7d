"""Database binding: timeouts, SQLite tuned for several processes, migrations, models import."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.config import PROJECT_ROOT
from portal.extensions import db, migrate
from portal.pg_connections import manage_connections
from portal.statement_watchdog import watch_web_statements

MIGRATIONS_DIR = str(PROJECT_ROOT / "migrations")
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Set by `reading()`: the transactions begun inside only read.
_READING: ContextVar[bool] = ContextVar("portal_reading", default=False)


@contextmanager
def reading() -> Iterator[None]:
    """Run a long read (a job counting a month) in a transaction that takes no write lock
    (SQLite: a deferred BEGIN, so submissions write meanwhile); it ends with the block.
    Write afterwards, in a short transaction of its own."""
    db.session.commit()
    token = _READING.set(True)
    try:
        yield
    finally:
        db.session.rollback()  # nothing was written: end the read transaction
        _READING.reset(token)


def described_by_models(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic include_object: autogenerate leaves alone what capabilities made by hand."""
    from portal.models import unmodelled_prefixes

    return not (reflected and compare_to is None and (name or "").startswith(unmodelled_prefixes()))


def engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS with the timeouts of the settings for the database's driver.

    A database that accepts connections and never answers must not hold a request for
    good: PostgreSQL gets a connect timeout, TCP keepalives (a peer that vanished is
    noticed) and a pool timeout; SQLite's only wait, for the write lock, is its busy timeout.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        connect_args.setdefault("timeout", float(config["DATABASE_BUSY_TIMEOUT"]))
    else:
        connect_args.setdefault("connect_timeout", max(2, int(config["DATABASE_CONNECT_TIMEOUT"])))
        connect_args.setdefault("keepalives", 1)
        connect_args.setdefault("keepalives_idle", 30)
        connect_args.setdefault("keepalives_interval", 10)
        connect_args.setdefault("keepalives_count", 3)
        options.setdefault("pool_timeout", float(config["DATABASE_POOL_TIMEOUT"]))
    options["connect_args"] = connect_args
    return options


def register(app: Flask) -> None:
    """Bind SQLAlchemy and Alembic to the app."""
    from portal.models import import_capability_models

    import_capability_models()  # every table is in the metadata, whatever is enabled

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    migrate.init_app(
        app, db, directory=MIGRATIONS_DIR, render_as_batch=True, include_object=described_by_models
    )
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            tune_sqlite(db.engine, busy_ms=int(float(app.config["DATABASE_BUSY_TIMEOUT"]) * 1000))
        elif db.engine.dialect.name == "postgresql":
            manage_connections(db.engine)
            watch_web_statements(db.engine)


def tune_sqlite(engine: Engine, busy_ms: int = 30000) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE for writing requests.

    pysqlite's own BEGIN is deferred: a transaction that reads and then writes can fail
    with "database is locked" when another process wrote in between. Taking the write
    lock up front for every non-GET request (and for CLI commands) makes those writers
    queue behind busy_timeout instead, while GET pages keep reading concurrently.
    """
    if getattr(engine, "_portal_tuned", False):
        return
    engine._portal_tuned = True

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")  # writers queue; busy waits are not FIFO
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        reads = _READING.get() or (
            has_request_context() and request.method in READ_ONLY_METHODS and not g.get("db_writes")
        )
        connection.exec_driver_sql("BEGIN" if reads else "BEGIN IMMEDIATE")


def begin_writing() -> None:
    """Let a GET request write: end the read transaction; the next one takes the write lock."""
    db.session.commit()
    if has_request_context():
        g.db_writes = True


def end_writing() -> None:
    """Commit a GET request's write (`begin_writing`); what it reads next is read in a
    plain transaction again, without holding SQLite's write lock while the page renders."""
    db.session.commit()
    if has_request_context():
        g.db_writes = False


def dialect_insert(dialect: str):
    """The INSERT of this dialect (SQLite or PostgreSQL), which has ON CONFLICT DO NOTHING
    and DO UPDATE: a row that two requests may create at the same moment."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert
