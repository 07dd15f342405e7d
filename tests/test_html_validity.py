"""Valid HTML (issue #17): the W3C Nu HTML Checker finds no error on any page.

Every page the app serves is fetched through the test client, on the demo data plus one
sample request of every declared kind and an assigned legal aid case: every GET page, each
request's address filled in, as a visitor, a resident, an enterprise clerk and every demo
staff account (so every page a role can see: the detail pages with the forms of the actions
allowed now), each request's tracking page as its applicant and as its other parties, the
forms sent empty (their error states), and the error pages (404, 403, a refused CSRF
token), each person's 403 and 404 once. A test fails when a page no role reached appears
(NOT_WALKED says which addresses are no HTML page or are tested elsewhere). The
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
from portal.accounts.enterprises import EnterpriseMember
from portal.accounts.models import AccountType, User
from portal.advisers.models import Adviser, Village
from portal.consultations.models import ServicePoint
from portal.core.access import can_view
from portal.core.models import Holiday, ServiceRequest, Township
from portal.core.registry import all_kinds, kind_of
from portal.core.services import perform
from portal.core.workflow import APPLICANT, PARTY
from portal.extensions import db
from portal.health_checks.demo import CLERK_PASSWORD, ENTERPRISES
from portal.legal_aid.models import LegalAidApplication
from portal.mediation.models import MediationCommittee
from portal.ratings.levels import POOR
from portal.ratings.models import Rating
from portal.ratings.services import rate

from support import application_form

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")

needs_vnu = pytest.mark.skipif(
    JAVA is None or not VNU_JAR.exists(),
    reason="the W3C validator needs java and node_modules/vnu-jar (run `npm ci`; `make test` does)",
)


#: GET addresses the walk does not open with a 200, and why: files, exports and calendar
#: entries (not HTML), redirects, and the pages of a half-done staff sign-in and password
#: reset (tests/test_security_totp.py, tests/test_account_recovery.py).
NOT_WALKED = {
    "/static/<path:filename>",
    "/favicon.ico",
    "/language/<code>",
    "/track/<reference>/files/<int:attachment_id>",
    "/staff/requests/<reference>/attachments/<int:attachment_id>",
    "/staff/health-checks/members/<int:member_id>/documents/<int:document_id>",
    "/staff/queue/<slug>/export.<fmt>",
    "/staff/advisers/roster/export.<fmt>",
    "/mediation/<reference>/sessions/<int:session_id>.ics",
    "/account/two-factor",
    "/account/reset-password/code",
    # Reached only after a POST (the code page of /track is walked as the answer to that POST;
    # a slot's closing confirmation as the desk's day view links it): not yet walked by GET.
    "/track/code",
    "/staff/consultations/<int:point_id>/slots/<int:slot_id>/close",
}


def fill(rule, values: dict) -> str | None:
    url = rule.rule
    for name in rule.arguments:
        if name not in values:
            return None
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), url)
    return url


def keep_every_question_page(person, pages, base="/legal-aid/apply", flow=None, who="visitor") -> None:
    """Every question page of a paged form (legal aid by default: for someone else, so that
    the page about that person is asked), each also sent empty (its messages), and the check page."""
    from portal.legal_aid.apply_pages import PAGES

    token = person.csrf_token(base)
    if flow is None:
        flow = PAGES
        person.post(f"{base}/who", data={"applying_for": "guardian", "csrf_token": token})
    entry = person.get(base)
    assert entry.status_code == 200
    pages.reached.add(base)
    for page in flow.pages:
        url = f"{base}/{page.name}"
        shown = person.get(url)
        if page.name == "safe-contact-first":  # asked instead of safe-contact: kept below
            continue
        assert shown.status_code == 200, url
        pages.keep(who, "GET", url, shown)
        pages.reached.add(f"{base}/<page>")
        pages.keep(who, "POST", f"{url} (empty)", person.post(url, data={"csrf_token": token}))
    pages.keep(who, "GET", f"{base}/check", person.get(f"{base}/check"))
    if flow is PAGES:  # a victim of abuse is offered no texts before the contact details
        person.post(f"{base}/claims", data={"claim_exemption": "abuse_victim", "csrf_token": token})
        first = person.get(f"{base}/safe-contact-first")
        assert first.status_code == 200
        pages.keep(who, "GET", f"{base}/safe-contact-first", first)


def keep_the_health_check_pages(person, pages) -> None:
    """The request's pages, the enterprise's page too (its details cleared for the walk); an area
    of each self-assessment page chosen, so that each is asked."""
    from portal.accounts.enterprises import membership_of
    from portal.health_checks.request_pages import request_pages

    clerk = db.session.scalar(select(User).where(User.mobile == ENTERPRISES[0][2]))
    enterprise = membership_of(clerk).enterprise
    industry, enterprise.industry = enterprise.industry, None
    db.session.commit()
    person.post(
        "/health-checks/request/areas",
        data={"areas": ["labour", "ip", "data"], "csrf_token": person.csrf_token("/health-checks/request")},
    )
    keep_every_question_page(person, pages, "/health-checks/request", request_pages(known=False), "clerk")
    enterprise.industry = industry
    db.session.commit()


class Pages:
    """The HTML pages fetched so far, one file each, named by who fetched what."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.files: dict[str, str] = {}  # file name -> "who METHOD url (status)"
        self.seen: set[tuple[str, str, str]] = set()
        self.refusals: set[tuple[str, int]] = set()
        self.reached: set[str] = set()  # the rules someone saw with 200

    def keep(self, who: str, method: str, url: str, response) -> None:
        if (who, method, url) in self.seen:
            return
        self.seen.add((who, method, url))
        # One person's 403 or 404 is one template, whatever the address: checked once.
        refusal = (who, response.status_code)
        if response.mimetype != "text/html" or refusal in self.refusals:
            return
        if response.status_code in (403, 404):
            self.refusals.add(refusal)
        body = response.get_data()
        name = f"page-{len(self.files):04d}.html"
        (self.directory / name).write_bytes(body)
        self.files[name] = f"{who} {method} {url} ({response.status_code})"


