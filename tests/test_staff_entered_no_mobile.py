"""Requests staff enter for someone without a mobile (SPEC §2, issue #28 item 4): the
mobile may be left out; no text is attempted on any transition; tracking says how to reach
the office; a number staff type is never "proven" (see also test_track_find and
test_requests_join_the_account for "never linked, never listed")."""

import pytest
from sqlalchemy import func, or_, select
from test_mediation import form, signed_in
from test_mediation import people as people  # noqa: F401 (a fixture)
from test_safe_contact import walk_every_transition
from test_track_proof import deployed as deployed  # noqa: F401 (a fixture)

from portal.core.models import OutboxMessage
from portal.extensions import db
from portal.mediation.models import MediationCase


def no_text_without_a_recipient(request_obj, reached) -> None:
    attempted = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.request_id == request_obj.id,
            or_(OutboxMessage.recipient.is_(None), OutboxMessage.recipient == ""),
        )
    )
    assert attempted == 0, f"a text to nobody after {sorted(reached)}"


@pytest.mark.parametrize("code", ["LA", "MD", "CB"])
def test_no_transition_of_a_request_without_a_mobile_attempts_a_text(app, request, code):
    """Catches: a notice, reminder or staff message queued to an empty number (or failing
    the transition) when the request has no mobile."""

    def prepare(request_obj):
        request_obj.applicant_mobile = None
        request_obj.mobile_proven = False

    walk_every_transition(request, code, prepare, no_text_without_a_recipient)


def test_staff_register_a_dispute_for_someone_without_a_mobile(client, people, make_client):  # noqa: F811
    """Catches: the staff form still requiring a mobile, a blank number stored as "" (texts
    then queued to nobody), and a typed-by-staff number marked proven."""
    coordinator = signed_in(make_client, "mediation")
    answers = {**form(people), "channel": "counter", "mobile": ""}
    page = coordinator.get("/staff/mediation/register").get_data(as_text=True)
    assert 'id="safe-contact"' not in page  # staff forms do not offer it: the applicant is there
    response = coordinator.submit("/staff/mediation/register", answers)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    case = db.session.scalar(select(MediationCase))
    assert case.applicant_mobile is None and case.mobile_proven is False
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.recipient.is_(None) | (OutboxMessage.recipient == ""))
        )
        == 0
    )
    typed = {**form(people), "channel": "counter", "mobile": "13900000077", "applicant_name": "冯桂芝"}
    assert coordinator.submit("/staff/mediation/register", typed).status_code == 303
    assert (
        db.session.scalar(select(MediationCase.mobile_proven).where(MediationCase.applicant_name == "冯桂芝"))
        is False
    )


def test_tracking_says_how_to_reach_the_office_without_a_mobile(deployed):  # noqa: F811
    html = deployed.test_client().get("/track").get_data(as_text=True)
    assert 'id="no-mobile"' in html and deployed.config["LEGAL_AID_CENTRE_PHONE"] in html
