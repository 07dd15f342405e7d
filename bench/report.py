"""The annual report stays under a second at 1,000,000 legal aid applications.

    .venv/bin/python bench/report.py [--db sqlite|postgresql|both] [--rows 1000000] [--repeat 5]
                                     [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/NAME]

Builds a database with the real migrations and demo seed (SQLite: a temporary file;
PostgreSQL: the database named in --postgres-url, or BENCH_REPORT_POSTGRES_URL, whose
public schema is WIPED first, so never point it at data you keep), fills it with
invented legal aid applications spread over three years (bench/datagen.py), signs a
supervisor in and times, through the app (Flask's test client, templates included):
the annual report of the last full year, the same report as Excel, and the dashboard.
Prints the median and worst of --repeat runs after one warm-up, and the row counts.
One database takes 12-15 minutes at 1M rows on this 2-core machine under load (the fill
10-13 of them); run it with `--db both` on a quiet machine.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import PostgresDatabase, SQLiteDatabase  # noqa: E402

SECONDS_TARGET = 1.0


class OwnPostgres(PostgresDatabase):
    """A database of the caller's (not the shared `portal_bench`): its schema is emptied."""

    def __init__(self, url: str):
        self.url = url
        self.keep = True
        self.created = False

    def create(self) -> None:
        plain = self.url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    def filled(self, rows: int) -> bool:
        try:
            return self.la_count() >= rows
        except psycopg.Error:
            return False

    def query(self, sql: str):
        with psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            return conn.execute(sql).fetchall()

    def fill(self, count: int, *, seed: int, now: datetime, progress) -> None:
        from bench import datagen

        datagen.fill_postgres(
            self.url.replace("postgresql+psycopg://", "postgresql://"),
            count,
            seed=seed,
            now=now,
            progress=progress,
        )


def timed(client, path: str, repeat: int) -> tuple[float, float, int]:
    """(median, worst) seconds of GET path after one warm-up, and the response size."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times), max(times), len(response.data)


def measure(database, rows: int, repeat: int) -> None:
    env = database.app_env("bench-report-secret", tempfile.mkdtemp(prefix="wt-report-up-"))
    started = time.monotonic()
    database.build_schema(env)
    if database.fresh:
        database.fill(rows, seed=20261204, now=datetime(2026, 12, 1), progress=lambda *_a: None)
        print(
            f"[{database.kind}] filled {database.la_count():,} legal aid rows in {time.monotonic() - started:.0f} s"
        )
    else:
        print(f"[{database.kind}] reused {database.la_count():,} legal aid rows")
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "SECRET_KEY",
                "UPLOAD_FOLDER",
                "STAFF_TWO_FACTOR",
                "PORTAL_INSECURE_COOKIES",
            )
        }
    )
    from portal import create_app

    app = create_app()
    client = app.test_client()
    with app.app_context():
        page = client.get("/staff/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        signed = client.post(
            "/staff/login",
            data={"login": "supervisor", "password": "supervisor-demo-2026", "csrf_token": token},
        )
        assert signed.status_code == 302, signed.get_data(as_text=True)[:500]
        year = 2025
        in_year = database.query(
            "SELECT count(*) FROM service_request WHERE request_type = 'LA' "
            f"AND created_at >= '{year - 1}-12-31 16:00:00' AND created_at < '{year}-12-31 16:00:00'"
        )[0][0]
        print(f"[{database.kind}] {in_year:,} applications received in {year}")
        pages = (
            (f"annual report {year}", f"/staff/reports/annual?start={year}-01&end={year}-12"),
            (f"annual report {year} (Excel)", f"/staff/reports/annual.xlsx?start={year}-01&end={year}-12"),
            ("annual report, 3 years", f"/staff/reports/annual?start={year - 2}-01&end={year}-12"),
            ("dashboard (this year so far)", "/staff/reports/"),
            (
                f"annual report {year}, one township",
                f"/staff/reports/annual?start={year}-01&end={year}-12&township={first_township(database)}",
            ),
        )
        # Every month counted live (as just after a bulk import), then as a deployment runs:
        # after `refresh-reports` stored the months (the job runs every 5 minutes).
        forget_summary()
        for label, path in pages:
            report_timing(database, client, f"{label}, counted live", path, repeat)
        started = time.perf_counter()
        from portal.reports.summary import refresh

        months = refresh()
        print(
            f"[{database.kind}] refresh-reports counted {months} months in {time.perf_counter() - started:.1f} s"
        )
        for label, path in pages:
            report_timing(database, client, f"{label}, monthly summary", path, repeat)


def first_township(database) -> int:
    return database.query("SELECT id FROM township ORDER BY sort_order LIMIT 1")[0][0]


def forget_summary() -> None:
    """Drop the stored months (a reused database keeps those of the last run)."""
    from sqlalchemy import delete

    from portal.extensions import db
    from portal.reports.summary import ReportMonth, ReportMonthValue

    db.session.execute(delete(ReportMonthValue))
    db.session.execute(delete(ReportMonth))
    db.session.commit()


def report_timing(database, client, label: str, path: str, repeat: int) -> None:
    median, worst, size = timed(client, path, repeat)
    verdict = "ok" if median < SECONDS_TARGET else "OVER"
    print(
        f"[{database.kind}] {label:<52} median {median * 1000:7.0f} ms  worst {worst * 1000:7.0f} ms"
        f"  {size / 1024:6.0f} KB  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_REPORT_POSTGRES_URL", ""))
    parser.add_argument(
        "--sqlite-path",
        default="",
        help="SQLite: this file, filled when it does not exist yet and kept (default: a temporary file)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL: keep the database when it holds --rows applications already",
    )
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        database = SQLiteDatabase(path=args.sqlite_path or None)
        try:
            measure(database, args.rows, args.repeat)
        finally:
            database.drop()
    if args.db in ("postgresql", "both"):
        if not args.postgres_url:
            raise SystemExit("give --postgres-url (a database this script may wipe)")
        database = OwnPostgres(args.postgres_url)
        database.fresh = not (args.reuse and database.filled(args.rows))
        if database.fresh:
            database.create()
        measure(database, args.rows, args.repeat)


if __name__ == "__main__":
    main()
