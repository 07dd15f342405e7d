"""Benchmark the portal against SPEC §9 and print each figure next to a bare Flask page.

    .venv/bin/python bench/run.py [--db sqlite|postgres|sqlite,postgres] [--rows 10000,1000000]
                                  [--duration 10] [--smoke] [--json FILE] [--strict]
                                  [--nice -10] [--quiet-wait 120] [--retries 2] [--keep]

For each database: a fresh schema (the real migrations and the demo seed), a bare 5 KB
Jinja page as the ceiling, then for each size the queue filled in bulk and the portal
under `gunicorn -w 2` loaded with `wrk -t2 -c16 -d10s --latency`: home, the legal aid
queue (page 1 and a deep keyset page, by due date and by received date), a request
detail page. Traffic goes to
127.0.0.1 only; the databases are temporary (SQLite in a temp dir, PostgreSQL database
`portal_bench`, dropped at the end). `--smoke` is a tiny run for the test suite.

On a shared 2-core machine other programs skew every figure: each measurement first
waits for idle CPUs, reports the CPU share other programs took while it ran, and is
repeated when that share was above 10%. docs/performance.md has the recorded figures.
"""

import argparse
import json
import os
import platform
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import fixed_rate
import lighthouse
import load
import peak_rate
import quiet
from databases import BENCH_DB_NAME, BenchDatabase, PostgresDatabase, SQLiteDatabase
from pages import STAFF, TRACKER, Page
from servers import BENCH_DIR, THREADS, WORKERS, Gunicorn, fetch, form_session, renice, staff_session

QUEUE = "/staff/queue/legal-aid"
STAFF_LOGIN = ("supervisor", "supervisor-demo-2026")  # portal/demo.py: opens every queue
PAGE_SIZE = 20  # QUEUE_PAGE_SIZE
#: The deep page opens after this share of the queue: page 40,001 of a 1M queue.
DEEP_SHARE = 0.8
#: SPEC §9 and issue #20: public pages 30% of the bare page, staff pages 20% this round.
MIN_SHARE_OF_BARE = 0.30
MIN_STAFF_SHARE_OF_BARE = 0.20
MAX_P99_MS = 50.0
MAX_DEEP_RATIO = 1.5
MAX_RSS_MB = 150.0
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432"


@dataclass
class Figure:
    """One line of the report."""

    db: str
    rows: int
    page: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    bare_rps: float
    bytes: int
    tool: str
    #: Share of all CPUs that other programs used during the measurement.
    other_load: float = 0.0
    verdict: str = ""
    note: str = ""
    #: The share of the bare page's req/s this page must reach.
    target_share: float = MIN_SHARE_OF_BARE
    #: Open-loop load at half the bare page's saturation (bench/fixed_rate.py): the rate
    #: asked, the latencies from each request's due time, and what went wrong.
    half_rate: float = 0.0
    half_p50_ms: float = 0.0
    half_p99_ms: float = 0.0
    half_note: str = ""

    @property
    def share(self) -> float:
        return self.rps / self.bare_rps if self.bare_rps else 0.0


def say(text: str = "") -> None:
    print(text, flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres, or both comma-separated")
    parser.add_argument("--rows", default="10000,1000000", help="queue sizes, comma-separated, ascending")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per page")
    parser.add_argument("--warmup", type=float, default=None, help="seconds of load before each measurement")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="a PostgreSQL server on loopback (trust auth)")
    parser.add_argument("--tool", choices=("auto", "wrk", "urllib"), default="auto")
    parser.add_argument("--smoke", action="store_true", help="tiny run: SQLite, 200 rows, 1 s per page")
    parser.add_argument(
        "--retries",
        type=int,
        default=None,
        help="measure again when other programs disturbed a run (default 2)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling priority of gunicorn, wrk and the PostgreSQL backends, e.g. -10 (root) on a shared machine",
    )
    parser.add_argument(
        "--rate-seconds",
        type=float,
        default=None,
        help="seconds of fixed-rate load at half the bare page's saturation, per page (0: none; "
        "default --duration; the smoke run measures the bare page, home and the detail only)",
    )
    parser.add_argument(
        "--lighthouse",
        choices=("auto", "on", "off"),
        default=None,
        help="Lighthouse on every public page (bench/lighthouse.py): auto = when node, npm's "
        "lighthouse and Chromium are there (default; off in the smoke run)",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints where)")
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        help="keep one database per size and use it again next time (SQLite files in DIR, "
        "PostgreSQL databases <pg-name>_<rows>): filling 1M rows once is enough",
    )
    parser.add_argument("--pg-name", default=BENCH_DB_NAME, help="name of the PostgreSQL bench database")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=None,
        help="wait up to this many seconds for idle CPUs before each page",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.db, args.rows, args.duration = "sqlite", "200", 1
    args.dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    args.sizes = sorted(int(n.replace("_", "")) for n in args.rows.split(",") if n.strip())
    if args.warmup is None:
        args.warmup = 0 if args.smoke else 2
    if args.quiet_wait is None:
        args.quiet_wait = 0 if args.smoke else 120
    if args.retries is None:
        args.retries = 0 if args.smoke else 2
    if args.lighthouse is None:
        args.lighthouse = "off" if args.smoke else "auto"
    if args.rate_seconds is None:
        args.rate_seconds = 0.5 if args.smoke else args.duration
    for name in args.dbs:
        if name not in ("sqlite", "postgres"):
            parser.error(f"unknown database {name!r}")
    if args.tool == "auto":
        args.tool = "wrk" if load.wrk_path() else "urllib"
    elif args.tool == "wrk" and not load.wrk_path():
        parser.error("wrk is not installed (apt-get install wrk)")
    return args


