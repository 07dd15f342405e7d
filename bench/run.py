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

Before each size's load, bench/profile.py measures every page in-process on the same
database (CPU ms and SQL statements per request, against issue #40's budget: 4 ms a
public page, 6 ms a staff page), so one run gives the one table. On a shared 2-core
machine other programs skew every figure: each measurement first waits for idle CPUs,
reports the CPU share other programs took while it ran, and is repeated when that share
was above 10%. docs/performance.md has the recorded figures.

The modules: bench/per_database.py (each database's steps), bench/measure.py (one page
under load), bench/figures.py (the lines and the table), bench/pages.py and
bench/queue_pages.py (which pages), this file (the options and the whole run).
"""

import argparse
import json
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import lighthouse
import load
import peak_rate
from databases import BENCH_DB_NAME
from figures import missed as figures_missed
from figures import say, summary
from per_database import bench_database
from servers import BENCH_DIR, THREADS, WORKERS

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432"


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
    parser.add_argument(
        "--profile-n",
        type=int,
        default=None,
        help="requests per page of the in-process profile (bench/profile.py) before each size's "
        "load: the CPU ms column (default 50, the smoke run 3; 0: none)",
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
    if args.profile_n is None:
        args.profile_n = 3 if args.smoke else 50
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
    missed = figures_missed(figures, memory, phone)
    say(f"\n{len(missed)} target(s) missed." if missed else "\nAll targets met.")
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
