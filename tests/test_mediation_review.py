# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""The review of issue 35's agreements, as the staff use them (CSRF on): the court of a
judicial confirmation is always recorded; mediation starts only once both parties read their
rights and duties and chose public or not; signatures, seal and court events are events of
their own; a case is not closed before its written agreement takes effect."""

import re

from sqlalchemy import select
from test_mediation import accept, act, agreement, applied, people, signed_in  # noqa: F401

from portal.core.clock import local_today
from portal.extensions import db
from portal.mediation.models import MediationCase

#: The coordinator's record of the other party's consent given in person or by phone.
CONSENT = {"start-privacy": "private", "start-rights_read": "y"}


def found() -> MediationCase:
    db.session.expire_all()
    return db.session.scalar(select(MediationCase).order_by(MediationCase.id))


def mediating(client, people, make_client):
    reference = applied(client, people)
    accept(make_client, people, reference)
    mediator = signed_in(make_client, "mediator")
    assert act(mediator, reference, "start", CONSENT).status_code == 303
    return reference, mediator


def written(client, people, make_client, *, sign=True):
    """A written agreement recorded, and (if `sign`) signed by all and sealed: in effect."""
    reference, mediator = mediating(client, people, make_client)
    assert act(mediator, reference, "record_agreement", agreement()).status_code == 303
    page = f"/staff/mediation/cases/{reference}/agreement"
    if sign:
        for signer in ["applicant", f"party-{found().parties[0].id}", "mediator", "seal"]:
            data = {"sign-signer": signer, "sign-signed_on": local_today().isoformat()}
            assert mediator.submit(page, data, action=f"{page}/signatures").status_code == 303
    return reference, mediator, page


def test_another_court_must_be_named(client, people, make_client):
    reference, mediator, page = written(client, people, make_client)
    data = {
        "confirm-court": "other",
        "confirm-other_court": " ",
        "confirm-applied_on": local_today().isoformat(),
    }
    refused = mediator.submit(page, data, action=f"{page}/confirmation")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="confirm-other_court-error"' in html
    assert re.search(r'<input checked[^>]*value="other"', html)  # the choice is kept
    assert found().confirmation_court is None and found().confirmation_applied_on is None
    data["confirm-other_court"] = "浏阳市人民法院"
    assert mediator.submit(page, data, action=f"{page}/confirmation").status_code == 303
    assert found().confirmation_court == "浏阳市人民法院"