def machine_note(tool: str) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    wrk = ""
    if tool == "wrk":
        done = subprocess.run([load.wrk_path(), "-v"], capture_output=True, text=True, timeout=10)
        wrk = (done.stdout or done.stderr).splitlines()[0].split(" [")[0]
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, load: {wrk or tool}"
    )


def code_note() -> str:
    """Which portal code runs: the directory, and its commit when it is a git checkout."""
    root = BENCH_DIR.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "portal", "templates", "migrations"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except OSError:
        commit = dirty = ""
    if not commit:
        return f"{root} (not a git checkout)"
    return f"{root} at {commit}{' with uncommitted changes' if dirty else ''}"


def measure(
    server: Gunicorn,
    label: str,
    path: str,
    args,
    cookie: str = "",
    marker: str = "",
    db_name: str = BENCH_DB_NAME,
) -> tuple[load.Result, int, float]:
    """Check the page answers 200 (with `marker`), warm it up, wait for idle CPUs, load it."""
    url = server.base + path
    status, body = fetch(url, cookie)
    if status != 200 or (marker and marker.encode() not in body):
        raise RuntimeError(
            f"{label}: GET {path} gave HTTP {status} (marker {marker!r} found: {marker.encode() in body})"
        )
    if args.warmup:
        load.run(url, args.warmup, cookie, args.tool, args.nice)
    if args.nice:
        renice(quiet.database_backends(db_name), args.nice)  # opened by the warm-up

    def our_pids() -> list[int]:
        return [server.process.pid, *server.worker_pids(), *quiet.database_backends(db_name)]

    best = None
    for attempt in range(1 + args.retries):
        if args.quiet_wait:
            quiet.wait_for_quiet(args.quiet_wait, say)
        with quiet.Meter(our_pids) as meter:
            result = load.run(url, args.duration, cookie, args.tool, args.nice)
        status, _body = fetch(url, cookie)
        if result.errors or status != 200:
            raise RuntimeError(f"{label}: {result.errors} failed requests under load, then HTTP {status}")
        if best is None or meter.other < best[1]:
            best = (result, meter.other)
        if meter.other < quiet.BUSY:
            break
        if attempt < args.retries:
            say(
                f"   {label}: other programs used {meter.other:.0%} of the CPUs during the run; measuring again"
            )
    return best[0], len(body), best[1]


def verdict(fig: Figure) -> str:
    """SPEC §9: the share of the bare page, and p99 < 50 ms at half its saturation (when
    measured; wrk's own p99 is that of a saturated server)."""
    p99 = fig.half_p99_ms if fig.half_rate else fig.p99_ms
    ok = fig.share >= fig.target_share and p99 < MAX_P99_MS
    return "PASS" if ok else "MISS"


#: The pages the smoke run also loads at a fixed rate (a quick run keeps them few).
SMOKE_RATE_PAGES = ("bare 5 KB page", "home /", "request detail")


def at_half_saturation(fig: Figure, url: str, args, cookie: str = "") -> None:
    """Load the page at half the bare page's saturation rate, open loop (fixed_rate.py)."""
    if not args.rate_seconds or (args.smoke and fig.page not in SMOKE_RATE_PAGES):
        return
    rate = fig.bare_rps / 2
    result = fixed_rate.run(url, rate, args.rate_seconds, cookie, grace=min(10.0, 2 * args.rate_seconds))
    fig.half_rate, fig.half_p50_ms, fig.half_p99_ms = rate, result.p50_ms, result.p99_ms
    fig.half_note = "; ".join(
        n for n in (result.note(), f"{result.errors} errors" * bool(result.errors)) if n
    )


