"""The pages the benchmark loads, found from the running deployment's capabilities.

    python bench/pages.py        # with DATABASE_URL etc. set: prints the pages as JSON

Run by bench/run.py in a subprocess (the portal's environment, not the benchmark's:
`discover_in(env)`), and imported by bench/profile.py. Every page issue #40's budgets name:
public (≤ 4 ms CPU per request): home, the adviser search in characters and in pinyin,
each capability's public form at its entry page (the health check's as a verified
enterprise clerk: anyone else gets the sign-in prompt), the legal-aid application's matter
and claims pages (reached by answering the pages before them in the same session), the
legal-aid self-check with answers (a POST), the booking slots, the written-question
archive searched, a tracking result (after /track); staff (≤ 6 ms): each queue, the
consultations desk's day view, the reports home. The deep queue pages and a request
detail are added from the filled table (bench/queue_pages.py).
"""

import json
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

PUBLIC, STAFF = "public", "staff"
#: bench/profile.py's reference row: the bare Flask page (bench/baseline_app.py) in-process.
BARE_LABEL = "bare 5 KB page (in-process)"
#: Issue #40's CPU budget per request, by audience (bench/profile.py measures it).
CPU_BUDGET_MS = {PUBLIC: 4.0, STAFF: 6.0}
#: The bare page's CPU per request when issue #40 set the budgets: a budget in multiples of
#: it (4 ms = 18x, 6 ms = 27x) can be judged on a machine whose speed swings, against the
#: bare page measured in the same passes (bench/profile.py's "x bare" column).
ISSUE_BARE_MS = 0.22
#: portal/demo.py: the supervisor opens every queue, desk and report.
STAFF_LOGIN = ("supervisor", "supervisor-demo-2026")
STAFF_SIGN_IN = ("/staff/login", {"login": STAFF_LOGIN[0], "password": STAFF_LOGIN[1]})
#: portal/health_checks/demo.py: a verified clerk (only they see the request's question pages).
CLERK_SIGN_IN = ("/account/login", {"login": "13800000011", "password": "enterprise-demo-2026"})
#: The self-check's answers: a migrant worker's unpaid wages, in this county, low means.
SELF_CHECK = {
    "matter": "labour",
    "claim_exemption": "none",
    "means_waiver": "none",
    "place": "here",
    "household_size": "3",
    "monthly_income": "1500",
    "low_income": "no",
    "sudden_hardship": "no",
}
#: The legal-aid application's first pages, answered in order to reach a later one.
WHO = ("/legal-aid/apply", {"applying_for": "self"})
KIND = ("/legal-aid/apply/kind", {"matter_kind": "civil"})
MATTER = ("/legal-aid/apply/matter", {"matter_type": "labour", "counsel_retained": "no"})
#: A word of the demo's published written answer (portal/written_consultations/demo.py).
ARCHIVE_TERM = "工资"


@dataclass
class Page:
    label: str
    path: str
    audience: str
    #: Text the page must contain (proves it is the real page, not an error or a sign-in).
    marker: str = ""
    #: Forms submitted, in order, in the page's own session before it is loaded, each
    #: (path, fields) answered by a redirect: a sign-in, /track, the earlier question pages.
    steps: list = field(default_factory=list)
    #: Set for a POST page: these fields are sent (with the session's CSRF token).
    form: dict | None = None

    @property
    def budget_ms(self) -> float:
        return CPU_BUDGET_MS[self.audience]

    def cpu_verdict(self, cpu_ms: float) -> str:
        return f"{'PASS' if cpu_ms <= self.budget_ms else 'MISS'} (<= {self.budget_ms:g} ms)"

    def scaled_verdict(self, times_bare: float) -> str:
        """The budget as a multiple of the bare page (ISSUE_BARE_MS)."""
        limit = self.budget_ms / ISSUE_BARE_MS
        return f"{'PASS' if times_bare <= limit else 'MISS'} (<= {limit:.1f}x)"


