"""Scopes per role (issue 31): a kind declares what part of it a staff role sees. The
bureau's reviewer of objections (Art. 49) sees in the legal aid queue only the objections
under review and the cases they decided, and reads each of those whole; nothing else.

Seen red with the legal aid kind's `role_scopes` removed: the reviewer's queue listed
every application and its detail page opened."""

import pytest

from portal.core.registry import kind_for_code
from portal.core.services import claim, perform
from portal.extensions import db


@pytest.fixture
def cases(app, make_staff):
    officer = make_staff("officer", "legal_aid_officer")
    kind = kind_for_code("LA")
    objected, submitted, reviewing = (kind.make_sample() for _ in range(3))
    for application in (objected, reviewing):
        claim(application, officer)
    perform(objected, "refuse", user=officer, data={"reasons": "收入超过标准"})
    perform(objected, "object", actor_type="applicant", data={"comment": "我的收入低于标准"})
    db.session.commit()
    return {"objected": objected, "submitted": submitted, "reviewing": reviewing}


def queue(client, tab="open") -> str:
    return client.get(f"/staff/queue/{kind_for_code('LA').slug}?tab={tab}").get_data(as_text=True)


def test_the_reviewer_sees_objections_and_what_they_decided_only(cases, make_staff, make_client):
    make_staff("reviewer", "bureau_reviewer")
    make_staff("reviewer2", "bureau_reviewer")
    reviewer = make_client()
    reviewer.sign_in("reviewer")
    listed = queue(reviewer)
    assert cases["objected"].reference in listed
    assert cases["submitted"].reference not in listed and cases["reviewing"].reference not in listed
    for other in ("submitted", "reviewing"):
        assert reviewer.get(f"/staff/requests/{cases[other].reference}").status_code == 403
    # The whole case under review: its facts and its history, not only the objection.
    page = reviewer.get(f"/staff/requests/{cases['objected'].reference}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert cases["objected"].facts[:10] in html and "/actions/uphold_refusal" in html

    reference = cases["objected"].reference
    upheld = reviewer.submit(
        f"/staff/requests/{reference}",
        {"uphold_refusal-reasons": "原决定正确"},
        action=f"/staff/requests/{reference}/actions/uphold_refusal",
    )
    assert upheld.status_code == 303
    # What they decided stays theirs to read; another reviewer no longer sees it.
    assert (
        reference in queue(reviewer, "all")
        and reviewer.get(f"/staff/requests/{reference}").status_code == 200
    )
    other = make_client()
    other.sign_in("reviewer2")
    assert reference not in queue(other, "all")
    assert other.get(f"/staff/requests/{reference}").status_code == 403


def test_a_user_with_an_unscoped_role_of_the_kind_sees_all(cases, make_staff, make_client):
    make_staff("both", "legal_aid_officer", "bureau_reviewer")
    client = make_client()
    client.sign_in("both")
    listed = queue(client)
    assert all(cases[name].reference in listed for name in ("objected", "submitted", "reviewing"))
