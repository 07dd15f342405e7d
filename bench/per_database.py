"""The steps of one database: open it (new, or kept with --reuse), build and fill it, the
bare page, then for each size the in-process profile (CPU ms per request) and every
page under gunicorn and the load generator."""

import json
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import peak_rate
from databases import BenchDatabase, PostgresDatabase, SQLiteDatabase
from figures import (
    BARE,
    MAX_DEEP_RATIO,
    MAX_RSS_MB,
    MIN_STAFF_SHARE_OF_BARE,
    Figure,
    say,
    show,
    show_memory,
    verdict,
)
from measure import at_half_saturation, measure
from pages import BARE_LABEL, STAFF, Page, discover_in
from queue_pages import with_queue_pages
from servers import BENCH_DIR, Gunicorn, browser_session


def bench_baseline(env: dict, args, workdir: Path, db: str) -> Figure:
    server = Gunicorn(
        "baseline_app:app", env, workdir / "baseline.log", pythonpath=str(BENCH_DIR), nice=args.nice
    )
    try:
        server.wait_ready("/")
        result, size, other = measure(server, "bare page", "/", args)
        fig = Figure(
            db, 0, BARE, "/", result.rps, result.p50_ms, result.p99_ms, result.rps, size, result.tool, other
        )
        at_half_saturation(fig, server.base + "/", args)
    finally:
        server.stop()
    show(fig)
    peak, _lines = peak_rate.county_peak_rate()
    say(
        f"   half the bare page's saturation: {fig.rps / 2:,.0f} req/s = {fig.rps / 2 / peak:,.0f}x "
        f"the county's peak of {peak:.1f} req/s (bench/peak_rate.py)"
    )
    return fig


