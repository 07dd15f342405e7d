"""p50/p99 of every bench page at the rates a county asks for, open loop (issue #40).

bench/run.py loads each page at half the bare page's saturation (~1,200-1,800 req/s on the
project machine): 500-800 times the county's busiest second (bench/peak_rate.py), more
than any portal page can serve, so every p99 there is that of an overloaded server. This
loads each page at multiples of the county's peak instead (default 10x and 100x: 22 and
220 req/s), with the deployment's gunicorn settings, on a database bench/run.py kept:

    .venv/bin/python bench/at_rate.py --database-url sqlite:////var/tmp/portal-bench/portal-bench-10000.sqlite3
    .venv/bin/python bench/at_rate.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_10000 --times 10,100 --seconds 10
"""

import argparse
import secrets
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import fixed_rate  # noqa: E402
import peak_rate  # noqa: E402
from databases import database_at  # noqa: E402
from pages import discover_in  # noqa: E402
from per_database import session_of  # noqa: E402
from queue_pages import with_queue_pages  # noqa: E402
from servers import Gunicorn  # noqa: E402

MAX_P99_MS = 50.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database bench/run.py kept (--reuse)")
    parser.add_argument("--times", default="10,100", help="multiples of the county's peak, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of load per page and rate")
    parser.add_argument("--nice", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    peak, _lines = peak_rate.county_peak_rate()
    tmp = tempfile.TemporaryDirectory(prefix="portal-at-rate-")
    database = database_at(args.database_url)
    env = database.app_env(secrets.token_hex(32), f"{tmp.name}/uploads")
    pages, _page_one_of = with_queue_pages(database, discover_in(env))
    server = Gunicorn("portal:create_app()", env, Path(tmp.name) / "portal.log", nice=args.nice)
    missed = 0
    try:
        server.wait_ready("/healthz")
        for times in (float(t) for t in args.times.split(",")):
            rate = peak * times
            print(
                f"== {times:g}x the county's peak of {peak:.1f} req/s: {rate:,.0f} req/s, {args.seconds:g} s a page"
            )
            for page in pages:
                cookie, body = session_of(server, page)
                result = fixed_rate.run(server.base + page.path, rate, args.seconds, cookie, body=body)
                ok = result.p99_ms < MAX_P99_MS and not result.errors and not result.unanswered
                missed += not ok
                note = f" ({result.note()})" if result.note() else ""
                print(
                    f"{page.label:<40} p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
                    f"{result.errors} errors  {'PASS' if ok else 'MISS'} (p99 < {MAX_P99_MS:g} ms){note}",
                    flush=True,
                )
    finally:
        server.stop()
        tmp.cleanup()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
