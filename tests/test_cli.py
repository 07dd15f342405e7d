"""Commands: init-db builds the schema from the migrations; seed-demo is idempotent."""

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.models import Holiday, ServiceRequest, Township
from portal.database import described_by_models
from portal.extensions import db


def test_the_migrations_match_the_models(app):
    """`alembic check`: no model change is missing a migration."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": described_by_models})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_init_db_is_safe_to_run_again(app):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_seed_demo_loads_the_county_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "officer-demo-2026" in first.output
    counts = [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Township, Holiday, User, ServiceRequest)
    ]
    second = runner.invoke(args=["seed-demo"])
    assert "nothing added" in second.output
    assert [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Township, Holiday, User, ServiceRequest)
    ] == counts
    assert counts[0] == 18
    assert db.session.scalar(select(Township.name).where(Township.code == "430121004")) == "㮾梨街道"


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_database_url_gets_the_psycopg_driver(monkeypatch, url):
    from portal.config import settings_from_environment

    monkeypatch.setenv("DATABASE_URL", url)
    assert settings_from_environment()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


BIG_TABLES = ("service_request", "outbox_message", "audit_event")


def test_index_changes_on_big_tables_are_concurrent_on_postgresql():
    """From migration 0024 on, a migration that creates or drops an index of a big table
    does it CONCURRENTLY on PostgreSQL, in an autocommit block (docs/operations.md).
    Red with 0024 as it was (batch_op.drop_index/create_index only)."""
    from portal.database import MIGRATIONS_DIR

    checked = 0
    for path in sorted(Path(MIGRATIONS_DIR, "versions").glob("*.py")):
        if int(path.name[:4]) < 24:
            continue  # written before the rule; deployed already
        source = path.read_text()
        # A foreign key to a big table (a new kind's table) is no index on it.
        on_big = re.sub(r"\['\w+\.id'\]|op\.f\('fk_\w+'\)", "", source)
        if not any(table in on_big for table in BIG_TABLES) or "index" not in source.lower():
            continue
        checked += 1
        concurrent = "CONCURRENTLY" in source or "postgresql_concurrently=True" in source
        assert concurrent and "autocommit_block()" in source, path.name
    assert checked >= 1
