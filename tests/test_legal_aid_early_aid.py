"""Art. 44 early aid and the closing date (issue #33): early aid also while materials are
awaited, the Art. 44(三) ground, a deadline less than 7 days away; a case cannot end
before the application was received. Over HTTP."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.profiles import save_profile
from portal.core.clock import local_today, utcnow
from portal.core.models import ServiceRequest
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

from support import application_form


@pytest.fixture
def officer(make_client, make_staff):
    make_staff("officer", "legal_aid_officer", name="张敏")
    lawyer = make_staff("lawyer", "lawyer", name="陈律师")
    save_profile(lawyer, profession="lawyer", practising_since=date(2010, 1, 1), firm="星城律师事务所")
    db.session.commit()
    client = make_client()
    client.get("/language/en")
    client.sign_in("officer")
    client.lawyer_id = lawyer.id
    return client


def reload(reference) -> LegalAidApplication:
    db.session.expire_all()
    return db.session.scalar(select(LegalAidApplication).where(ServiceRequest.reference == reference))


def act(client, reference, action, data=None):
    page = f"/staff/requests/{reference}"
    return client.submit(page, data or {}, action=f"{page}/actions/{action}")


def under_review(applicant, officer) -> str:
    response = applicant.submit("/legal-aid/apply", application_form())
    reference = response.headers["Location"].rsplit("/", 1)[1]
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    return reference


def early(officer, action, ground, expires=None):
    data = {f"{action}-lawyer": str(officer.lawyer_id), f"{action}-ground": ground}
    if expires is not None:
        data[f"{action}-expires_on"] = expires.isoformat()
    return data


def test_early_aid_while_the_materials_are_awaited_on_the_art_44_3_ground(client, officer):
    """Mutant caught: no early-aid transition from needs_materials (409), or the ground
    missing from EARLY_AID_GROUNDS (400)."""
    reference = under_review(client, officer)
    assert (
        act(
            officer, reference, "request_materials", {"request_materials-items": ["income_proof"]}
        ).status_code
        == 303
    )
    started = act(
        officer, reference, "early_aid_waiting", early(officer, "early_aid_waiting", "other_by_law")
    )
    assert started.status_code == 303, started.get_data(as_text=True)[:2000]
    application = reload(reference)
    assert application.status == "needs_materials" and application.early_aid_ground == "other_by_law"
    assert application.lawyer_id == officer.lawyer_id and application.early_aid_at is not None


def test_a_deadline_for_early_aid_is_less_than_7_days_away(client, officer):
    """Mutant caught: the 7-day check removed (a deadline 10 days away accepted)."""
    reference = under_review(client, officer)
    far = act(
        officer,
        reference,
        "early_aid",
        early(officer, "early_aid", "deadline", local_today() + timedelta(days=10)),
    )
    assert far.status_code == 400 and "less than 7 days" in far.get_data(as_text=True)
    assert reload(reference).early_aid_at is None
    near = act(
        officer,
        reference,
        "early_aid",
        early(officer, "early_aid", "deadline", local_today() + timedelta(days=6)),
    )
    assert near.status_code == 303 and reload(reference).early_aid_until == local_today() + timedelta(days=6)


def test_a_case_cannot_end_before_the_application_was_received(client, officer, make_client):
    """Mutant caught: ClosingReportForm not checking the received date."""
    reference = under_review(client, officer)
    act(officer, reference, "approve")
    act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(officer.lawyer_id)})
    application = reload(reference)
    application.created_at = utcnow() - timedelta(days=10)
    db.session.commit()
    report = {"submit_closing-outcome": "judgment", "submit_closing-summary": "判决支持"}
    too_early = act(
        officer,
        reference,
        "submit_closing",
        report | {"submit_closing-ended_on": (local_today() - timedelta(days=20)).isoformat()},
    )
    assert too_early.status_code == 400 and "before the application was received" in too_early.get_data(
        as_text=True
    )
    fine = act(
        officer,
        reference,
        "submit_closing",
        report | {"submit_closing-ended_on": (local_today() - timedelta(days=2)).isoformat()},
    )
    assert fine.status_code == 303 and reload(reference).status == "closing"
