"""Legal aid decisions and remedies over HTTP (issue 13, SPEC §3, Arts. 43-44, 48-49): the
one-time materials request with its paused clock, counter hand-in, early aid, decisions in
writing (read back from the PDFs), termination on each Art. 48 ground, and objections."""

import io
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from portal.core.clock import to_local, utcnow
from portal.core.deadlines import due_after
from portal.core.models import AuditEvent, InboxMessage, ServiceRequest
from portal.extensions import db
from portal.legal_aid.models import DeceptionRecord, LegalAidApplication
from portal.legal_aid.services import TERMINATION_GROUNDS

from support import application_form

PDF = b"%PDF-1.4\n%%EOF\n"


def with_profile(user):
    """A lawyer's legal-service profile: only legal aid personnel may be assigned (Art. 12)."""
    from portal.accounts.profiles import save_profile

    save_profile(user, profession="lawyer", practising_since=date(2010, 1, 1), firm="星城律师事务所")
    db.session.commit()
    return user


@pytest.fixture
def staff(make_staff):
    return {
        "officer": make_staff("officer", "legal_aid_officer", name="张敏"),
        "reviewer": make_staff("reviewer", "bureau_reviewer", name="赵科长"),
        "lawyer": with_profile(make_staff("lawyer", "lawyer", name="陈律师")),
    }


@pytest.fixture
def applicant(client):
    client.get("/language/en")  # messages in English: independent of the catalog
    return client


@pytest.fixture
def officer(make_client, staff):
    officer = make_client()
    officer.get("/language/en")
    officer.sign_in("officer")
    return officer


@pytest.fixture
def reviewer(make_client, staff):
    reviewer = make_client()
    reviewer.get("/language/en")
    reviewer.sign_in("reviewer")
    return reviewer


def applied(client) -> str:
    response = client.submit("/legal-aid/apply", application_form())
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return response.headers["Location"].rsplit("/", 1)[1]


def act(staff_client, reference, action, data=None):
    page = f"/staff/requests/{reference}"
    return staff_client.submit(page, data or {}, action=f"{page}/actions/{action}")


def applicant_act(client, reference, action, data, **kwargs):
    application = reload(reference)
    return client.submit(
        f"/track/{reference}",
        {f"{action}-version": str(application.version), **data},
        action=f"/track/{reference}/actions/{action}",
        **kwargs,
    )


def reload(reference) -> LegalAidApplication:
    db.session.expire_all()
    return db.session.scalar(select(LegalAidApplication).where(ServiceRequest.reference == reference))


def last_message() -> str:
    return db.session.scalars(select(InboxMessage).order_by(InboxMessage.id.desc())).first().body


def under_review(applicant, officer) -> str:
    reference = applied(applicant)
    assert (
        officer.submit(
            f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim"
        ).status_code
        == 303
    )
    assert reload(reference).status == "under_review"
    return reference


def refused(applicant, officer, reasons="家庭人均月收入超过经济困难标准") -> str:
    reference = under_review(applicant, officer)
    assert act(officer, reference, "refuse", {"refuse-reasons": reasons}).status_code == 303
    return reference


def assigned(applicant, officer, staff) -> str:
    reference = under_review(applicant, officer)
    assert act(officer, reference, "approve", {"approve-comment": "符合法律援助条件"}).status_code == 303
    assert (
        act(
            officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(staff["lawyer"].id)}
        ).status_code
        == 303
    )
    assert reload(reference).status == "assigned"
    return reference


def pdf_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


# --- Art. 43: one materials request, the clock paused and resumed ----------------------------


