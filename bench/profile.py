"""CPU time and SQL statements per request, page by page, in-process (no HTTP, no load).

    .venv/bin/python bench/profile.py [--rows 10000] [--database-url URL] [--n 50]
                                      [--pyinstrument "queue legal-aid page 1"]

Req/s on a shared 2-core machine swing with the neighbours' load; the CPU time one
request costs in this process (`time.process_time`) and the number of SQL statements do
not, so they are what a change to a page is judged by. Without `--database-url` it builds
a SQLite database like bench/run.py (migrations, demo seed, `--rows` legal aid rows) in a
temporary directory. `--pyinstrument LABEL` prints that page's call tree (pip install
pyinstrument, the `bench` extra).
"""

import argparse
import os
import re
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))

from databases import SQLiteDatabase  # noqa: E402
from run import DEEP_SHARE, PAGE_SIZE, STAFF_LOGIN  # noqa: E402
from servers import CSRF_PATTERN, USER_AGENT  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--database-url", help="an existing bench database (bench/run.py --keep)")
    parser.add_argument("--n", type=int, default=50, help="requests per page")
    parser.add_argument("--pyinstrument", metavar="LABEL", help="print this page's profile")
    parser.add_argument("--keep", action="store_true", help="keep the database it built (prints its URL)")
    parser.add_argument("--only", help="regular expression: profile only the pages whose label matches")
    parser.add_argument(
        "--no-field-cache",
        action="store_true",
        help="switch the blank field HTML cache off (portal/field_html.py), to measure what it saves",
    )
    return parser.parse_args(argv)


def signed_in(client, login_path: str, data: dict) -> None:
    page = client.get(login_path).get_data(as_text=True)
    match = CSRF_PATTERN.search(page)
    token = match.group(1) or match.group(2)
    done = client.post(login_path, data={**data, "csrf_token": token})
    if done.status_code not in (302, 303):
        raise RuntimeError(f"sign-in at {login_path} gave HTTP {done.status_code}")


def count_forms() -> list[int]:
    """Count every WTForms form built (a read-only page should build none): [n]."""
    from wtforms.form import BaseForm

    built = [0]
    original = BaseForm.__init__

    def counted(self, *args, **kwargs):
        built[0] += 1
        original(self, *args, **kwargs)

    BaseForm.__init__ = counted
    return built


def main(argv=None) -> int:
    args = parse_args(argv)
    tmp = tempfile.TemporaryDirectory(prefix="portal-bench-profile-")
    database = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        database = SQLiteDatabase(keep=args.keep)
        env = database.app_env(secrets.token_hex(32), f"{tmp.name}/uploads")
        database.build_schema(env)
        database.fill(
            args.rows - database.la_count(),
            seed=database.la_count(),
            now=datetime.now(UTC).replace(tzinfo=None),
            progress=print,
        )
        os.environ.update(env)
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ.setdefault("UPLOAD_FOLDER", f"{tmp.name}/uploads")
    os.environ.update(PORTAL_INSECURE_COOKIES="1", STAFF_TWO_FACTOR="0", MOBILE_VERIFICATION="0")  # as run.py

    from pages import STAFF, TRACKER, Page, discover
    from sqlalchemy import event, func, select

    from portal import create_app, field_html
    from portal.core.models import ServiceRequest

    if args.no_field_cache:
        field_html.key = lambda *arguments: None  # no key: every field rendered afresh
    from portal.extensions import db

    app = create_app()
    statements = [0]
    forms = count_forms()
    with app.app_context():
        event.listen(
            db.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1)
        )
        with app.test_request_context("/"):
            pages = discover()
        open_rows = db.session.scalar(
            select(func.count()).where(ServiceRequest.request_type == "LA", ServiceRequest.is_open)
        )
        before = max(
            PAGE_SIZE, min(int(open_rows * DEEP_SHARE), open_rows - PAGE_SIZE) // PAGE_SIZE * PAGE_SIZE
        )
        at = db.session.execute(
            select(ServiceRequest.priority, ServiceRequest.due_sort, ServiceRequest.id)
            .where(ServiceRequest.request_type == "LA", ServiceRequest.is_open)
            .order_by(ServiceRequest.priority, ServiceRequest.due_sort, ServiceRequest.id)
            .offset(before - 1)
            .limit(1)
        ).one()
        received = db.session.execute(
            select(ServiceRequest.created_at, ServiceRequest.id)
            .where(ServiceRequest.request_type == "LA", ServiceRequest.is_open)
            .order_by(ServiceRequest.created_at, ServiceRequest.id)
            .offset(before - 1)
            .limit(1)
        ).one()
        detail = db.session.scalar(
            select(ServiceRequest.reference)
            .where(ServiceRequest.request_type == "LA")
            .order_by(ServiceRequest.id)
        )
        db.session.remove()
    pages.append(
        Page(
            f"queue legal-aid page {before // PAGE_SIZE + 1:,}",
            f"/staff/queue/legal-aid?tab=open&after={at[0]}.{at[1]:%Y%m%d%H%M%S}.{at[2]}",
            STAFF,
        )
    )
    # The open tab sorted by received date (its own keyset index): page 1 and as deep.
    by_received = "/staff/queue/legal-aid?tab=open&sort=received"
    pages.append(Page("queue legal-aid by received page 1", by_received, STAFF))
    pages.append(
        Page(
            f"queue legal-aid by received page {before // PAGE_SIZE + 1:,}",
            f"{by_received}&after=r{received[0]:%Y%m%d%H%M%S%f}.{received[1]}",
            STAFF,
        )
    )
    pages.append(Page("request detail", f"/staff/requests/{detail}", STAFF, detail))
    if args.only:
        pages = [p for p in pages if re.search(args.only, p.label)]

    clients = {}
    for audience in {p.audience for p in pages}:
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        if audience == STAFF:
            signed_in(client, "/staff/login", {"login": STAFF_LOGIN[0], "password": STAFF_LOGIN[1]})
        clients[audience] = client
    for page in pages:
        if page.audience == TRACKER:
            signed_in(clients[TRACKER], "/track", {"reference": page.track[0], "mobile": page.track[1]})

    print(f"{'page':<40} {'status':>6} {'CPU ms/request':>14} {'SQL/request':>11} {'forms':>5} {'KB':>6}")
    for page in pages:
        client = clients[page.audience]
        first = client.get(page.path)
        body = first.get_data()
        if first.status_code != 200 or page.marker.encode() not in body:
            print(f"{page.label:<40} {first.status_code:>6}  (marker {page.marker!r} missing)")
            continue
        for _ in range(5):
            client.get(page.path)
        statements[0] = forms[0] = 0
        started = time.process_time()
        for _ in range(args.n):
            client.get(page.path)
        cpu = (time.process_time() - started) / args.n * 1000
        print(
            f"{page.label:<40} {first.status_code:>6} {cpu:>14.2f} {statements[0] / args.n:>11.1f} "
            f"{forms[0] / args.n:>5.1f} {len(body) / 1024:>6.1f}"
        )
        if args.pyinstrument and args.pyinstrument == page.label:
            from pyinstrument import Profiler

            with Profiler(interval=0.0002) as profiler:
                for _ in range(args.n):
                    client.get(page.path)
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    if database is not None and args.keep:
        print(f"kept the database: --database-url {database.url}")
    elif database is not None:
        database.drop()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
