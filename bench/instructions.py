"""Instructions per request, page by page, counted by callgrind: a figure the neighbours
cannot move.

    .venv/bin/python bench/instructions.py --database-url URL --only "request detail" [--n 100]

On the shared 2-core project machine a request's CPU time swings by 15% and more from one
minute to the next (docs/performance.md), so a change of a few per cent cannot be seen in
bench/profile.py's milliseconds. The instructions the process executes for a request do
not depend on what else runs: valgrind's callgrind counts them. Each page is measured by
two runs of a worker process under callgrind, the second making `--n` more requests than
the first after the same start-up, sign-in and warm-up; the difference over `--n` is the
page's instructions per request. The bare Flask page (bench/baseline_app.py) is measured
the same way, so "x bare" is a ratio of two counts. It is not the ratio of CPU times
(bench/profile.py's scaled verdicts): a page and the bare page need not run as many
instructions per cycle. Use it to judge a change, with enough requests: start-up (about
7.7 G instructions) varies by a few million between runs, so with 10 requests a run the
bare page measured 1.54 M and 2.27 M instructions a request, with 100 it measured 1.73 M
twice. It counts the process's own instructions: a round trip's system calls and the
database server's work are outside it.

Slow: each page starts the app twice under valgrind (about five minutes a page on the
project machine); run it for the pages a change touches, on a database of bench/run.py
--keep or bench/profile.py --keep. Needs valgrind (Debian's package).
"""

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")
#: Requests each worker makes before the counted difference starts (warm-up).
WARM_UP = 5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a bench database (bench/run.py --keep)")
    parser.add_argument("--only", required=True, help="regular expression: the pages whose label matches")
    parser.add_argument("--n", type=int, default=100, help="requests counted per page (default 100)")
    parser.add_argument("--worker", nargs=2, metavar=("LABEL", "REQUESTS"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def collected(valgrind_output: str) -> int:
    """The instructions callgrind counted, from its closing summary."""
    found = COLLECTED.findall(valgrind_output)
    if not found:
        raise RuntimeError(f"no callgrind summary in:\n{valgrind_output[-2000:]}")
    return int(found[-1])


def per_request(fewer: int, more: int, extra_requests: int) -> float:
    """Instructions per request from two runs `extra_requests` apart."""
    if extra_requests <= 0 or more <= fewer:
        raise ValueError("the longer run must count more instructions")
    return (more - fewer) / extra_requests


def _bench_profile():
    """bench/profile.py as a module of its own name (the standard library has a `profile`)."""
    spec = importlib.util.spec_from_file_location("bench_profile", BENCH_DIR / "profile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages(database_url: str):
    """The bench's pages (bench/profile.py's, in the same sessions) and a requester maker."""
    sys.path[:0] = [str(BENCH_DIR.parent), str(BENCH_DIR)]
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "instructions-" + "0" * 52)
    os.environ.setdefault("UPLOAD_FOLDER", tempfile.mkdtemp(prefix="portal-bench-instructions-"))
    os.environ.update(PORTAL_INSECURE_COOKIES="1", STAFF_TWO_FACTOR="0", MOBILE_VERIFICATION="0")
    from databases import database_at
    from pages import BARE_LABEL, discover
    from queue_pages import with_queue_pages

    from portal import create_app
    from portal.extensions import db

    app = create_app()
    with app.app_context(), app.test_request_context("/"):
        found, _first = with_queue_pages(database_at(database_url), discover())
        db.session.remove()
    return app, found, BARE_LABEL


def work(database_url: str, label: str, requests: int) -> None:
    """The worker: start, sign in, warm up, then make `requests` requests of one page."""
    profile = _bench_profile()
    app, found, bare_label = pages(database_url)
    if label == bare_label:
        call = profile.bare_page_call()
    else:
        page = next(p for p in found if p.label == label)
        call = profile.requester(app, page, {})
        first = call()
        if first.status_code != 200 or page.marker.encode() not in first.get_data():
            raise SystemExit(f"{label}: HTTP {first.status_code}, marker {page.marker!r} missing")
    for _ in range(WARM_UP + requests):
        call()


def count(database_url: str, label: str, requests: int) -> int:
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            "--cache-sim=no",
            sys.executable,
            __file__,
            "--database-url",
            database_url,
            "--only",
            "-",
            "--worker",
            label,
            str(requests),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{label}: the worker failed:\n{done.stderr[-3000:]}")
    return collected(done.stderr)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        work(args.database_url, args.worker[0], int(args.worker[1]))
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    _app, found, bare_label = pages(args.database_url)
    labels = [bare_label] + [p.label for p in found if re.search(args.only, p.label)]
    print(f"{'page':<40} {'M instructions/request':>22} {'x bare':>8}")
    bare = None
    for label in labels:
        instructions = per_request(
            count(args.database_url, label, 0), count(args.database_url, label, args.n), args.n
        )
        bare = bare or instructions
        print(f"{label:<40} {instructions / 1e6:>22.2f} {instructions / bare:>7.1f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