def test_one_materials_request_pauses_the_clock_and_resumes_it_with_the_days_left(app, applicant, officer):
    reference = under_review(applicant, officer)
    # Four of the seven days have gone: three are left when the officer asks for materials.
    application = reload(reference)
    application.created_at = utcnow() - timedelta(days=4)
    application.decision_due_at = due_after(application.created_at, 7)
    application.set_due(application.decision_due_at)
    db.session.commit()

    asked = act(
        officer,
        reference,
        "request_materials",
        {
            "request_materials-items": ["income_proof", "dispute_evidence"],
            "request_materials-other_items": "劳动合同照片",
        },
    )
    assert asked.status_code == 303
    application = reload(reference)
    assert application.status == "needs_materials"
    assert (
        application.decision_days_left == 3
        and application.decision_due_at is None
        and application.due_at is None
    )
    notice = last_message()
    assert "all at once" in notice and "劳动合同照片" in notice
    assert "treated as withdrawn" in notice and "3 days left" in notice

    # Everything missing is told at one time: a second request cannot be made (later either).
    page = applicant.get(f"/track/{reference}").get_data(as_text=True)
    assert "劳动合同照片" in page and "treated as withdrawn" in page
    answer = applicant_act(
        applicant,
        reference,
        "answer_materials",
        {
            "answer_materials-comment": "已补充",
            "answer_materials-attachments": [(io.BytesIO(PDF), "工资条.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    application = reload(reference)
    assert application.status == "under_review" and application.materials_received_via == "applicant"
    # Three days from now, not seven: the waiting time did not count.
    expected = to_local(due_after(utcnow(), 3)).date()
    assert to_local(application.decision_due_at).date() == expected
    assert to_local(application.decision_due_at).date() < to_local(due_after(utcnow(), 7)).date()
    assert application.due_at == application.decision_due_at

    again = act(officer, reference, "request_materials", {"request_materials-items": ["id_copy"]})
    assert again.status_code == 409
    assert "second request is not possible" in again.get_data(as_text=True)
    assert reload(reference).status == "under_review"
    assert [e.action for e in reload(reference).events].count("request_materials") == 1


def test_materials_handed_in_at_the_counter_are_recorded_by_the_officer(app, applicant, officer):
    reference = under_review(applicant, officer)
    act(officer, reference, "request_materials", {"request_materials-items": ["income_proof"]})
    # A description is needed.
    assert act(officer, reference, "record_materials", {}).status_code == 400
    assert reload(reference).status == "needs_materials"
    recorded = officer.submit(
        f"/staff/requests/{reference}",
        {
            "record_materials-comment": "申请人到窗口提交收入证明原件一份",
            "record_materials-version": str(reload(reference).version),
            "record_materials-attachments": [(io.BytesIO(PDF), "收入证明.pdf")],
        },
        action=f"/staff/requests/{reference}/actions/record_materials",
        content_type="multipart/form-data",
    )
    assert recorded.status_code == 303
    application = reload(reference)
    assert application.status == "under_review"
    assert application.materials_received_via == "counter"
    assert application.materials_answer == "申请人到窗口提交收入证明原件一份"
    assert [a.purpose for a in application.attachments] == ["materials"]
    assert application.decision_due_at is not None and "at the counter" in last_message()
    event = application.events[-1]
    assert (event.action, event.actor_id) == ("record_materials", reload(reference).handler_id)


def test_a_counter_hand_in_keeps_the_one_materials_request_rule(app, applicant, officer):
    """Art. 43 asks for everything missing at one time: after materials handed in at the
    counter, a second request is refused (409, with the reason) like after an upload.
    Mutant caught: recording the counter hand-in resetting the request
    (`materials_requested_at = None` in `on_record_materials`, portal/legal_aid/effects.py)."""
    reference = under_review(applicant, officer)
    act(officer, reference, "request_materials", {"request_materials-items": ["income_proof"]})
    recorded = act(
        officer,
        reference,
        "record_materials",
        {
            "record_materials-comment": "申请人到窗口提交收入证明原件一份",
            "record_materials-version": str(reload(reference).version),
        },
    )
    assert recorded.status_code == 303 and reload(reference).status == "under_review"
    again = act(
        officer,
        reference,
        "request_materials",
        {
            "request_materials-items": ["id_copy"],
            "request_materials-version": str(reload(reference).version),
        },
    )
    assert again.status_code == 409
    assert "second request is not possible" in again.get_data(as_text=True)
    assert reload(reference).status == "under_review"
    assert [e.action for e in reload(reference).events].count("request_materials") == 1


# --- Art. 44: early aid -----------------------------------------------------------------------


def test_early_aid_then_refusal_ends_it(app, applicant, officer, staff):
    reference = under_review(applicant, officer)
    no_date = act(
        officer,
        reference,
        "early_aid",
        {"early_aid-lawyer": str(staff["lawyer"].id), "early_aid-ground": "deadline"},
    )
    assert no_date.status_code == 400  # the expiring date of the limitation period is needed
    expires = (to_local(utcnow()) + timedelta(days=4)).date()
    started = act(
        officer,
        reference,
        "early_aid",
        {
            "early_aid-lawyer": str(staff["lawyer"].id),
            "early_aid-ground": "deadline",
            "early_aid-expires_on": expires.isoformat(),
        },
    )
    assert started.status_code == 303
    application = reload(reference)
    assert application.status == "under_review"  # the decision still follows
    assert (application.lawyer_id, application.early_aid_ground, application.early_aid_until) == (
        staff["lawyer"].id,
        "deadline",
        expires,
    )
    assert "before the decision" in last_message()
    detail = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "Early aid (Art. 44)" in detail and expires.isoformat() in detail
    # The lawyer sees the case at once.
    assert (
        act(
            officer,
            reference,
            "early_aid",
            {"early_aid-lawyer": str(staff["lawyer"].id), "early_aid-ground": "preservation"},
        ).status_code
        == 409
    )

    assert act(officer, reference, "refuse", {"refuse-reasons": "不属于法律援助事项范围"}).status_code == 303
    application = reload(reference)
    assert application.status == "refused"
    assert application.lawyer_id is None and application.early_aid_ended_at is not None
    assert "early aid given before this decision ends now" in last_message()


# --- Art. 48: termination ---------------------------------------------------------------------


@pytest.mark.parametrize("ground", list(TERMINATION_GROUNDS))
def test_termination_on_each_ground_with_its_decision(app, applicant, officer, staff, ground):
    reference = assigned(applicant, officer, staff)
    # A termination without reasons is refused next to the field.
    missing = act(officer, reference, "terminate", {"terminate-ground": ground})
    assert missing.status_code == 400
    assert 'id="terminate-reasons-error"' in missing.get_data(as_text=True)
    assert reload(reference).status == "assigned"

    assert (
        act(
            officer,
            reference,
            "terminate",
            {"terminate-ground": ground, "terminate-reasons": "经核查，情况属实"},
        ).status_code
        == 303
    )
    application = reload(reference)
    assert (application.status, application.termination_ground, application.is_open) == (
        "terminated",
        ground,
        False,
    )
    records = db.session.scalars(select(DeceptionRecord)).all()
    if ground in ("deception", "concealment"):
        assert [(r.ground, r.id_number, r.recorded_by_id) for r in records] == [
            (ground, application.id_number, staff["officer"].id)
        ]
    else:
        assert records == []
    assert "Art. 48(" in last_message() and "object to the county justice bureau" in last_message()
    text = pdf_text(applicant, f"/legal-aid/decisions/{reference}/termination/pdf")
    assert "Decision to terminate legal aid" in text and reference in text
    with force_locale("en"):
        assert str(TERMINATION_GROUNDS[ground])[:30] in text


def test_a_closed_case_cannot_be_terminated(app, applicant, officer, staff):
    reference = assigned(applicant, officer, staff)
    assert (
        act(
            officer,
            reference,
            "submit_closing",
            {
                "submit_closing-outcome": "mediated",
                "submit_closing-ended_on": to_local(utcnow())
                .date()
                .isoformat(),  # not before the application
                "submit_closing-summary": "调解结案",
            },
        ).status_code
        == 303
    )
    assert (
        act(officer, reference, "close", {"close-subsidy": "1200", "close-quality": "good"}).status_code
        == 303
    )
    answer = act(
        officer, reference, "terminate", {"terminate-ground": "own_lawyer", "terminate-reasons": "x"}
    )
    assert answer.status_code == 409
    assert "not possible in the request" in answer.get_data(as_text=True)
    assert reload(reference).status == "closed"


# --- Art. 49: objections ----------------------------------------------------------------------


def test_objection_to_a_refusal_upheld_then_objection_corrected(app, applicant, officer, reviewer, staff):
    reference = refused(applicant, officer)
    # Without reasons, the objection is refused next to the field.
    empty = applicant_act(applicant, reference, "object", {})
    assert empty.status_code == 400 and 'id="object-comment-error"' in empty.get_data(as_text=True)
    filed = applicant_act(
        applicant,
        reference,
        "object",
        {"object-comment": "我的收入证明未被考虑", "object-attachments": [(io.BytesIO(PDF), "证明.pdf")]},
        content_type="multipart/form-data",
    )
    assert filed.status_code == 303
    application = reload(reference)
    assert (application.status, application.objection_to, application.is_open) == (
        "objection",
        "refused",
        True,
    )
    assert to_local(application.due_at).date() == to_local(due_after(utcnow(), 5)).date()
    assert "objection" in [a.purpose for a in application.attachments]

    # The reviewer finds it in the legal aid queue; the officer cannot decide on it.
    assert reference in reviewer.get("/staff/queue/legal-aid?status=objection").get_data(as_text=True)
    assert act(officer, reference, "uphold_refusal", {"uphold_refusal-reasons": "x"}).status_code == 403
    assert act(reviewer, reference, "uphold_refusal", {}).status_code == 400
    # The guard: this objection is about a refusal, not a termination.
    assert (
        act(reviewer, reference, "uphold_termination", {"uphold_termination-reasons": "x"}).status_code == 409
    )
    assert (
        act(
            reviewer, reference, "uphold_refusal", {"uphold_refusal-reasons": "经复核，原决定认定事实清楚"}
        ).status_code
        == 303
    )
    application = reload(reference)
    assert (application.status, application.objection_outcome) == ("refused", "upheld")
    assert "administrative reconsideration" in last_message() and "lawsuit" in last_message()
    text = pdf_text(applicant, f"/legal-aid/decisions/{reference}/refusal/pdf")
    assert "administrative reconsideration" in text

    # One objection per decision (Art. 49): not offered again, and a forged one is refused.
    assert "/actions/object" not in applicant.get(f"/track/{reference}").get_data(as_text=True)
    again = applicant_act(applicant, reference, "object", {"object-comment": "补充新的证据"})
    assert again.status_code in (303, 409) and reload(reference).status == "refused"  # flashed, not taken

    # Another refusal, objected to: the bureau orders the centre to correct; it approves.
    reference = refused(applicant, officer)
    applicant_act(applicant, reference, "object", {"object-comment": "补充新的证据"})
    assert (
        act(
            reviewer,
            reference,
            "correct_refusal",
            {"correct_refusal-reasons": "原决定未考虑申请人提交的低保证明"},
        ).status_code
        == 303
    )
    application = reload(reference)
    assert (application.status, application.objection_outcome) == ("under_review", "corrected")
    assert application.refused_at is None and application.decision_due_at is not None
    assert "ordered the legal aid centre to correct" in last_message()
    assert applicant.get(f"/legal-aid/decisions/{reference}/refusal").status_code == 404  # revoked
    assert act(officer, reference, "approve", {}).status_code == 303
    application = reload(reference)
    assert application.status == "approved"
    assert to_local(application.due_at).date() == to_local(due_after(utcnow(), 3)).date()  # the 3-day clock


def test_objection_to_a_termination_upheld_and_corrected(app, applicant, officer, reviewer, staff):
    reference = assigned(applicant, officer, staff)
    act(
        officer,
        reference,
        "terminate",
        {"terminate-ground": "finances_changed", "terminate-reasons": "已购置商品房"},
    )
    applicant_act(applicant, reference, "object", {"object-comment": "房屋系贷款购买"})
    assert reload(reference).objection_to == "terminated"
    assert act(reviewer, reference, "correct_refusal", {"correct_refusal-reasons": "x"}).status_code == 409
    assert (
        act(
            reviewer, reference, "uphold_termination", {"uphold_termination-reasons": "理由不成立"}
        ).status_code
        == 303
    )
    assert reload(reference).status == "terminated"
    assert "administrative reconsideration" in last_message()
    again = applicant_act(applicant, reference, "object", {"object-comment": "再次异议"})
    assert again.status_code in (303, 409) and reload(reference).status == "terminated"

    reference = assigned(applicant, officer, staff)
    act(
        officer,
        reference,
        "terminate",
        {"terminate-ground": "finances_changed", "terminate-reasons": "已购置商品房"},
    )
    applicant_act(applicant, reference, "object", {"object-comment": "房屋系贷款购买"})
    assert (
        act(
            reviewer, reference, "correct_termination", {"correct_termination-reasons": "终止理由不成立"}
        ).status_code
        == 303
    )
    application = reload(reference)
    assert (application.status, application.lawyer_id, application.terminated_at) == (
        "assigned",
        staff["lawyer"].id,
        None,
    )
    assert applicant.get(f"/legal-aid/decisions/{reference}/termination").status_code == 404


def test_no_objection_to_an_approval_and_the_optional_filing_limit(app, applicant, officer, staff):
    reference = under_review(applicant, officer)
    act(officer, reference, "approve", {})
    # The tracking page offers no objection now; a forged one is refused.
    assert "/actions/object" not in applicant.get(f"/track/{reference}").get_data(as_text=True)
    answer = applicant.submit("/track", {"object-comment": "x"}, action=f"/track/{reference}/actions/object")
    assert answer.status_code == 409
    assert "This action is not possible" in answer.get_data(as_text=True) or "当前状态" in answer.get_data(
        as_text=True
    )
    assert reload(reference).status == "approved"

    app.config["LEGAL_AID_OBJECTION_FILING_DAYS"] = 10
    second = refused(applicant, officer)
    application = reload(second)
    application.refused_at = utcnow() - timedelta(days=30)
    db.session.commit()
    late = applicant_act(applicant, second, "object", {"object-comment": "x"})
    assert late.status_code == 303
    assert reload(second).status == "refused"
    assert "has passed" in applicant.get(f"/track/{second}").get_data(as_text=True)


def test_filing_limit_is_unset_by_default(app):
    from portal.config import DefaultConfig

    assert DefaultConfig.LEGAL_AID_OBJECTION_FILING_DAYS is None
    assert app.config["LEGAL_AID_OBJECTION_DAYS"] == 5


# --- Decisions in writing ---------------------------------------------------------------------


def test_each_decision_is_a_printable_page_and_a_pdf_on_tracking(app, applicant, officer, staff, make_client):
    approved = under_review(applicant, officer)
    act(officer, approved, "approve", {"approve-comment": "申请人符合经济困难标准"})
    refused_ref = refused(applicant, officer, reasons="所涉事项不属于法律援助范围")

    tracking = applicant.get(f"/track/{approved}").get_data(as_text=True)
    assert f"/legal-aid/decisions/{approved}/approval/pdf" in tracking
    page = applicant.get(f"/legal-aid/decisions/{approved}/approval")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]

    text = pdf_text(applicant, f"/legal-aid/decisions/{approved}/approval/pdf")
    for part in (
        "Decision to grant legal aid",
        approved,
        "周建国",
        "申请人符合经济困难标准",
        "Legal basis",
        "Art",
        "Changsha County Legal Aid Centre",
        "Date of decision",
    ):
        assert part in text, part
    text = pdf_text(applicant, f"/legal-aid/decisions/{refused_ref}/refusal/pdf")
    for part in (
        "Decision not to grant legal aid",
        refused_ref,
        "所涉事项不属于法律援助范围",
        "Remedies",
        "Art. 49",
        "Date of decision",
    ):
        assert part in text, part
    # No decision of that kind, or not this browser's: 404.
    assert applicant.get(f"/legal-aid/decisions/{approved}/refusal/pdf").status_code == 404
    assert make_client().get(f"/legal-aid/decisions/{approved}/approval/pdf").status_code == 404
    # Staff who may see the request open it too.
    assert officer.get(f"/legal-aid/decisions/{approved}/approval").status_code == 200


def test_events_are_audited(app, applicant, officer, reviewer):
    reference = refused(applicant, officer)
    applicant_act(applicant, reference, "object", {"object-comment": "不服"})
    act(reviewer, reference, "uphold_refusal", {"uphold_refusal-reasons": "维持"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.from_status.is_not(None))).all()
    assert [(e.action, e.from_status, e.to_status) for e in events][-2:] == [
        ("object", "refused", "objection"),
        ("uphold_refusal", "objection", "refused"),
    ]
