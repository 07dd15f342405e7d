"""The security matrix's identity actors (SPEC §2, issue #28), enumerated from the URL map
so that a new per-request public route is covered or fails:

- "someone who knows the reference and the mobile but not the phone": typed the pair on
  /track, never the code;
- "the other party": proved their own mobile by the code, for a request with a party.

Neither sees the applicant's personal data on any public route of a request, nor changes
anything with a POST (the other party's own actions excepted). As deployed: codes by SMS,
rate limits on.
"""

import re

from sqlalchemy import func, select
from test_track_proof import deployed as deployed  # noqa: F401 (a fixture)
from test_track_proof import last_code, pair, type_code

from portal.core.clock import utcnow
from portal.core.identity import mask_id_number, mask_mobile
from portal.core.models import Attachment, AuditEvent, RequestParty, ServiceRequest
from portal.core.registry import all_kinds
from portal.core.workflow import PARTY
from portal.extensions import db

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def request_rules(app):
    """Every public route of one request (its path names the reference)."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "reference" in rule.arguments and not rule.rule.startswith("/staff")
    ]


def urls(rule, sample: dict) -> list[str]:
    """The rule's addresses for the sample: each action of the kind where it takes one."""
    actions = sample["actions"] if "action" in rule.arguments else ["none"]
    values = {
        "attachment_id": sample["attachment_id"],
        "session_id": 1,
        "which": "approve",
        "reference": sample["reference"],
    }
    found = []
    for action in actions:
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str({**values, "action": action}.get(name, 1)), url)
        found.append(url)
    return found


def personal_data(request_obj: ServiceRequest) -> list[str]:
    """What of the applicant must not show: the mobile (whole or masked), the ID number."""
    data = [request_obj.applicant_mobile, mask_mobile(request_obj.applicant_mobile)]
    id_number = getattr(request_obj, "id_number", None)
    return data + ([id_number, mask_id_number(id_number)] if id_number else [])


def samples() -> list[dict]:
    made = []
    for kind in all_kinds():
        sample = kind.make_sample()
        attachment = Attachment(
            request_id=sample.id,
            stored_name=f"{sample.id:032d}.pdf",
            original_name="a.pdf",
            content_type="application/pdf",
            size=10,
        )
        db.session.add(attachment)
        db.session.commit()
        made.append(
            {
                "id": sample.id,
                "reference": sample.reference,
                "mobile": sample.applicant_mobile,
                "attachment_id": attachment.id,
                "actions": [t.action for t in kind.workflow.transitions if t.actor != "staff"] or ["none"],
                "secret": personal_data(sample),
            }
        )
    return made


def trail(request_id: int) -> tuple:
    db.session.expire_all()
    found = db.session.get(ServiceRequest, request_id)
    events = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.request_id == request_id)
    )
    return found.status, found.version, events


def walk(app, browser, sample: dict, *, allowed_posts=()) -> list[str]:
    """Every public route of the sample as this browser: what leaked or changed."""
    problems = []
    token = CSRF.search(browser.get("/track").get_data(as_text=True)).group(1)
    for rule in request_rules(app):
        for url in urls(rule, sample):
            if "GET" in rule.methods:
                response = browser.get(url)
                body = response.get_data(as_text=True) if response.mimetype.startswith("text") else ""
                if response.mimetype == "application/pdf" or "attachment" in response.headers.get(
                    "Content-Disposition", ""
                ):
                    problems.append(f"GET {url}: a file")
                problems += [f"GET {url}: {s}" for s in sample["secret"] if s and s in body]
            if "POST" in rule.methods and not any(url.endswith(f"/{a}") for a in allowed_posts):
                before = trail(sample["id"])
                prefix = url.rstrip("/").rsplit("/", 1)[-1]
                browser.post(url, data={"csrf_token": token, f"{prefix}-csrf_token": token})
                if trail(sample["id"]) != before:
                    problems.append(f"POST {url}: changed the request")
    return problems


def test_knowing_the_reference_and_the_mobile_without_the_phone_opens_nothing(deployed):  # noqa: F811
    """Catches: any per-request public route that shows the applicant's data, hands out a
    file or acts on the pair alone (the old tracking), now or on a route added later."""
    made = samples()
    problems = []
    for sample in made:
        browser = deployed.test_client()
        pair(browser, sample["reference"], sample["mobile"])  # the code goes to a phone they do not have
        problems += walk(deployed, browser, sample)
    assert problems == []


def test_the_other_party_sees_none_of_the_applicants_data(deployed):  # noqa: F811
    """Catches: a receipt, file, decision or action of the applicant reachable by the other
    party who proved their own mobile (only their own actions may change the request)."""
    made = samples()
    with_party = []
    for sample in made:
        party = db.session.scalar(select(RequestParty).where(RequestParty.request_id == sample["id"]))
        if party is None or not party.mobile:
            continue
        party.notified_at = utcnow()
        db.session.commit()
        browser = deployed.test_client()
        pair(browser, sample["reference"], party.mobile)
        assert type_code(browser, last_code(party.mobile)).status_code == 303
        kind_actions = [a for a in sample["actions"]]
        own = [
            t.action
            for k in all_kinds()
            for t in k.workflow.transitions
            if t.actor == PARTY and t.action in kind_actions
        ]
        with_party.append(sample["reference"])
        assert walk(deployed, browser, sample, allowed_posts=own) == []
    assert with_party  # at least one kind has another party (mediation)


def test_knowing_the_pair_of_a_safe_contact_request_without_its_pin_opens_nothing(deployed):  # noqa: F811
    """The same actor on safe-contact requests (issue #28 item 6): no code is texted, and a
    wrong PIN (or none) opens no route. Catches: a PIN check that lets any digits through,
    and /track texting a code to a safe-contact applicant's phone."""
    from werkzeug.security import generate_password_hash

    from portal.core.models import OutboxMessage

    made = samples()
    for sample in made:
        found = db.session.get(ServiceRequest, sample["id"])
        found.safe_contact, found.pin_hash = True, generate_password_hash("482916")
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()
    problems = []
    for sample in made:
        browser = deployed.test_client()
        pair(browser, sample["reference"], sample["mobile"])
        assert type_code(browser, "135790").status_code == 400
        problems += walk(deployed, browser, sample)
    assert problems == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