def half_text(fig: Figure) -> str:
    if not fig.half_rate:
        return ""

    def ms(value: float) -> str:  # unanswered within the grace period: infinitely slow
        return "> grace" if value == float("inf") else f"{value:.1f} ms"

    note = f" ({fig.half_note})" if fig.half_note else ""
    return f"  at {fig.half_rate:,.0f}/s: p50 {ms(fig.half_p50_ms)} p99 {ms(fig.half_p99_ms)}{note}"


def show(fig: Figure) -> None:
    if fig.page == "bare 5 KB page":
        target = "(ceiling)"
    else:
        target = f"{fig.verdict} (>={fig.target_share:.0%} of bare, p99<{MAX_P99_MS:.0f} ms)"
    say(
        f"{fig.db:<8} {fig.rows:>9,}  {fig.page:<28} {fig.rps:>8,.1f} req/s  = {fig.share:>4.0%} of bare "
        f"{fig.bare_rps:>8,.1f}   p50 {fig.p50_ms:>6.1f} ms  p99 {fig.p99_ms:>6.1f} ms  "
        f"{fig.bytes / 1024:>5.1f} KB  {target}{'  ' + fig.note if fig.note else ''}{half_text(fig)}{disturbed(fig)}"
    )


def disturbed(fig: Figure) -> str:
    if fig.other_load < quiet.BUSY:
        return ""
    return f"  [disturbed: other programs used {fig.other_load:.0%} of the CPUs]"


