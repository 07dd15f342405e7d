"""Database binding: SQLite tuned for several processes, migrations, models import."""

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.config import PROJECT_ROOT
from portal.extensions import db, migrate

MIGRATIONS_DIR = str(PROJECT_ROOT / "migrations")
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def described_by_models(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic include_object: autogenerate leaves alone what capabilities made by hand."""
    from portal.models import unmodelled_prefixes

    return not (reflected and compare_to is None and (name or "").startswith(unmodelled_prefixes()))


def register(app: Flask) -> None:
    """Bind SQLAlchemy and Alembic to the app."""
    from portal.models import import_capability_models

    import_capability_models()  # every table is in the metadata, whatever is enabled

    db.init_app(app)
    migrate.init_app(
        app, db, directory=MIGRATIONS_DIR, render_as_batch=True, include_object=described_by_models
    )
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            tune_sqlite(db.engine)


def tune_sqlite(engine: Engine) -> None:
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
        cursor.execute("PRAGMA busy_timeout=30000")  # writers queue; busy waits are not FIFO
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        reading = has_request_context() and request.method in READ_ONLY_METHODS and not g.get("db_writes")
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def begin_writing() -> None:
    """Let a GET request write: end the read transaction; the next one takes the write lock."""
    db.session.commit()
    if has_request_context():
        g.db_writes = True