def staff(label: str, path: str, marker: str = "") -> Page:
    return Page(label, path, STAFF, marker, steps=[STAFF_SIGN_IN])


def discover() -> list[Page]:
    """Inside an app context: the pages of this deployment, from its registry."""
    from flask import url_for
    from sqlalchemy import select

    from portal.core.clock import local_today
    from portal.core.models import ServiceRequest
    from portal.core.registry import all_kinds, capabilities
    from portal.extensions import db

    names = {c.name for c in capabilities()}
    pages = [
        Page("home /", "/", PUBLIC, "12348"),
        Page("directory search 星沙", "/advisers/?q=" + quote("星沙"), PUBLIC, "星沙"),
        Page("directory search xingsha", "/advisers/?q=xingsha", PUBLIC, "星沙"),
    ]
    for capability in capabilities():
        card = capability.home_card
        if card and card.start_endpoint:
            page = Page(f"form {capability.name}", url_for(card.start_endpoint), PUBLIC, "<form")
            if capability.name == "health_checks":  # its questions, not the sign-in prompt
                page.steps, page.marker = [CLERK_SIGN_IN], 'name="areas"'
            pages.append(page)
    if "legal_aid" in names:
        pages += [
            Page("legal aid page matter", MATTER[0], PUBLIC, 'name="matter_type"', steps=[WHO, KIND]),
            Page(
                "legal aid page claims",
                "/legal-aid/apply/claims",
                PUBLIC,
                'name="claim_exemption"',
                [WHO, KIND, MATTER],
            ),
            Page(
                "legal aid self-check answered",
                "/legal-aid/",
                PUBLIC,
                'id="self-check-result"',
                form=SELF_CHECK,
            ),
        ]
    point = None
    if "consultations" in names:
        from portal.consultations.models import ServicePoint

        point = db.session.scalars(select(ServicePoint.id).order_by(ServicePoint.id)).first()
        if point is not None:
            day = local_today() + timedelta(days=1)
            pages.append(
                Page("booking slots", f"/consultations/book?point={point}&date={day}", PUBLIC, "<form")
            )
    if "written_consultations" in names:
        pages.append(
            Page(
                "written answers search",
                "/consultations/answers?q=" + quote(ARCHIVE_TERM),
                PUBLIC,
                ARCHIVE_TERM,
            )
        )
    tracked = db.session.execute(
        select(ServiceRequest.reference, ServiceRequest.applicant_mobile)
        .where(ServiceRequest.applicant_mobile.is_not(None), ServiceRequest.request_type == "LA")
        .order_by(ServiceRequest.id)
        .limit(1)
    ).first()
    if tracked is not None:
        # MOBILE_VERIFICATION=0 in the bench: /track opens the result without the SMS code,
        # the same page (the session remembers the request) as after the code.
        track = ("/track", {"reference": tracked.reference, "mobile": tracked.applicant_mobile})
        pages.append(
            Page("tracking result", f"/track/{tracked.reference}", PUBLIC, tracked.reference, [track])
        )
    for kind in all_kinds():
        pages.append(staff(f"queue {kind.slug} page 1", f"/staff/queue/{kind.slug}?tab=open"))
    if point is not None:
        pages.append(staff("desk day view", f"/staff/consultations/{point}/day", "/staff/consultations/"))
    if "reports" in current_blueprints():
        pages.append(staff("reports home", "/staff/reports/", "/staff/reports/annual"))
    return pages


def current_blueprints() -> set[str]:
    from flask import current_app

    return set(current_app.blueprints)


def from_row(row: dict) -> Page:
    return Page(**{**row, "steps": [tuple(step) for step in row["steps"]]})


def discover_in(env: dict) -> list[Page]:
    """The deployment's pages, found by the portal itself in its environment (a subprocess)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve())],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench/pages.py failed:\n{done.stderr}")
    return [from_row(row) for row in json.loads(done.stdout)]


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from portal import create_app

    app = create_app()
    with app.test_request_context("/"):
        print(json.dumps([asdict(p) for p in discover()], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