def profile_cpu(database: BenchDatabase, env: dict, args, workdir: Path) -> dict[str, dict]:
    """bench/profile.py on this database, in the portal's environment: label -> its row."""
    if not args.profile_n:
        return {}
    out = workdir / f"profile-{database.kind}.json"
    command = [sys.executable, str(BENCH_DIR / "profile.py"), "--database-url", database.url]
    done = subprocess.run(
        [*command, "--n", str(args.profile_n), "--json", str(out), "--pass-gap", "0" if args.smoke else "10"],
        cwd=BENCH_DIR.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench/profile.py failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    rows = {row["page"]: row for row in json.loads(out.read_text())}
    over = [label for label, row in rows.items() if row["cpu_verdict"].startswith("MISS")]
    bare = rows.pop(BARE_LABEL, None)  # the reference, measured in the same passes
    say(
        f"   in-process profile ({args.profile_n} requests per page): {len(rows)} pages, "
        f"{len(over)} over their CPU budget"
        + (f"; the bare Flask page {bare['cpu_ms']:.2f} ms in the same passes" if bare else "")
    )
    return rows


def session_of(server: Gunicorn, page: Page) -> tuple[str, bytes]:
    """The page's cookie (its forms submitted: a fresh staff sign-in per page keeps far from
    the 30-minute idle timeout) and, for a POST page, the body it sends."""
    if not page.steps and page.form is None:
        return "", b""
    cookie, token = browser_session(server.base, page.steps, page.path if page.form is not None else "")
    body = urlencode({**page.form, "csrf_token": token}).encode() if page.form is not None else b""
    return cookie, body


def bench_portal(
    database: BenchDatabase, env: dict, rows: int, args, workdir: Path, bare: Figure
) -> tuple[list[Figure], dict]:
    pages, page_one_of = with_queue_pages(database, discover_in(env))
    cpu = profile_cpu(database, env, args, workdir)
    server = Gunicorn(
        "portal:create_app()", env, workdir / f"portal-{database.kind}-{rows}.log", nice=args.nice
    )
    figures = []
    try:
        server.wait_ready("/healthz")
        for page in pages:
            cookie, body = session_of(server, page)
            result, size, other = measure(
                server, page.label, page.path, args, cookie, page.marker, database.name, body
            )
            fig = Figure(
                database.kind,
                rows,
                page.label,
                page.path,
                result.rps,
                result.p50_ms,
                result.p99_ms,
                bare.rps,
                size,
                result.tool,
                other,
            )
            if page.label in cpu:
                profiled = cpu[page.label]
                fig.cpu_ms, fig.sql, fig.cpu_verdict = (
                    profiled["cpu_ms"],
                    profiled["sql"],
                    profiled["cpu_verdict"],
                )
            if page.audience == STAFF:
                fig.target_share = MIN_STAFF_SHARE_OF_BARE
            at_half_saturation(fig, server.base + page.path, args, cookie, body)
            fig.verdict = verdict(fig)
            if page.label in page_one_of:
                first = next(f for f in figures if f.page == page_one_of[page.label])
                ratio = first.rps / fig.rps if fig.rps else float("inf")
                deep_ok = ratio <= MAX_DEEP_RATIO
                fig.note = f"time {ratio:.2f}x page 1: {'PASS' if deep_ok else 'MISS'} (<= {MAX_DEEP_RATIO}x)"
                if not deep_ok:
                    fig.verdict = "MISS"
            figures.append(fig)
            show(fig)
        memory = server.worker_memory()
    finally:
        server.stop()
    worst = max((rss for _pid, rss, _hwm in memory), default=0) / 1024
    peak = max((hwm for _pid, _rss, hwm in memory), default=0) / 1024
    rss = {
        "db": database.kind,
        "rows": rows,
        "workers_rss_mb": [round(r / 1024, 1) for _p, r, _h in memory],
        "max_rss_mb": round(worst, 1),
        "peak_hwm_mb": round(peak, 1),
        "verdict": "PASS" if memory and worst < MAX_RSS_MB else "MISS",
    }
    show_memory(rss)
    return figures, rss


def open_database(kind: str, rows: int, args) -> BenchDatabase | None:
    """The database of one size: new each run, or with --reuse the one kept from before."""
    if kind == "postgres":
        if not PostgresDatabase.reachable(args.pg_url):
            say(f"postgres: no server at {args.pg_url}: skipped")
            return None
        name = f"{args.pg_name}_{rows}" if args.reuse else args.pg_name
        database: BenchDatabase = PostgresDatabase(
            args.pg_url, keep=args.keep, name=name, reuse=bool(args.reuse)
        )
        database.create()
        return database
    path = str(Path(args.reuse) / f"portal-bench-{rows}.sqlite3") if args.reuse else None
    return SQLiteDatabase(keep=args.keep, path=path)


def bench_database(kind: str, args, workdir: Path) -> tuple[list[Figure], list[dict]]:
    """The bare page, then each size. Without --reuse one database grows from size to
    size; with it, each size has its own kept database."""
    figures, memory = [], []
    bare = database = None
    now = datetime.now(UTC).replace(tzinfo=None)
    env = {}
    try:
        for rows in args.sizes:
            if database is None or args.reuse:
                if database is not None:
                    database.drop()
                database = open_database(kind, rows, args)
                if database is None:
                    return [], []
                say(
                    f"\n== {kind}, {rows:,} rows: {database.url}"
                    + ("" if database.fresh else " (kept from an earlier run)")
                )
                env = database.app_env(secrets.token_hex(32), str(workdir / f"uploads-{kind}"))
                database.build_schema(env)
            if bare is None:
                bare = bench_baseline(env, args, workdir, kind)
                figures.append(bare)
            have = database.la_count()
            if rows > have:
                say(f"   filling {rows - have:,} legal aid applications (queue of {rows:,})")
                started = time.monotonic()
                database.fill(rows - have, seed=have, now=now, progress=say)
                say(f"   filled in {time.monotonic() - started:.0f} s; {database.size_note()}")
            say(f"   flask refresh-reports (the deployment's 5-minute job): {database.refresh_reports(env)}")
            page_figures, rss = bench_portal(database, env, rows, args, workdir, bare)
            figures += page_figures
            memory.append(rss)
    finally:
        if database is not None:
            if database.keep:
                say(f"   kept the database: DATABASE_URL={database.url}")
            database.drop()
    return figures, memory