def get_everything(
    app, client, who: str, pages: Pages, value_sets: list[dict], prefix: str = "", public: bool = False
) -> None:
    """GET every page (a rule with arguments once per set of values that fills it); with
    `public`, the pages outside /staff only."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static",) or not rule.rule.startswith(prefix):
            continue
        if public and rule.rule.startswith("/staff"):
            continue
        for values in value_sets if rule.arguments else [{}]:
            url = fill(rule, values)
            if url is not None and (who, "GET", url) not in pages.seen:
                response = client.get(url)
                pages.keep(who, "GET", url, response)
                if response.status_code == 200:
                    pages.reached.add(rule.rule)


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


def assigned_legal_aid_case():
    """An approved demo application given to the demo lawyer: its officer sees the
    termination form (Art. 48) and the change of lawyer, the lawyer the closing report."""
    approved = db.session.scalars(
        select(LegalAidApplication)
        .where(LegalAidApplication.status == "approved", LegalAidApplication.handler_id.is_not(None))
        .order_by(LegalAidApplication.id)
    ).first()
    lawyer = db.session.scalar(select(User).where(User.username == "lawyer"))
    perform(approved, "assign_lawyer", user=approved.handler, data={"lawyer": lawyer.id})
    db.session.commit()
    return approved


def refused_and_rated_poorly():
    """The demo application under review, refused and rated poorly by its applicant: the
    objection form (Art. 49) on the tracking page, the supervisor's follow-up page."""
    under_review = db.session.scalars(
        select(LegalAidApplication)
        .where(LegalAidApplication.status == "under_review")
        .order_by(LegalAidApplication.id)
    ).first()
    perform(under_review, "refuse", user=under_review.handler, data={"reasons": "不符合经济困难标准。"})
    rate(under_review, min(POOR), "没有人解释原因。")
    db.session.commit()


def objection_upheld() -> None:
    """A sample application refused, objected to and the refusal upheld by the bureau's
    reviewer: its objection decision (Art. 49), page and PDF, for its applicant."""
    from portal.core.registry import kind_for_code
    from portal.core.services import claim

    application = kind_for_code("LA").make_sample()
    officer = db.session.scalar(select(User).where(User.username == "officer"))
    reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
    claim(application, officer)
    perform(application, "refuse", user=officer, data={"reasons": "不属于法律援助的事项范围。"})
    perform(application, "object", actor_type=APPLICANT, data={"comment": "我的事项属于劳动报酬。"})
    perform(application, "uphold_refusal", user=reviewer, data={"reasons": "原决定正确。"})
    db.session.commit()


