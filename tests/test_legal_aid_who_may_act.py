"""Who may act in a legal aid case, per matter (portal.legal_aid.assignment), over HTTP:
lawyers in every criminal proceeding, grassroots workers in civil and administrative
matters, academic and student volunteers never as representatives (Art. 17), Art. 26 from
criminal practice, lawyers familiar with minors first (review rows A12-A14 of issue #32)."""

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.accounts.profiles import save_profile, years_ago
from portal.core.clock import local_today
from portal.core.models import ServiceRequest
from portal.core.services import claim, perform
from portal.core.workflow import GuardFailed
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication


@pytest.fixture
def people(make_staff):
    officer = make_staff("officer", "legal_aid_officer", name="张敏")
    made = {"officer": officer}
    for username, name, kind, since, criminal_since, minors in (
        ("a_lawyer", "A律师", "lawyer", date(2008, 1, 1), years_ago(1), False),
        ("b_lawyer", "B律师", "lawyer", years_ago(4), years_ago(4), False),
        ("c_lawyer", "C律师", "lawyer", years_ago(2), None, True),
        ("worker", "D基层", "grassroots", date(2005, 1, 1), None, False),
        ("student", "E学生", "volunteer", None, None, True),
    ):
        user = make_staff(username, "lawyer", name=name)
        save_profile(
            user,
            profession=kind,
            licence_number="1430120" + username if kind != "volunteer" else None,
            practising_since=since,
            criminal_practice_since=criminal_since,
            familiar_with_minors=minors,
            firm="某所",
        )
        made[username] = user
    db.session.commit()
    return made


def approved_case(make_application, people, **fields) -> str:
    application = make_application(**fields)
    claim(application, people["officer"])
    perform(application, "approve", user=people["officer"], data={})
    db.session.commit()
    return application.reference


def offered(client, reference) -> list[str]:
    page = client.get(f"/staff/requests/{reference}").get_data(as_text=True)
    picker = re.search(r'name="assign_lawyer-lawyer".*?</select>', page, re.S)
    assert picker, "no picker on the page"
    return re.findall(r">([^<（]+?)（", picker.group(0))


def act(client, reference, action, data):
    page = f"/staff/requests/{reference}"
    return client.submit(page, data, action=f"{page}/actions/{action}")


def reload(reference) -> LegalAidApplication:
    db.session.expire_all()
    return db.session.scalar(select(LegalAidApplication).where(ServiceRequest.reference == reference))


@pytest.mark.parametrize("matter", ["criminal_victim", "private_prosecution", "criminal_civil_claim"])
def test_a_criminal_proceeding_offers_lawyers_only(make_client, make_application, people, matter):
    """A12. Mutant caught: lawyers_only() true for criminal defence alone (the old rule):
    the grassroots worker is offered on a victim's case, and assigning them succeeds."""
    officer = make_client()
    officer.sign_in("officer")
    reference = approved_case(make_application, people, matter_type=matter, stage="criminal_trial")
    assert offered(officer, reference) == ["A律师", "B律师", "C律师"]  # by name, no one else
    for outsider in ("worker", "student"):
        refused = act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(people[outsider].id)})
        assert refused.status_code in (400, 409)
        assert reload(reference).lawyer_id is None


def test_a_civil_matter_offers_grassroots_workers_but_never_a_student_volunteer(
    make_client, make_application, people
):
    """A12 (Art. 17): volunteers give consultations and documents only. Mutant caught:
    professions_allowed() letting volunteers represent (the student offered and assigned)."""
    officer = make_client()
    officer.sign_in("officer")
    reference = approved_case(make_application, people)  # unpaid wages, arbitration
    assert set(offered(officer, reference)) == {"A律师", "B律师", "C律师", "D基层"}
    refused = act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(people["student"].id)})
    assert refused.status_code in (400, 409) and reload(reference).lawyer_id is None
    with pytest.raises(GuardFailed, match="Art. 17|第十七条"):  # the service refuses too
        perform(
            reload(reference), "assign_lawyer", user=people["officer"], data={"lawyer": people["student"].id}
        )
    db.session.rollback()
    assigned = act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(people["worker"].id)})
    assert assigned.status_code == 303 and reload(reference).lawyer_id == people["worker"].id
    letter = officer.get(f"/legal-aid/letters/{reference}/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.data)).pages)
    assert "D基层" in text and "代理人" in text and "第四十三条" in text


def test_art_26_counts_criminal_practice_not_years_since_licensing(make_client, make_application, people):
    """A13. A is licensed since 2008 but has one year of criminal practice; B four. Mutant
    caught: _experienced() reading practising_since (A offered)."""
    officer = make_client()
    officer.sign_in("officer")
    reference = approved_case(
        make_application,
        people,
        matter_type="criminal_defence",
        stage="criminal_trial",
        serious_sentence=True,
    )
    assert offered(officer, reference) == ["B律师"]
    refused = act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(people["a_lawyer"].id)})
    assert refused.status_code in (400, 409) and "刑事" in refused.get_data(as_text=True)
    letter_ok = act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(people["b_lawyer"].id)})
    assert letter_ok.status_code == 303
    letter = officer.get(f"/legal-aid/letters/{reference}").get_data(as_text=True)
    assert "辩护人" in letter


def test_a_minor_gets_lawyers_familiar_with_minors_first(make_client, make_application, people):
    """A14 (未成年人保护法 Art. 104): C, marked familiar with minors, comes first for a child
    and in name order for an adult. Mutant caught: the sort for minors removed."""
    officer = make_client()
    officer.sign_in("officer")
    child_birth = local_today() - timedelta(days=15 * 365)
    minor = approved_case(
        make_application,
        people,
        matter_type="criminal_victim",
        stage="criminal_trial",
        applicant_role="guardian",
        for_relative=True,
        represented_name="小周",
        represented_id_number=_resident_id(child_birth),
    )
    adult = approved_case(make_application, people, matter_type="criminal_victim", stage="criminal_trial")
    assert offered(officer, adult) == ["A律师", "B律师", "C律师"]  # by name
    assert offered(officer, minor) == ["C律师", "A律师", "B律师"]  # familiar with minors first


def _resident_id(birth: date) -> str:
    body = f"430121{birth:%Y%m%d}123"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
