"""The pledge history (Art. 41, Hunan's rule): aid ended for deception or concealed facts
(Art. 48(一)-(二)) is recorded against the person; the officer sees it on every later
application of theirs, and the public pages never reveal it."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.legal_aid.models import DeceptionRecord, LegalAidApplication
from portal.legal_aid.services import record_against_person

from support import VALID_ID, application_form

OTHER_ID = "440524188001010014"  # SPEC §8


@pytest.fixture
def officer(make_client, make_staff):
    make_staff("officer", "legal_aid_officer")
    browser = make_client()
    browser.get("/language/en")
    browser.sign_in("officer")
    return browser


def ended_for_deception(make_application, id_number: str, ground: str = "deception") -> LegalAidApplication:
    """An earlier application whose aid was ended on Art. 48(一) or (二) (as the termination records it)."""
    earlier = make_application(id_number=id_number)
    record_against_person(earlier, ground)
    db.session.commit()
    return earlier


def apply(client, **overrides) -> str:
    client.get("/language/en")
    response = client.submit("/legal-aid/apply", application_form(**overrides))
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[1]


def test_the_officer_sees_that_the_pledge_cannot_be_relied_on(client, officer, make_application):
    earlier = ended_for_deception(make_application, VALID_ID)
    reference = apply(client)
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert 'id="pledge-history"' in page
    assert "The pledge cannot be relied on" in page
    assert earlier.reference in page and "(Art. 48(1))" in page
    # The applicant's own pages never say it (anyone may type someone's ID number).
    assert "pledge-history" not in client.get(f"/legal-aid/applied/{reference}").get_data(as_text=True)


def test_the_history_follows_the_person_applied_for(client, officer, make_application):
    ended_for_deception(make_application, OTHER_ID, ground="concealment")
    reference = apply(
        client,
        applying_for="relative",
        relation="parent",
        represented_name="郑某",
        represented_id_number=OTHER_ID,
    )
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert 'id="pledge-history"' in page and "(Art. 48(2))" in page


def test_a_person_without_history_shows_none(client, officer, make_application):
    ended_for_deception(make_application, OTHER_ID)
    reference = apply(client)
    assert 'id="pledge-history"' not in officer.get(f"/staff/requests/{reference}").get_data(as_text=True)


def test_only_the_two_grounds_are_recorded_against_the_person(make_application):
    application = make_application()
    with pytest.raises(ValueError, match="not a ground"):
        record_against_person(application, "finances_changed")  # Art. 48(四) is not held against anyone
    record_against_person(application, "deception")
    db.session.commit()
    assert db.session.scalar(select(DeceptionRecord.id_number)) == VALID_ID