def addresses(requests) -> list[dict]:
    """The values that fill the pages' addresses: one set per request (its reference, its
    kind), each with one row of every other thing a page shows (one set without a request)."""
    first = {
        "user_id": select(User.id).where(User.username == "lawyer"),  # a profile too
        "holiday_id": select(Holiday.id).order_by(Holiday.id),
        "point_id": select(ServicePoint.id).order_by(ServicePoint.id),
        "village_id": select(Village.id).order_by(Village.id),
        "adviser_id": select(Adviser.id).order_by(Adviser.id),
        "member_id": select(EnterpriseMember.id).order_by(EnterpriseMember.id),
        "rating_id": select(Rating.id).order_by(Rating.id),
        "code": select(Township.code).order_by(Township.sort_order),
        "committee_id": select(MediationCommittee.id).order_by(MediationCommittee.id),
    }
    others = {name: db.session.scalar(query.limit(1)) for name, query in first.items()}
    others = {name: value for name, value in others.items() if value is not None}
    slugs = {k.code: k.slug for k in all_kinds()}
    return [
        {
            **others,
            "reference": r.reference,
            "slug": slugs[r.request_type],
            "which": "approval",
            "version": 1,
            "number": 1,
        }
        for r in requests
    ] or [others]


def all_requests() -> list[ServiceRequest]:
    return list(db.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id)))


def follow_as_applicant_and_parties(app, make_client, pages: Pages) -> None:
    """Each request's pages as its applicant (tracking, confirmation, letters, report...)
    and its tracking page as each other party told of it, with the pages that ask before
    an action (withdraw, cancel...)."""
    for found in all_requests():
        people = [(APPLICANT, found.applicant_mobile)]
        people += [(PARTY, p.mobile) for p in found.parties if p.notified_at is not None and p.mobile]
        for actor, mobile in people:
            viewer = make_client()
            viewer.submit("/track", {"reference": found.reference, "mobile": mobile})
            if actor == APPLICANT:
                get_everything(app, viewer, actor, pages, addresses([found]), public=True)
            pages.keep(actor, "GET", f"/track/{found.reference}", viewer.get(f"/track/{found.reference}"))
            for transition in kind_of(found).workflow.from_state(found.status, actor):
                if transition.needs_confirmation:
                    url = f"/track/{found.reference}/actions/{transition.action}"
                    pages.keep(actor, "GET", url, viewer.get(url))
                    pages.reached.add("/track/<reference>/actions/<action>")


def sign_in_staff(make_client, username: str):
    staff = make_client()
    signed_in = staff.submit("/staff/login", {"login": username, "password": demo.demo_password(username)})
    return staff if signed_in.status_code == 302 else None


