"""The benchmark's throwaway databases: create, build the schema, fill, look up, drop."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import datagen
import psycopg

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", ""})
BENCH_DB_NAME = "portal_bench"

#: The row at a position of the "All open" tab, in the queue's keyset order.
_OPEN_AT = (
    "SELECT priority, due_sort, id FROM service_request WHERE request_type = 'LA' AND is_open "
    "ORDER BY priority, due_sort, id LIMIT 1 OFFSET {offset}"
)
#: The same by received date (the queue's `sort=received`: created_at, id).
_OPEN_RECEIVED_AT = (
    "SELECT created_at, id FROM service_request WHERE request_type = 'LA' AND is_open "
    "ORDER BY created_at, id LIMIT 1 OFFSET {offset}"
)
#: The demo application with the longest audit trail: a detail page with a real timeline.
_DETAIL_REF = (
    "SELECT r.reference FROM service_request r JOIN audit_event e ON e.request_id = r.id "
    "WHERE r.request_type = 'LA' GROUP BY r.id, r.reference ORDER BY count(*) DESC, r.id LIMIT 1"
)


class BenchDatabase:
    name = BENCH_DB_NAME
    """One database for one run; `url` is what the app gets as DATABASE_URL."""

    kind = ""
    url = ""

    def app_env(self, secret_key: str, upload_dir: str) -> dict[str, str]:
        """The environment of the Flask CLI and gunicorn: this database, no Secure cookies."""
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.url,
            SECRET_KEY=secret_key,
            PORTAL_INSECURE_COOKIES="1",
            UPLOAD_FOLDER=upload_dir,
            # The benchmark signs staff in by password and submits anonymously (issue #15).
            STAFF_TWO_FACTOR="0",
            MOBILE_VERIFICATION="0",
        )
        env.pop("PORTAL_DEMO", None)
        return env

    #: False for a database kept from an earlier run (--reuse): migrated, not seeded again.
    fresh = True

    def build_schema(self, env: dict[str, str]) -> str:
        """Run the real migrations and the demo seed (townships, staff, 4 applications)."""
        for command in ("init-db", "seed-demo") if self.fresh else ("init-db",):
            done = subprocess.run(
                [FLASK, "--app", "portal", command],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if done.returncode != 0:
                raise RuntimeError(f"flask {command} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def refresh_reports(self, env: dict[str, str]) -> str:
        """`flask refresh-reports`, as the deployment's job runner does every 5 minutes: the
        reports read the monthly summary, not every month counted live."""
        done = subprocess.run(
            [FLASK, "--app", "portal", "refresh-reports"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask refresh-reports failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def query(self, sql: str):
        raise NotImplementedError

    def la_count(self) -> int:
        return self.query("SELECT count(*) FROM service_request WHERE request_type = 'LA'")[0][0]

    def open_count(self) -> int:
        return self.query("SELECT count(*) FROM service_request WHERE request_type = 'LA' AND is_open")[0][0]

    def cursor_after(self, rows_before: int) -> str:
        """The `after=` value that opens the open tab just after its first `rows_before` rows.

        Built like portal.core.queue.encode_cursor: priority.due_sort(%Y%m%d%H%M%S).id of
        the last row of the previous page.
        """
        priority, due_sort, row_id = self.query(_OPEN_AT.format(offset=int(rows_before) - 1))[0]
        if isinstance(due_sort, str):  # SQLite hands back the stored text
            due_sort = datetime.fromisoformat(due_sort)
        return f"{priority}.{due_sort:%Y%m%d%H%M%S}.{row_id}"

    def open_reference_at(self, offset: int) -> str:
        """The reference of the row at `offset` (0-based) of the open tab."""
        row_id = self.query(_OPEN_AT.format(offset=int(offset)))[0][2]
        return self.query(f"SELECT reference FROM service_request WHERE id = {int(row_id)}")[0][0]

    def received_cursor_after(self, rows_before: int) -> str:
        """The `after=` value of the open tab sorted by received date, just after its first
        `rows_before` rows: like portal.core.queue.encode_cursor, r<created_at>.<id>."""
        created_at, row_id = self.query(_OPEN_RECEIVED_AT.format(offset=int(rows_before) - 1))[0]
        if isinstance(created_at, str):  # SQLite hands back the stored text
            created_at = datetime.fromisoformat(created_at)
        return f"r{created_at:%Y%m%d%H%M%S%f}.{row_id}"

    def received_reference_at(self, offset: int) -> str:
        """The reference of the row at `offset` (0-based) of the open tab sorted by received date."""
        row_id = self.query(_OPEN_RECEIVED_AT.format(offset=int(offset)))[0][1]
        return self.query(f"SELECT reference FROM service_request WHERE id = {int(row_id)}")[0][0]

    def detail_reference(self) -> str:
        return self.query(_DETAIL_REF)[0][0]

    def fill(self, count: int, *, seed: int, now: datetime, progress) -> None:
        raise NotImplementedError

    def drop(self) -> None:
        raise NotImplementedError


class SQLiteDatabase(BenchDatabase):
    """A database file in a temporary directory, removed at the end."""

    kind = "sqlite"

    def __init__(self, keep: bool = False, path: str | None = None):
        """A new file in a temporary directory, or `path` (--reuse), kept and used again."""
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.directory, self.path, self.fresh = None, path, not Path(path).exists()
        else:
            self.directory = tempfile.mkdtemp(prefix="portal-bench-")
            self.path = str(Path(self.directory) / "portal-bench.sqlite3")
        self.url = "sqlite:///" + self.path
        self.keep = keep or bool(path)

    def query(self, sql: str):
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql).fetchall()

    def fill(self, count: int, *, seed: int, now: datetime, progress) -> None:
        datagen.fill_sqlite(self.path, count, seed=seed, now=now, progress=progress)

    def size_note(self) -> str:
        return f"{Path(self.path).stat().st_size / 2**20:,.0f} MB file"

    def drop(self) -> None:
        if not self.keep and self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)


class PostgresDatabase(BenchDatabase):
    """A fresh database `portal_bench` on a loopback server, dropped at the end."""

    kind = "postgres"

    def __init__(self, server_url: str, keep: bool = False, name: str = BENCH_DB_NAME, reuse: bool = False):
        parts = urlsplit(server_url)
        if parts.hostname not in LOOPBACK_HOSTS and not (parts.hostname or "").startswith("/"):
            raise SystemExit(f"refusing a PostgreSQL server that is not on loopback: {parts.hostname}")
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise SystemExit(f"not a plain database name: {name!r}")
        self.name = name
        self.url = urlunsplit(parts._replace(path="/" + name))
        self.keep = keep or reuse
        self.reuse = reuse
        self.created = False

    @staticmethod
    def reachable(server_url: str) -> bool:
        try:
            with psycopg.connect(
                urlunsplit(urlsplit(server_url)._replace(path="/postgres")), connect_timeout=3
            ):
                return True
        except psycopg.Error:
            return False

    def create(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.name,)).fetchone()
            if exists and self.reuse:
                self.fresh = False
            else:
                conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {self.name}")
        self.created = True

    def query(self, sql: str):
        with psycopg.connect(self.url) as conn:
            return conn.execute(sql).fetchall()

    def fill(self, count: int, *, seed: int, now: datetime, progress) -> None:
        datagen.fill_postgres(self.url, count, seed=seed, now=now, progress=progress)

    def size_note(self) -> str:
        size = self.query(f"SELECT pg_database_size('{self.name}')")[0][0]
        return f"{size / 2**20:,.0f} MB database"

    def drop(self) -> None:
        if self.created and not self.keep:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def database_at(url: str) -> BenchDatabase:
    """An existing bench database (bench/run.py --keep or --reuse), by its DATABASE_URL."""
    if url.startswith("sqlite:///"):
        return SQLiteDatabase(path=url.removeprefix("sqlite:///"))
    parts = urlsplit(url.replace("+psycopg", "", 1))
    server = urlunsplit(parts._replace(path=""))
    return PostgresDatabase(server, name=parts.path.lstrip("/"), reuse=True)