def bench_baseline(env: dict, args, workdir: Path, db: str) -> Figure:
    server = Gunicorn(
        "baseline_app:app", env, workdir / "baseline.log", pythonpath=str(BENCH_DIR), nice=args.nice
    )
    try:
        server.wait_ready("/")
        result, size, other = measure(server, "bare page", "/", args)
        fig = Figure(
            db,
            0,
            "bare 5 KB page",
            "/",
            result.rps,
            result.p50_ms,
            result.p99_ms,
            result.rps,
            size,
            result.tool,
            other,
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


def discover_pages(env: dict) -> list[Page]:
    """The deployment's pages (bench/pages.py), found by the portal itself in its environment."""
    done = subprocess.run(
        [sys.executable, str(BENCH_DIR / "pages.py")],
        cwd=BENCH_DIR.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench/pages.py failed:\n{done.stderr}")
    return [
        Page(**{**row, "track": tuple(row["track"]) if row["track"] else None})
        for row in json.loads(done.stdout)
    ]


def bench_portal(
    database: BenchDatabase, env: dict, rows: int, args, workdir: Path, bare: Figure
) -> tuple[list[Figure], dict]:
    open_rows = database.open_count()
    before = max(PAGE_SIZE, min(int(rows * DEEP_SHARE), open_rows - PAGE_SIZE) // PAGE_SIZE * PAGE_SIZE)
    deep_path = f"{QUEUE}?tab=open&after={database.cursor_after(before)}"
    deep_marker = database.open_reference_at(before)
    first_marker = database.open_reference_at(0)
    detail_ref = database.detail_reference()
    pages = discover_pages(env)
    deep = Page(f"queue legal-aid page {before // PAGE_SIZE + 1:,}", deep_path, STAFF, deep_marker)
    first = next(p for p in pages if p.label == "queue legal-aid page 1")
    first.marker = first_marker
    # The same open tab sorted by received date (its own keyset index): page 1 and as deep.
    by_received = f"{QUEUE}?tab=open&sort=received"
    received_first = Page(
        "queue legal-aid by received page 1", by_received, STAFF, database.received_reference_at(0)
    )
    received_deep = Page(
        f"queue legal-aid by received page {before // PAGE_SIZE + 1:,}",
        f"{by_received}&after={database.received_cursor_after(before)}",
        STAFF,
        database.received_reference_at(before),
    )
    pages[pages.index(first) + 1 : pages.index(first) + 1] = [deep, received_first, received_deep]
    #: Each deep page is timed against the page 1 of its own order.
    page_one_of = {deep.label: first.label, received_deep.label: received_first.label}
    pages.append(Page("request detail", f"/staff/requests/{detail_ref}", STAFF, detail_ref))
    server = Gunicorn(
        "portal:create_app()", env, workdir / f"portal-{database.kind}-{rows}.log", nice=args.nice
    )
    figures = []
    try:
        server.wait_ready("/healthz")
        for page in pages:
            label, path = page.label, page.path
            # A fresh sign-in per page keeps far from the 30-minute staff idle timeout.
            if page.audience == STAFF:
                cookie = staff_session(server.base, *STAFF_LOGIN)
            elif page.audience == TRACKER:
                cookie = form_session(
                    server.base, "/track", {"reference": page.track[0], "mobile": page.track[1]}
                )
            else:
                cookie = ""
            result, size, other = measure(server, label, path, args, cookie, page.marker, database.name)
            fig = Figure(
                database.kind,
                rows,
                label,
                path,
                result.rps,
                result.p50_ms,
                result.p99_ms,
                bare.rps,
                size,
                result.tool,
                other,
            )
            if page.audience == STAFF:
                fig.target_share = MIN_STAFF_SHARE_OF_BARE
            at_half_saturation(fig, server.base + path, args, cookie)
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
    say(
        f"{database.kind:<8} {rows:>9,}  {'worker RSS after load':<28} "
        + ", ".join(f"{r:.1f} MB" for r in rss["workers_rss_mb"])
        + f" (VmHWM peak {peak:.1f} MB)  {rss['verdict']} (<{MAX_RSS_MB:.0f} MB)"
    )
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
            page_figures, rss = bench_portal(database, env, rows, args, workdir, bare)
            figures += page_figures
            memory.append(rss)
    finally:
        if database is not None:
            if database.keep:
                say(f"   kept the database: DATABASE_URL={database.url}")
            database.drop()
    return figures, memory


def summary(figures: list[Figure], memory: list[dict]) -> None:
    say(
        "\n| db | rows | page | req/s | bare req/s | share of bare | target | p50 ms | p99 ms "
        "| at half bare: req/s | p50 ms | p99 ms | other load | verdict |"
    )
    say("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for fig in figures:
        rows = f"{fig.rows:,}" if fig.rows else ""
        extra = "".join(f"; {n}" for n in (fig.note, fig.half_note) if n)
        half = (
            f"{fig.half_rate:,.0f} | {fig.half_p50_ms:.1f} | {fig.half_p99_ms:.1f}"
            if fig.half_rate
            else " | | "
        )
        say(
            f"| {fig.db} | {rows} | {fig.page} | {fig.rps:,.0f} | {fig.bare_rps:,.0f} | {fig.share:.0%} "
            f"| {'' if not fig.verdict else format(fig.target_share, '.0%')} | {fig.p50_ms:.1f} | {fig.p99_ms:.1f} "
            f"| {half} | {fig.other_load:.0%} | {fig.verdict or 'ceiling'}{extra}{disturbed(fig)} |"
        )
    for rss in memory:
        say(
            f"| {rss['db']} | {rss['rows']:,} | worker RSS | "
            + ", ".join(f"{r:.0f} MB" for r in rss["workers_rss_mb"])
            + f" | | | | | | | {rss['verdict']} (<{MAX_RSS_MB:.0f} MB) |"
        )


def phone_figures(args) -> list[dict]:
    """Lighthouse's rows for every public page (SPEC §9's phone targets), when it can run."""
    if args.lighthouse == "off":
        return []
    if why := lighthouse.missing_tools():
        if args.lighthouse == "on":
            raise SystemExit(f"Lighthouse cannot run: {why}")
        say(f"\nLighthouse not run: {why}.")
        return []
    say("\nLighthouse (mobile, simulated slow 4G), every public page:")
    rows = lighthouse.serve_and_run(None, say)
    say("\n" + lighthouse.table(rows))
    return rows


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up on `kill`
    if args.nice:
        # With autogroup scheduling a nice value only counts inside its session: give our
        # session's group the same priority against the other sessions' programs.
        try:
            Path("/proc/self/autogroup").write_text(str(args.nice))
        except OSError as exc:
            say(f"(could not set the autogroup priority: {exc})")
    say(f"Machine: {machine_note(args.tool)}")
    say(f"Code: {code_note()}")
    say("\n".join(peak_rate.county_peak_rate()[1]))
    say(
        f"Load: {args.tool} -t{load.THREADS} -c{load.CONNECTIONS} -d{args.duration:g}s; "
        f"gunicorn -c deploy/gunicorn.conf.py (gthread, {WORKERS} workers x {THREADS} threads)"
        + (f"; nice {args.nice}" if args.nice else "")
    )
    figures, memory = [], []
    with tempfile.TemporaryDirectory(prefix="portal-bench-run-") as tmp:
        for kind in args.dbs:
            got, mem = bench_database(kind, args, Path(tmp))
            figures += got
            memory += mem
    summary(figures, memory)
    phone = phone_figures(args)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"figures": [asdict(f) for f in figures], "memory": memory, "lighthouse": phone},
                indent=2,
                ensure_ascii=False,
            )
        )
    missed = [f for f in figures if f.verdict == "MISS"] + [m for m in memory if m["verdict"] == "MISS"]
    missed += [row for row in phone if row.get("verdict") != "PASS"]
    say(f"\n{len(missed)} target(s) missed." if missed else "\nAll targets met.")
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
