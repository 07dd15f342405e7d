"""Lighthouse (mobile) on every public page: performance, accessibility, LCP and bytes.

    .venv/bin/python bench/lighthouse.py [--base-url URL] [--only REGEX] [--json FILE]

SPEC §9: every public page scores 100 for performance, its largest contentful paint is
under 1.5 s and it weighs under 60 KiB, with a meta description. Lighthouse comes from
npm (`lighthouse` in package.json's devDependencies: `npm ci`); the browser is the
system's Chromium (CHROME_PATH, default /usr/bin/chromium). Lighthouse's default
profile is a mid-range phone on a slow 4G link (simulated throttling), which is the one
kept here. Without node, Lighthouse or Chromium it says so and exits 0: the table is
for a machine that has them.

Without `--base-url` it serves the portal itself like bench/run.py (a new SQLite
database with the migrations and the demo seed, gunicorn on a free 127.0.0.1 port);
every page it audits is on 127.0.0.1.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nginx_front
from pages import PUBLIC, Page, discover_in
from servers import HOST, ROOT, Gunicorn, browser_session

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
DEFAULT_CHROME = "/usr/bin/chromium"
#: SPEC §9's phone targets.
MIN_PERFORMANCE = 100
MAX_LCP_S = 1.5
MAX_KIB = 60
#: The stable public addresses (SPEC §10) besides the pages bench/pages.py finds (each
#: capability's form, its question pages, the booking slots, the archive searched, a
#: tracking result).
FIXED_PAGES = (
    ("home", "/"),
    ("legal aid (self-check)", "/legal-aid/"),
    ("consultations", "/consultations/"),
    ("health checks", "/health-checks/"),
    ("mediation", "/mediation/"),
    ("written answers archive", "/consultations/answers"),
    ("advisers", "/advisers/"),
    ("track", "/track"),
    ("find my requests", "/track/find"),
    ("sign in", "/account/login"),
    ("register", "/account/register"),
)


def missing_tools() -> str:
    """Why Lighthouse cannot run here, or ''."""
    if not shutil.which("node"):
        return "node is not installed"
    if not LIGHTHOUSE.exists():
        return f"{LIGHTHOUSE.relative_to(ROOT)} is missing (npm ci)"
    if not Path(os.environ.get("CHROME_PATH", DEFAULT_CHROME)).exists():
        return "no Chromium (apt-get install chromium, or set CHROME_PATH)"
    return ""


def audit(url: str, cookie: str = "", timeout: float = 180) -> dict:
    """One Lighthouse run (mobile, simulated slow 4G) of `url`; its JSON report."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"Lighthouse audits {HOST} only: {url}")
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--only-categories=performance,accessibility,seo",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", DEFAULT_CHROME)}
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url} ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def figures(report: dict) -> dict:
    """The table's columns from one report."""
    categories, audits = report["categories"], report["audits"]

    def score(name: str):
        value = categories.get(name, {}).get("score")
        return None if value is None else round(value * 100)

    lcp = audits.get("largest-contentful-paint", {}).get("numericValue")
    weight = audits.get("total-byte-weight", {}).get("numericValue")
    row = {
        "performance": score("performance"),
        "accessibility": score("accessibility"),
        "seo": score("seo"),
        "lcp_s": None if lcp is None else round(lcp / 1000, 2),
        "kib": None if weight is None else round(weight / 1024, 1),
        "meta_description": audits.get("meta-description", {}).get("score") == 1,
    }
    row["verdict"] = (
        "PASS"
        if row["performance"] == MIN_PERFORMANCE
        and row["lcp_s"] is not None
        and row["lcp_s"] < MAX_LCP_S
        and row["kib"] is not None
        and row["kib"] < MAX_KIB
        and row["meta_description"]
        else "MISS"
    )
    return row


def public_pages(discovered: list[Page]) -> list[Page]:
    """The fixed public addresses, then each discovered public page not already there (a
    POST page, such as the self-check answered, is not one Lighthouse can open)."""
    pages = [Page(label, path, PUBLIC) for label, path in FIXED_PAGES]
    known = {p.path for p in pages}
    for page in discovered:
        if page.audience == PUBLIC and page.form is None and page.path not in known:
            pages.append(page)
            known.add(page.path)
    return pages


