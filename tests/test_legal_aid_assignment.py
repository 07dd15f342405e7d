"""Notices (通知辩护), who may be assigned (Arts. 12, 26), the assignment letter, change of
person and closing, through HTTP."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.accounts.profiles import save_profile
from portal.core.clock import local_end_of_day, local_midnight, local_today
from portal.core.deadlines import due_after
from portal.core.models import ServiceRequest
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

from support import VALID_ID


@pytest.fixture
def staff(make_staff):
    officer = make_staff("officer", "legal_aid_officer", name="张敏")
    senior = make_staff("senior", "lawyer", name="陈资深")
    junior = make_staff("junior", "lawyer", name="刘新人")
    worker = make_staff("worker", "lawyer", name="周基层")
    save_profile(
        senior,
        profession="lawyer",
        licence_number="14301200910000001",
        practising_since=date(2010, 3, 1),
        criminal_practice_since=date(2011, 5, 1),
        firm="湖南星城律师事务所",
        work_phone="0731-84000001",
    )
    save_profile(
        junior, profession="lawyer", practising_since=local_today() - timedelta(days=400), firm="新锐律所"
    )
    save_profile(worker, profession="grassroots", practising_since=date(2005, 1, 1), firm="星沙法律服务所")
    db.session.commit()
    return {"officer": officer, "senior": senior, "junior": junior, "worker": worker}


def reload(reference) -> LegalAidApplication:
    db.session.expire_all()
    return db.session.scalar(select(LegalAidApplication).where(ServiceRequest.reference == reference))


def act(client, reference, action, data=None, **kwargs):
    page = f"/staff/requests/{reference}"
    return client.submit(page, data or {}, action=f"{page}/actions/{action}", **kwargs)


def notice_form(received: date, serious: bool = False) -> dict:
    form = {
        "authority": "长沙县公安局",
        "case_number": "长县公刑字〔2026〕101号",
        "document_date": received.isoformat(),
        "ground": "ordinary_trial",
        "charge": "故意伤害罪",
        "stage": "investigation",
        "custody": "detained",
        "detention_place": "长沙县看守所",
        "received_on": received.isoformat(),
        "person_name": "赵某",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "contact_mobile": "13900000022",
        "township_id": "1",
        "facts": "犯罪嫌疑人未委托辩护人",
        "authority_mobile": "13900000033",
    }
    if serious:
        form["serious_sentence"] = "y"
    return form


PDF = b"%PDF-1.4\n%%EOF\n"


def register(client, received: date, serious: bool = False) -> str:
    from portal.core.models import Township

    form = notice_form(received, serious)
    form["township_id"] = str(db.session.scalars(select(Township.id)).first())
    form["attachments"] = [(io.BytesIO(PDF), "通知辩护书.pdf")]
    response = client.submit("/staff/legal-aid/notices/new", form, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def test_a_notice_enters_approved_with_the_3_day_clock_from_receipt(make_client, staff):
    officer = make_client()
    officer.sign_in("officer")
    received = local_today() - timedelta(days=7)
    reference = register(officer, received)
    application = reload(reference)
    assert application.status == "approved"
    assert application.handler_id == staff["officer"].id
    assert application.pledge_accepted_at is None and application.household_size is None  # no means test
    # 3 days from the day received (not from registration); a detained person's are never
    # extended by a holiday (Art. 105).
    assert application.due_at == due_after(local_midnight(received), 3, "calendar", custody=True)
    assert (
        local_end_of_day(received + timedelta(days=3)) <= application.due_at < local_end_of_day(local_today())
    )
    assert [p.name for p in application.parties] == ["长沙县公安局"]
    assert [(a.purpose, a.original_name) for a in application.attachments] == [("notice", "通知辩护书.pdf")]

    # Criminal defence: lawyers only (the grassroots worker is not offered, and refused).
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "陈资深" in page and "刘新人" in page and "周基层" not in page
    refused = act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(staff["worker"].id)})
    assert refused.status_code in (400, 409) and reload(reference).lawyer_id is None


def test_a_notice_in_the_future_is_refused_with_a_message(make_client, staff):
    officer = make_client()
    officer.sign_in("officer")
    response = officer.submit("/staff/legal-aid/notices/new", notice_form(local_today() + timedelta(days=2)))
    assert response.status_code == 400
    assert "field-error" in response.get_data(as_text=True)


def test_an_art_26_case_refuses_a_junior_lawyer_and_the_letter_names_the_senior(make_client, staff, client):
    officer = make_client()
    officer.sign_in("officer")
    reference = register(officer, local_today(), serious=True)
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "陈资深" in page and "刘新人" not in page

    refused = act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(staff["junior"].id)})
    assert refused.status_code in (400, 409)
    assert reload(reference).lawyer_id is None

    assert (
        act(
            officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(staff["senior"].id)}
        ).status_code
        == 303
    )
    assert reload(reference).status == "assigned"

    pdf = officer.get(f"/legal-aid/letters/{reference}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in ("陈资深", "湖南星城律师事务所", "0731-84000001", "长沙县公安局", reference):
        assert expected in text
    assert client.get(f"/legal-aid/letters/{reference}").status_code == 404  # a stranger


def test_change_of_person_and_closing_sent_back_then_closed(client, make_client, staff):
    officer = make_client()
    officer.sign_in("officer")
    reference = register(officer, local_today() - timedelta(days=45))  # the case may end since
    assert (
        act(
            officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(staff["junior"].id)}
        ).status_code
        == 303
    )

    # The recipient (through a relative's mobile) sees the lawyer's firm and asks for another person.
    tracked = client.submit("/track", {"reference": reference, "mobile": "13900000022"})
    assert tracked.status_code == 302
    tracking = client.get(f"/track/{reference}").get_data(as_text=True)
    assert "刘新人" in tracking and "新锐律所" in tracking
    version = reload(reference).version
    asked = client.submit(
        f"/track/{reference}",
        {"ask_change-comment": "律师未及时会见", "ask_change-version": str(version)},
        action=f"/track/{reference}/actions/ask_change",
    )
    assert asked.status_code == 303
    assert reload(reference).change_reasons == "律师未及时会见"

    # The officer grants it by assigning another lawyer.
    assert (
        act(
            officer, reference, "change_lawyer", {"change_lawyer-lawyer": str(staff["senior"].id)}
        ).status_code
        == 303
    )
    application = reload(reference)
    assert application.lawyer_id == staff["senior"].id and application.change_requested_at is None
    # Nothing pending now: a refusal of the change is not possible.
    assert act(officer, reference, "refuse_change", {"refuse_change-reasons": "x"}).status_code == 409

    lawyer = make_client()
    lawyer.sign_in("senior")
    missing = act(lawyer, reference, "submit_closing", {"submit_closing-summary": "结案"})
    assert missing.status_code == 400 and reload(reference).status == "assigned"
    ended = (local_today() - timedelta(days=1)).isoformat()
    report = {
        "submit_closing-outcome": "charges_dropped",
        "submit_closing-ended_on": ended,
        "submit_closing-summary": "检察院决定不起诉",
    }
    assert act(lawyer, reference, "submit_closing", report).status_code == 303
    assert reload(reference).status == "closing"

    assert (
        act(officer, reference, "return_closing", {"return_closing-reasons": "缺少不起诉决定书"}).status_code
        == 303
    )
    application = reload(reference)
    assert application.status == "assigned" and application.closing_returned_reason == "缺少不起诉决定书"

    late = report | {
        "submit_closing-ended_on": (local_today() - timedelta(days=40)).isoformat(),
        "submit_closing-attachments": [(io.BytesIO(PDF), "不起诉决定书.pdf")],
    }
    assert (
        act(lawyer, reference, "submit_closing", late, content_type="multipart/form-data").status_code == 303
    )
    assert ("closing", "不起诉决定书.pdf") in [
        (a.purpose, a.original_name) for a in reload(reference).attachments
    ]
    detail = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "30" in detail and ("submitted more than" in detail or "超过案件办结后" in detail)
    assert (
        act(officer, reference, "close", {"close-subsidy": "1200", "close-quality": "good"}).status_code
        == 303
    )
    application = reload(reference)
    assert application.status == "closed" and application.closing_outcome == "charges_dropped"


def test_the_service_itself_refuses_an_ineligible_person(make_client, staff):
    """Not only the picker: a direct service call with a junior lawyer on an Art. 26 case fails."""
    from portal.core.services import perform
    from portal.core.workflow import GuardFailed

    officer = make_client()
    officer.sign_in("officer")
    reference = register(officer, local_today(), serious=True)
    application = reload(reference)
    with pytest.raises(GuardFailed, match="Art. 26|第二十六条"):
        perform(application, "assign_lawyer", user=staff["officer"], data={"lawyer": staff["junior"].id})
    db.session.rollback()
    application = reload(reference)
    with pytest.raises(GuardFailed):
        perform(application, "assign_lawyer", user=staff["officer"], data={"lawyer": staff["worker"].id})
    db.session.rollback()
    assert reload(reference).lawyer_id is None


def test_the_picker_counts_each_persons_open_cases_up_to_a_cap(make_client, staff, monkeypatch):
    import re

    from portal.core.registry import kind_for_code
    from portal.legal_aid import action_forms, assignment

    officer = make_client()
    officer.set_cookie("lang", "en")
    officer.sign_in("officer")
    reference = register(officer, local_today() - timedelta(days=1))
    kind = kind_for_code("LA")
    for lawyer, status in (
        ("senior", "assigned"),
        ("senior", "assigned"),
        ("senior", "closed"),
        ("junior", "assigned"),
    ):
        case = kind.make_sample()
        case.status, case.is_open, case.lawyer_id = (
            status,
            kind.workflow.state(status).is_open,
            staff[lawyer].id,
        )
        db.session.commit()

    def offered() -> dict:
        page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
        return dict(re.findall(r">(陈资深|刘新人) \([^)]*\): (\S+) open cases<", page))

    assert offered() == {"陈资深": "2", "刘新人": "1"}  # the closed case is not counted
    for module in (assignment, action_forms):
        monkeypatch.setattr(module, "OPEN_CASES_COUNTED_UP_TO", 1)
    assert offered() == {"陈资深": "1+", "刘新人": "1"}
