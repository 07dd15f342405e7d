# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""How a dispute came to mediation (issue 34, SPEC §12 round 3): staff register a case a
court commissioned before filing, with the court, its case number and its deadline, or one a
court, the police or another body referred with its document; the referral is kept."""

from datetime import timedelta

from sqlalchemy import select
from test_mediation import form, people, signed_in  # noqa: F401  (the fixture)

from portal.core.clock import local_today, to_local
from portal.extensions import db
from portal.mediation.models import MediationCase


def register(client, people, **extra):
    return client.submit("/staff/mediation/register", {**form(people), **extra})


def test_a_court_commissioned_dispute_is_registered_with_its_court_number_and_deadline(people, make_client):
    coordinator = signed_in(make_client, "mediation")
    deadline = local_today() + timedelta(days=30)
    missing = register(coordinator, people, channel="court_commission", referring_body="长沙县人民法院")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert 'id="court_case_number-error"' in html and 'id="court_deadline-error"' in html
    assert 'id="referral_document-error"' in html
    assert db.session.scalar(select(MediationCase.id)) is None

    response = register(
        coordinator,
        people,
        channel="court_commission",
        referring_body="长沙县人民法院",
        referral_document="（2026）湘0121委调字第88号",
        court_case_number="（2026）湘0121民诉前调1234号",
        court_deadline=deadline.isoformat(),
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    found = db.session.scalar(select(MediationCase))
    assert found.channel == "court_commission" and found.court_deadline == deadline
    assert found.court_case_number == "（2026）湘0121民诉前调1234号"
    assert found.referral_document == "（2026）湘0121委调字第88号"
    assert found.applicant_private is True and found.applicant_rights_read_at is not None
    assert to_local(found.due_at).date() == deadline  # the queue sorts and flags it by the court's deadline
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "长沙县人民法院" in page and "民诉前调1234号" in page and deadline.isoformat() in page
    assert "法院委派诉前调解" in page


def test_a_police_referral_needs_the_body_and_its_document(people, make_client):
    coordinator = signed_in(make_client, "mediation")
    refused = register(coordinator, people, channel="police_told")
    assert refused.status_code == 400 and 'id="referring_body-error"' in refused.get_data(as_text=True)
    done = register(
        coordinator,
        people,
        channel="police_told",
        referring_body="星沙派出所",
        referral_document="星公调字12号",
    )
    assert done.status_code == 303
    found = db.session.scalar(select(MediationCase))
    assert (found.referring_body, found.court_deadline) == ("星沙派出所", None)


def test_counter_cases_keep_no_referral_and_rights_must_be_told(people, make_client):
    coordinator = signed_in(make_client, "mediation")
    untold = register(coordinator, people, channel="counter", rights_read="", referring_body="某单位")
    assert untold.status_code == 400 and 'id="rights_read-error"' in untold.get_data(as_text=True)
    assert register(coordinator, people, channel="counter", referring_body="某单位").status_code == 303
    assert db.session.scalar(select(MediationCase.referring_body)) is None
