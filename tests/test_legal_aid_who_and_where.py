"""Who applies for whom (Arts. 39-40) and where (Art. 38), over HTTP."""

import re

import pytest
from sqlalchemy import func, select

from portal.core.identity import id_check_char
from portal.core.models import ServiceRequest
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

from support import application_form

CHILD_ID = "43012120150101123" + id_check_char("43012120150101123")  # born 1 January 2015
ADULT_ID = "11010519491231002X"  # SPEC §8


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def apply(client, **overrides):
    return client.submit("/legal-aid/apply", application_form(**overrides))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceRequest))


def errors(response) -> set[str]:
    return set(re.findall(r'id="(\w+)-error"', response.get_data(as_text=True)))


def officer_view(make_client, make_staff, reference: str) -> str:
    make_staff("officer", "legal_aid_officer")
    officer = make_client()
    officer.get("/language/en")
    officer.sign_in("officer")
    return officer.get(f"/staff/requests/{reference}").get_data(as_text=True)


def test_a_parent_applies_for_a_child_without_capacity(client, make_client, make_staff):
    response = apply(
        client,
        applying_for="guardian",
        relation="parent",
        guardian_basis="by_law",
        represented_name="周小明",
        represented_id_number=CHILD_ID,
        matter_type="personal_injury",
        means_waiver="no_income_vulnerable",
        household_size="",
        monthly_income="",
    )
    assert response.status_code == 303, errors(response)
    application = db.session.scalar(select(LegalAidApplication))
    assert (application.applicant_role, application.authority, application.relation) == (
        "guardian",
        "guardian_by_law",
        "parent",
    )
    assert application.for_relative and application.represented_id_number == CHILD_ID
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Guardian by law" in confirmation and "Proof that you are their guardian" in confirmation
    page = officer_view(make_client, make_staff, application.reference)
    assert "Authority to apply" in page and "Guardian by law" in page and "under 18" in page


def test_an_appointed_guardian_applies_for_an_adult_without_full_capacity(client, make_client, make_staff):
    response = apply(
        client,
        applying_for="guardian",
        relation="not_related",
        guardian_basis="appointed",
        represented_name="吴秀英",
        represented_id_number=ADULT_ID,
    )
    assert response.status_code == 303, errors(response)
    application = db.session.scalar(select(LegalAidApplication))
    assert application.authority == "guardian_appointed"
    page = officer_view(make_client, make_staff, application.reference)
    assert "adult: proof that they lack full legal capacity is needed" in page


def test_a_guardian_says_how_they_became_one(client):
    response = apply(
        client,
        applying_for="guardian",
        relation="parent",
        represented_name="周小明",
        represented_id_number=CHILD_ID,
    )
    assert response.status_code == 400 and "guardian_basis" in errors(response)
    assert count() == 0


def test_an_agent_needs_the_written_authorisation_and_an_adult_principal(client):
    unsigned = apply(client, applying_for="agent", represented_name="吴秀英", represented_id_number=ADULT_ID)
    assert unsigned.status_code == 400 and "agent_authorised" in errors(unsigned)
    child = apply(
        client,
        applying_for="agent",
        agent_authorised="y",
        represented_name="周小明",
        represented_id_number=CHILD_ID,
    )
    assert child.status_code == 400 and "represented_id_number" in errors(child)
    assert "parent or guardian applies" in child.get_data(as_text=True)
    assert count() == 0
    signed = apply(
        client,
        applying_for="agent",
        agent_authorised="y",
        represented_name="吴秀英",
        represented_id_number=ADULT_ID,
    )
    assert signed.status_code == 303
    application = db.session.scalar(select(LegalAidApplication))
    assert (application.applicant_role, application.authority) == ("agent", "written_authorisation")
    confirmation = client.get(signed.headers["Location"]).get_data(as_text=True)
    assert "Signed authorisation of the person you apply for" in confirmation


def test_a_close_relative_must_be_related(client):
    response = apply(
        client,
        applying_for="relative",
        relation="not_related",
        represented_name="吴秀英",
        represented_id_number=ADULT_ID,
    )
    assert response.status_code == 400 and "relation" in errors(response)
    ok = apply(
        client,
        applying_for="relative",
        relation="parent",
        represented_name="吴秀英",
        represented_id_number=ADULT_ID,
    )
    assert ok.status_code == 303
    assert db.session.scalar(select(LegalAidApplication.authority)) == "close_relative"


def test_the_person_applied_for_needs_a_valid_id_of_someone_else(client):
    own = apply(
        client,
        applying_for="relative",
        relation="parent",
        represented_name="周建国",
        represented_id_number="430121199001011237",
    )
    assert own.status_code == 400 and "Myself" in own.get_data(as_text=True)
    bad = apply(
        client,
        applying_for="relative",
        relation="parent",
        represented_name="吴秀英",
        represented_id_number="99010519491231002X",
    )
    assert bad.status_code == 400
    assert "The first two digits are not a province code" in bad.get_data(as_text=True)
    assert count() == 0


def test_applying_for_oneself_ignores_the_other_persons_fields(client):
    response = apply(client, relation="parent", represented_name="someone", represented_id_number="junk")
    assert response.status_code == 303
    application = db.session.scalar(select(LegalAidApplication))
    assert (application.for_relative, application.relation, application.represented_name) == (
        False,
        None,
        None,
    )


def test_the_authority_handling_the_case_is_recorded(client):
    response = apply(
        client,
        matter_type="criminal_defence",
        stage="prosecution_review",
        handling_authority="procuratorate",
        household_size="",
        monthly_income="",
    )
    assert response.status_code == 303
    assert db.session.scalar(select(LegalAidApplication.handling_authority)) == "procuratorate"
    assert "A procuratorate" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_case_handled_in_another_county_is_sent_to_that_centre(client, app):
    nameless = apply(client, case_place="elsewhere")
    assert nameless.status_code == 400 and "case_place_name" in errors(nameless)
    response = apply(client, case_place="elsewhere", case_place_name="浏阳市")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    message = re.search(r'id="case_place-error">(.*?)</p>', page, re.S).group(1)
    assert "浏阳市" in message and "Art. 38" in message and "12348" in message
    assert count() == 0
    # With the centre's contact in the settings, the message gives it.
    app.config["LEGAL_AID_OTHER_CENTRES"] = {"浏阳": "浏阳市法律援助中心，浏阳市集里街道（演示）"}
    page = apply(client, case_place="elsewhere", case_place_name="湖南省浏阳市").get_data(as_text=True)
    assert "浏阳市法律援助中心" in page
    assert count() == 0
