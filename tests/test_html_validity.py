"""Valid HTML (issue #17): the W3C Nu HTML Checker finds no error on any page.

Every page the app serves is fetched through the test client, on the demo data plus one
sample request of every declared kind: every GET page as a visitor, a resident and the
staff who work the queues (so every public page and the main staff pages), the forms sent
empty (their error states), and the error pages (404, 403, a refused CSRF token). The
HTML goes to a temporary directory and `vnu.jar` (npm's `vnu-jar`, see package.json;
`make test` runs `npm ci` when node_modules is missing) checks all of it in one run.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import demo
from portal.accounts.models import AccountKind, User
from portal.core.registry import all_kinds, kind_of
from portal.core.workflow import APPLICANT
from portal.extensions import db

from support import application_form

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")

needs_vnu = pytest.mark.skipif(
    JAVA is None or not VNU_JAR.exists(),
    reason="the W3C validator needs java and node_modules/vnu-jar (run `npm ci`; `make test` does)",
)


def fill(rule, values: dict) -> str | None:
    url = rule.rule
    for name in rule.arguments:
        if name not in values:
            return None
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), url)
    return url


class Pages:
    """The HTML pages fetched so far, one file each, named by who fetched what."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.files: dict[str, str] = {}  # file name -> "who METHOD url (status)"
        self.seen: set[tuple[str, str, str]] = set()

    def keep(self, who: str, method: str, url: str, response) -> None:
        if not response.mimetype == "text/html" or (who, method, url) in self.seen:
            return
        self.seen.add((who, method, url))
        name = f"page-{len(self.files):04d}.html"
        (self.directory / name).write_bytes(response.get_data())
        self.files[name] = f"{who} {method} {url} ({response.status_code})"


def get_everything(app, client, who: str, pages: Pages, value_sets: list[dict], prefix: str = "") -> None:
    """GET every page (a rule with arguments once per set of values that fills it)."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static",) or not rule.rule.startswith(prefix):
            continue
        for values in value_sets if rule.arguments else [{}]:
            url = fill(rule, values)
            if url is not None:
                pages.keep(who, "GET", url, client.get(url))


def post_forms_empty(app, client, who: str, pages: Pages) -> None:
    """Every public form sent empty (with its CSRF token): the pages that show errors."""
    for rule in app.url_map.iter_rules():
        if (
            "POST" not in rule.methods
            or rule.arguments
            or rule.rule.startswith("/staff")
            or "GET" not in rule.methods
        ):
            continue
        page = client.get(rule.rule)
        if page.status_code != 200 or "csrf_token" not in page.get_data(as_text=True):
            continue
        pages.keep(who, "POST", rule.rule, client.submit(rule.rule, {}))


def run_vnu(directory: Path) -> list[dict]:
    result = subprocess.run(
        [
            JAVA,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            *sorted(str(p) for p in directory.glob("*.html")),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # vnu writes its JSON report on stderr and exits non-zero when it found errors.
    report = json.loads(result.stderr or result.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def describe(messages: list[dict], files: dict[str, str]) -> str:
    lines = []
    for m in messages[:60]:
        name = Path(m.get("url", "")).name
        lines.append(
            f"- {files.get(name, name)} line {m.get('lastLine')}: {m.get('message')}\n    {m.get('extract', '').strip()[:160]}"
        )
    return f"{len(messages)} error(s):\n" + "\n".join(lines)


@pytest.mark.skipif(JAVA is None, reason="no java")
def test_the_validator_fails_broken_html(tmp_path):
    """The check is not vacuous: a page with the errors the issue named does fail it."""
    if not VNU_JAR.exists():
        pytest.skip("node_modules/vnu-jar is not installed (run `npm ci`)")
    (tmp_path / "broken.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title></head><body>'
        '<a href="tel:0731-8400 0000">call</a>'
        '<label for="s">Pick</label><select id="s" name="s" required><option value="a">A</option></select>'
        "</body></html>"
    )
    found = " ".join(m["message"] for m in run_vnu(tmp_path))
    assert "tel:0731-8400 0000" in found or "Illegal character" in found
    assert "required" in found and "select" in found


@needs_vnu
def test_every_page_is_valid_html(app, make_client, tmp_path):
    demo.seed_demo()
    samples = [kind.make_sample() for kind in all_kinds()]
    db.session.commit()
    slugs = {k.code: k.slug for k in all_kinds()}
    value_sets = [
        {"reference": s.reference, "slug": slugs[s.request_type], "code": s.reference} for s in samples
    ]

    out = tmp_path / "html"
    out.mkdir()
    pages = Pages(out)

    visitor = make_client()
    get_everything(app, visitor, "visitor", pages, [])
    post_forms_empty(app, visitor, "visitor", pages)
    pages.keep("visitor", "GET", "/no-such-page", visitor.get("/no-such-page"))
    pages.keep("visitor", "POST", "/track (no CSRF token)", visitor.post("/track", data={}))
    finder = make_client()  # the code page of a lost reference, and of a wrong code
    pages.keep("visitor", "POST", "/track/find", finder.submit("/track/find", {"mobile": "13900000011"}))
    wrong_code = finder.submit("/track/find", {"code": "000000"}, action="/track/find/code")
    pages.keep("visitor", "POST", "/track/find/code (wrong)", wrong_code)
    for sample in samples:  # the applicant's own tracking pages
        applicant = make_client()
        applicant.submit("/track", {"reference": sample.reference, "mobile": sample.applicant_mobile})
        pages.keep(
            "applicant", "GET", f"/track/{sample.reference}", applicant.get(f"/track/{sample.reference}")
        )
        for transition in kind_of(sample).workflow.from_state(sample.status, APPLICANT):
            if transition.needs_confirmation:  # the page that asks before withdraw, cancel...
                url = f"/track/{sample.reference}/actions/{transition.action}"
                pages.keep("applicant", "GET", url, applicant.get(url))
    check = visitor.submit("/legal-aid/apply", application_form(), answers_checked=False)
    pages.keep("visitor", "POST", "/legal-aid/apply (check your answers)", check)

    resident = make_client()
    resident.sign_in(demo.RESIDENT_MOBILE, demo.RESIDENT_PASSWORD)
    get_everything(app, resident, "resident", pages, [], prefix="/account")
    pages.keep("resident", "GET", "/staff/ (forbidden)", resident.get("/staff/"))

    staff_names = db.session.scalars(
        select(User.username).where(User.kind == AccountKind.STAFF).order_by(User.username)
    )
    for username in staff_names:  # every demo staff account: the pages of each role
        staff = make_client()
        signed_in = staff.submit(
            "/staff/login", {"login": username, "password": demo.demo_password(username)}
        )
        if signed_in.status_code != 302:
            continue
        get_everything(app, staff, username, pages, value_sets, prefix="/staff")

    assert len(pages.files) > 40, pages.files
    errors = run_vnu(out)
    assert not errors, describe(errors, pages.files)
