"""Decisions cite the articles of their own case (issue #33): a civil approval Arts. 31, 34
and 43; a criminal defence Art. 24 with no hardship article; a waiver Art. 42; a
termination its own item of Art. 48. Read from the pages and a PDF, over HTTP."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from portal.accounts.profiles import save_profile
from portal.extensions import db

from support import application_form


@pytest.fixture
def officer(make_client, make_staff):
    make_staff("officer", "legal_aid_officer", name="张敏")
    lawyer = make_staff("lawyer", "lawyer", name="陈律师")
    save_profile(lawyer, profession="lawyer", practising_since=date(2010, 1, 1), firm="星城律师事务所")
    db.session.commit()
    client = make_client()
    client.sign_in("officer")
    client.lawyer_id = lawyer.id
    return client


def act(client, reference, action, data=None):
    page = f"/staff/requests/{reference}"
    return client.submit(page, data or {}, action=f"{page}/actions/{action}")


def approved(applicant, officer, **answers) -> str:
    response = applicant.submit("/legal-aid/apply", application_form(**answers))
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    reference = response.headers["Location"].rsplit("/", 1)[1]
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    assert act(officer, reference, "approve").status_code == 303
    return reference


def basis(client, reference, which) -> str:
    page = client.get(f"/legal-aid/decisions/{reference}/{which}").get_data(as_text=True)
    start = page.index("《中华人民共和国法律援助法》")
    return page[start : page.index("<", start)]


def test_each_decision_cites_the_articles_of_its_case(client, officer):
    """Mutant caught: the old fixed "Arts. 31, 34, 41 and 43" (or any one list for all cases)."""
    civil = approved(client, officer)
    assert (
        basis(officer, civil, "approval") == "《中华人民共和国法律援助法》第三十一条、第三十四条、第四十三条"
    )
    defence = approved(
        client,
        officer,
        matter_type="criminal_defence",
        stage="prosecution_review",
        handling_authority="procuratorate",
        household_size="",
        monthly_income="",
    )
    assert basis(officer, defence, "approval") == "《中华人民共和国法律援助法》第二十四条、第四十三条"
    waived = approved(client, officer, means_waiver="migrant_worker", household_size="", monthly_income="")
    assert (
        basis(officer, waived, "approval") == "《中华人民共和国法律援助法》第三十一条、第四十二条、第四十三条"
    )
    act(officer, civil, "assign_lawyer", {"assign_lawyer-lawyer": str(officer.lawyer_id)})
    act(officer, civil, "terminate", {"terminate-ground": "proceedings_ended", "terminate-reasons": "撤诉"})
    assert basis(officer, civil, "termination") == "《中华人民共和国法律援助法》第四十八条第一款第五项"
    pdf = officer.get(f"/legal-aid/decisions/{defence}/approval/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "第二十四条" in text and "第三十四条" not in text


def test_articles_in_english_too(client, officer):
    officer.get("/language/en")
    reference = approved(client, officer)
    page = officer.get(f"/legal-aid/decisions/{reference}/approval").get_data(as_text=True)
    assert "Legal Aid Law of the People&#39;s Republic of China, Arts. 31, 34 and 43" in page or (
        "Legal Aid Law of the People's Republic of China, Arts. 31, 34 and 43" in page
    )
