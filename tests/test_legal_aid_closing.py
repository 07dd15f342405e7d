"""Closing a legal aid case (issue #33): the end date is not before the application
reached the centre; the officer records the subsidy paid (Art. 52) and the quality
review (Art. 59) when closing, shown on the staff page. Over HTTP."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.accounts.profiles import save_profile
from portal.core.clock import local_today
from portal.core.models import ServiceRequest
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

from support import application_form


@pytest.fixture
def people(make_client, make_staff):
    make_staff("officer", "legal_aid_officer", name="张敏")
    lawyer_user = make_staff("lawyer", "lawyer", name="陈律师")
    save_profile(lawyer_user, profession="lawyer", practising_since=date(2010, 1, 1))
    db.session.commit()
    officer, lawyer = make_client(), make_client()
    officer.sign_in("officer")
    lawyer.sign_in("lawyer")
    return officer, lawyer, lawyer_user.id


def act(client, reference, action, data=None):
    page = f"/staff/requests/{reference}"
    return client.submit(page, data or {}, action=f"{page}/actions/{action}")


def reload(reference) -> LegalAidApplication:
    db.session.expire_all()
    return db.session.scalar(select(LegalAidApplication).where(ServiceRequest.reference == reference))


def reported(applicant, people) -> str:
    officer, lawyer, lawyer_id = people
    response = applicant.submit("/legal-aid/apply", application_form())
    reference = response.headers["Location"].rsplit("/", 1)[1]
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    assert act(officer, reference, "approve").status_code == 303
    assert (
        act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(lawyer_id)}).status_code == 303
    )
    early = act(
        lawyer,
        reference,
        "submit_closing",
        {
            "submit_closing-outcome": "mediated",
            "submit_closing-ended_on": (local_today() - timedelta(days=3)).isoformat(),
            "submit_closing-summary": "调解结案",
        },
    )
    assert early.status_code == 400  # before the application was received (today)
    done = act(
        lawyer,
        reference,
        "submit_closing",
        {
            "submit_closing-outcome": "mediated",
            "submit_closing-ended_on": local_today().isoformat(),
            "submit_closing-summary": "调解结案",
        },
    )
    assert done.status_code == 303
    return reference


def test_closing_records_the_subsidy_and_the_quality_review(client, people):
    """Mutants caught: the close action without its form (nothing recorded), the quality
    review not required, the subsidy not stored."""
    officer = people[0]
    reference = reported(client, people)
    missing = act(officer, reference, "close", {"close-subsidy": "1200"})
    assert missing.status_code == 400 and reload(reference).status == "closing"
    negative = act(officer, reference, "close", {"close-subsidy": "-5", "close-quality": "good"})
    assert negative.status_code == 400
    closed = act(
        officer,
        reference,
        "close",
        {
            "close-subsidy": "1200.50",
            "close-quality": "excellent",
            "close-quality_note": "旁听庭审，回访受援人",
        },
    )
    assert closed.status_code == 303
    application = reload(reference)
    assert application.status == "closed"
    assert (application.subsidy_amount, application.quality_grade) == (Decimal("1200.50"), "excellent")
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    review = page[page.index('id="closing-review"') :]
    assert "1200.50" in review[:400] and "旁听庭审" in review[:600]