def table(rows: list[dict]) -> str:
    lines = [
        "| page | performance | accessibility | SEO | LCP s | KiB | meta description | verdict |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['page']} | | | | | | | ERROR: {row['error']} |")
            continue
        lines.append(
            f"| {row['page']} | {row['performance']} | {row['accessibility']} | {row['seo']} | "
            f"{row['lcp_s']} | {row['kib']} | {'yes' if row['meta_description'] else 'NO'} | {row['verdict']} |"
        )
    return "\n".join(lines)


#: Lighthouse 12.2 with Debian's Chromium 156 now and then fails to record a page's trace
#: (NO_NAVSTART, "Something went wrong with recording the trace ... Please run Lighthouse
#: again"): the same page audited again minutes later records, so such a failure is
#: retried, up to this many times; any other failure is reported at once.
TRACE_RETRIES = 3
RUN_AGAIN = "Please run Lighthouse again"


def audit_retrying(url: str, cookie: str = "", run=None, say=print) -> dict:
    """`audit`, again when Lighthouse itself asks for it (TRACE_RETRIES times at most)."""
    run = run or audit
    for attempt in range(TRACE_RETRIES + 1):
        try:
            return run(url, cookie)
        except RuntimeError as exc:
            if RUN_AGAIN not in str(exc) or attempt == TRACE_RETRIES:
                raise
            say(f"lighthouse: the trace of {url} was not recorded; again ({attempt + 1} of {TRACE_RETRIES})")
    raise AssertionError("unreachable")


def run_pages(base: str, pages: list[Page], say=print) -> list[dict]:
    """Audit each page in turn (one Chromium at a time: the machine has 2 CPUs)."""
    rows = []
    for page in pages:
        cookie = browser_session(base, page.steps)[0] if page.steps else ""
        try:
            row = {
                "page": page.label,
                "path": page.path,
                **figures(audit_retrying(base + page.path, cookie, say=say)),
            }
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
            row = {"page": page.label, "path": page.path, "error": str(exc).splitlines()[0][:200]}
        say(
            f"lighthouse {page.label:<32} "
            + (
                row.get("error")
                or f"performance {row['performance']}, accessibility {row['accessibility']}, "
                f"LCP {row['lcp_s']} s, {row['kib']} KiB, meta description "
                f"{'yes' if row['meta_description'] else 'NO'}: {row['verdict']}"
            )
        )
        rows.append(row)
    return rows


def serve_and_run(pattern: str | None, say=print) -> list[dict]:
    """A fresh demo database and gunicorn, then every public page audited."""
    from databases import SQLiteDatabase

    with tempfile.TemporaryDirectory(prefix="portal-lighthouse-") as tmp:
        database = SQLiteDatabase()
        try:
            env = database.app_env(secrets.token_hex(32), f"{tmp}/uploads")
            database.build_schema(env)
            pages = public_pages(discover_in(env))
            if pattern:
                pages = [p for p in pages if re.search(pattern, p.label)]
            server = Gunicorn("portal:create_app()", env, Path(tmp) / "gunicorn.log")
            front = None
            try:
                server.wait_ready("/healthz")
                base = server.base
                if nginx_front.available():  # as deployed: nginx serves /static/, compressed
                    front = nginx_front.NginxFront(server.base, Path(tmp) / "nginx")
                    front.wait_ready("/")
                    base = front.base
                say(
                    f"lighthouse: {'through nginx (deploy/nginx/portal.conf)' if front else 'gunicorn directly: no nginx, static files uncompressed'}"
                )
                return run_pages(base, pages, say)
            finally:
                if front is not None:
                    front.stop()
                server.stop()
        finally:
            database.drop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help=f"a portal already running on http://{HOST}:PORT")
    parser.add_argument("--only", help="regular expression: audit only the pages whose label matches")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    if why := missing_tools():
        print(f"Lighthouse not run: {why}.")
        return 0
    if args.base_url:
        pages = [Page(label, path, PUBLIC) for label, path in FIXED_PAGES]
        if args.only:
            pages = [p for p in pages if re.search(args.only, p.label)]
        rows = run_pages(args.base_url.rstrip("/"), pages)
    else:
        rows = serve_and_run(args.only)
    print()
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