@needs_vnu
def test_every_page_is_valid_html(app, make_client, tmp_path):
    """Every page each role can see, with the demo data, one sample of every kind and an
    assigned legal aid case (its termination form once drew a `<label for>` naming the
    `<ul>` of its radio buttons: the error this walk found). Mutant caught: the field
    macro choosing the fieldset by the field's type name again (a `Radios` field then
    gets a `<label for>` on its list)."""
    demo.seed_demo()
    for kind in all_kinds():
        kind.make_sample()
    db.session.commit()
    assigned = assigned_legal_aid_case()
    refused_and_rated_poorly()
    objection_upheld()
    requests = all_requests()

    out = tmp_path / "html"
    out.mkdir()
    pages = Pages(out)

    visitor = make_client()
    get_everything(app, visitor, "visitor", pages, addresses(requests[:1]), public=True)
    post_forms_empty(app, visitor, "visitor", pages)
    pages.keep("visitor", "GET", "/no-such-page", visitor.get("/no-such-page"))
    pages.keep("visitor", "POST", "/track (no CSRF token)", visitor.post("/track", data={}))
    follow_as_applicant_and_parties(app, make_client, pages)
    finder = make_client()  # the code page of a lost reference, and of a wrong code
    pages.keep("visitor", "POST", "/track/find", finder.submit("/track/find", {"mobile": "13900000011"}))
    wrong_code = finder.submit("/track/find", {"code": "000000"}, action="/track/find/code")
    pages.keep("visitor", "POST", "/track/find/code (wrong)", wrong_code)
    drafter = make_client()  # issue #30: continuing a draft (the mobile, then the code, a wrong one)
    for url, data in (("/continue/legal_aid.apply", {"mobile": ""}), ("/continue/legal_aid.apply", None)):
        sent = drafter.submit(url, data) if data is not None else drafter.get(url)
        pages.keep("visitor", "POST" if data is not None else "GET", url, sent)
    drafter.submit("/continue/legal_aid.apply", {"mobile": "13900000011"})
    for rule in ("/continue/<form_name>", "/continue/<form_name>/code"):
        url = rule.replace("<form_name>", "legal_aid.apply")
        pages.keep("visitor", "GET", url, drafter.get(url))
        pages.reached.add(rule)
    wrong = drafter.submit("/continue/legal_aid.apply/code", {"code": "000000"})
    pages.keep("visitor", "POST", "/continue/legal_aid.apply/code (wrong)", wrong)
    check = visitor.submit("/legal-aid/apply", application_form(), answers_checked=False)
    pages.keep("visitor", "POST", "/legal-aid/apply (check your answers)", check)
    # Issue #27's pages: the code step, "sent already", a lost form token.
    app.config["MOBILE_VERIFICATION"] = True
    code = visitor.submit("/legal-aid/apply", application_form())
    pages.keep("visitor", "POST", "/legal-aid/apply (the code step)", code)
    app.config["MOBILE_VERIFICATION"] = False
    once = make_client()
    for attempt in ("sent", "sent already"):
        sent = once.submit("/legal-aid/apply", {**application_form(), "intake_key": "html-validity"})
        pages.keep("visitor", "POST", f"/legal-aid/apply ({attempt})", sent)
    lost = make_client().post(
        "/legal-aid/apply",
        data={**application_form(), "csrf_token": "lost"},
        headers={"Origin": "http://localhost"},
    )
    pages.keep("visitor", "POST", "/legal-aid/apply (form token lost)", lost)
    keep_every_question_page(make_client(), pages)
    from portal.mediation.apply_pages import PAGES as MEDIATION_PAGES

    keep_every_question_page(make_client(), pages, "/mediation/apply", MEDIATION_PAGES)

    # A resident and a verified enterprise clerk (health checks), signed in, with their own requests.
    for who, mobile, password in (
        ("resident", demo.RESIDENT_MOBILE, demo.RESIDENT_PASSWORD),
        ("clerk", ENTERPRISES[0][2], CLERK_PASSWORD),
    ):
        person = make_client()
        person.sign_in(mobile, password)
        user = db.session.scalar(select(User).where(User.mobile == mobile))
        own = [r for r in requests if r.applicant_user_id == user.id]
        get_everything(app, person, who, pages, addresses(own), public=True)
        pages.keep(who, "GET", "/staff/ (forbidden)", person.get("/staff/"))
        if who == "clerk":
            keep_the_health_check_pages(person, pages)

    staff_members = db.session.scalars(
        select(User).where(User.account_type == AccountType.STAFF).order_by(User.username)
    )
    for user in staff_members:  # every demo staff account: the pages of each role
        staff = sign_in_staff(make_client, user.username)
        if staff is None:
            continue
        # The requests this person may open, and one they may not (its 403).
        theirs = [r for r in requests if can_view(user, r)]
        refused = [r for r in requests if not can_view(user, r)][:1]
        get_everything(app, staff, user.username, pages, addresses(theirs + refused), prefix="/staff")
        if user.id == assigned.handler_id:  # the termination form sent empty: its errors
            url = f"/staff/requests/{assigned.reference}"
            sent = staff.submit(url, {"terminate-version": str(assigned.version)}, f"{url}/actions/terminate")
            pages.keep(user.username, "POST", f"{url}/actions/terminate (empty)", sent)

    seen = " ".join(pages.files.values())
    assert f"lawyer GET /staff/requests/{assigned.reference} (200)" in seen
    assert f"POST /staff/requests/{assigned.reference}/actions/terminate (empty) (400)" in seen
    unreached = {r.rule for r in app.url_map.iter_rules() if "GET" in r.methods} - pages.reached
    assert unreached <= NOT_WALKED, f"pages no role reached: {sorted(unreached - NOT_WALKED)}"
    errors = run_vnu(out)
    assert not errors, describe(errors, pages.files)
