"""Legal aid end to end over HTTP: track, take, ask for materials, answer, approve,
assign, close; every step in the applicant's timeline, inbox and the audit trail."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.core.clock import local_today
from portal.core.models import AuditEvent, InboxMessage, OutboxMessage, ReadAudit, ServiceRequest
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

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
        "officer2": make_staff("officer2", "legal_aid_officer", name="李强"),
        "supervisor": make_staff("supervisor", "supervisor", name="王主任"),
        "lawyer": with_profile(make_staff("lawyer", "lawyer", name="陈律师")),
        "lawyer2": with_profile(make_staff("lawyer2", "lawyer", name="刘律师")),
    }


def applied(client) -> str:
    response = client.submit("/legal-aid/apply", application_form())
    return response.headers["Location"].rsplit("/", 1)[1]


def act(officer_client, reference, action, data=None):
    page = f"/staff/requests/{reference}"
    return officer_client.submit(page, data or {}, action=f"{page}/actions/{action}")


def reload(reference) -> LegalAidApplication:
    db.session.expire_all()
    return db.session.scalar(select(LegalAidApplication).where(ServiceRequest.reference == reference))


def test_tracking_needs_the_reference_and_the_same_mobile(client, make_client):
    reference = applied(client)
    stranger = make_client()
    wrong = stranger.submit("/track", {"reference": reference, "mobile": "13900000099"})
    assert wrong.status_code == 200
    assert 'id="reference-error"' in wrong.get_data(as_text=True)
    assert 'id="proof-needed"' in stranger.get(f"/track/{reference}").get_data(as_text=True)
    unknown = stranger.submit("/track", {"reference": "LA-2020-999999", "mobile": "13900000011"})
    assert unknown.get_data(as_text=True).count("field-error") == wrong.get_data(as_text=True).count(
        "field-error"
    )
    right = stranger.submit("/track", {"reference": reference.lower(), "mobile": "+86 139 0000 0011"})
    assert right.status_code == 302
    page = stranger.get(right.headers["Location"]).get_data(as_text=True)
    assert reference in page and "4301**********1237" in page


def test_the_whole_journey(client, make_client, staff):
    reference = applied(client)
    officer = make_client()
    officer.sign_in("officer")

    queue = officer.get("/staff/queue/legal-aid?tab=unassigned").get_data(as_text=True)
    assert reference in queue

    assert (
        officer.submit(
            f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim"
        ).status_code
        == 303
    )
    application = reload(reference)
    assert (application.status, application.handler_id) == ("under_review", staff["officer"].id)

    # 补正: the whole checklist at once
    empty = act(officer, reference, "request_materials", {})
    assert empty.status_code == 400
    asked = act(
        officer,
        reference,
        "request_materials",
        {
            "request_materials-items": ["income_proof", "dispute_evidence"],
            "request_materials-other_items": "劳务合同原件照片",
        },
    )
    assert asked.status_code == 303
    application = reload(reference)
    assert application.status == "needs_materials"
    assert application.due_at is None  # the decision clock stops
    assert "劳务合同原件照片" in application.materials_checklist

    # The applicant sees the checklist and answers with a file
    tracking = client.get(f"/track/{reference}").get_data(as_text=True)
    assert "劳务合同原件照片" in tracking
    answer = client.submit(
        f"/track/{reference}",
        {
            "answer_materials-comment": "已补充工资条和合同照片",
            "answer_materials-version": str(application.version),
            "answer_materials-attachments": [(io.BytesIO(PDF), "工资条.pdf")],
        },
        action=f"/track/{reference}/actions/answer_materials",
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    application = reload(reference)
    assert application.status == "under_review"
    assert application.decision_due_at is not None and application.due_at == application.decision_due_at
    assert [a.purpose for a in application.attachments] == ["materials"]

    assert act(officer, reference, "approve", {"approve-comment": "符合条件"}).status_code == 303
    application = reload(reference)
    assert application.status == "approved" and application.assign_due_at is not None

    assigned = act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(staff["lawyer"].id)})
    assert assigned.status_code == 303
    application = reload(reference)
    assert (application.status, application.lawyer_id) == ("assigned", staff["lawyer"].id)

    # The lawyer sees this case and reports it finished; the officer closes it.
    lawyer = make_client()
    lawyer.sign_in("lawyer")
    assert reference in lawyer.get("/staff/queue/legal-aid").get_data(as_text=True)
    reported = act(
        lawyer,
        reference,
        "submit_closing",
        {
            "submit_closing-outcome": "mediated",
            "submit_closing-ended_on": local_today().isoformat(),  # not before the application
            "submit_closing-summary": "调解结案，追回工资三万六千元",
        },
    )
    assert reported.status_code == 303
    closed = act(officer, reference, "close", {"close-subsidy": "1200", "close-quality": "good"})
    assert closed.status_code == 303
    assert reload(reference).status == "closed"

    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [
        "submit",
        "claim",
        "start_review",
        "request_materials",
        "answer_materials",
        "approve",
        "assign_lawyer",
        "submit_closing",
        "close",
    ]
    timeline = client.get(f"/track/{reference}").get_data(as_text=True)
    history = timeline.split('id="timeline-title"', 1)[1]
    assert "陈律师" in history  # the History entry names the lawyer
    inbox = [m.body for m in db.session.scalars(select(InboxMessage).order_by(InboxMessage.id))]
    assert len(inbox) == 8  # submit, start review, materials, answer, approve, lawyer, report, closed
    assert all(reference in body for body in inbox)
    assert (
        db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 8
    )  # one SMS per inbox message


def test_refusal_needs_written_reasons_and_tells_about_the_objection(client, make_client, staff):
    reference = applied(client)
    officer = make_client()
    officer.sign_in("officer")
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    assert act(officer, reference, "refuse", {}).status_code == 400
    assert reload(reference).status == "under_review"
    assert (
        act(officer, reference, "refuse", {"refuse-reasons": "家庭人均收入超过经济困难标准"}).status_code
        == 303
    )
    application = reload(reference)
    assert application.status == "refused" and not application.is_open
    last = db.session.scalars(select(InboxMessage).order_by(InboxMessage.id.desc())).first()
    assert "家庭人均收入超过经济困难标准" in last.body and "第四十九条" in last.body
    assert "家庭人均收入超过经济困难标准" in client.get(f"/track/{reference}").get_data(as_text=True)


def test_an_illegal_transition_is_409_and_changes_nothing(client, make_client, staff):
    reference = applied(client)
    officer = make_client()
    officer.sign_in("officer")
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    before = reload(reference)
    status, version, events = before.status, before.version, len(before.events)
    response = act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(staff["lawyer"].id)})
    assert response.status_code == 409
    after = reload(reference)
    assert (after.status, after.version, len(after.events)) == (status, version, events)


def test_a_stale_form_is_refused_with_409(client, make_client, staff):
    reference = applied(client)
    officer = make_client()
    officer.sign_in("officer")
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    stale_version = reload(reference).version - 1
    response = act(officer, reference, "approve", {"approve-version": str(stale_version)})
    assert response.status_code == 409
    assert reload(reference).status == "under_review"


def test_only_the_handler_acts_and_a_supervisor_can_reassign(client, make_client, staff):
    reference = applied(client)
    officer, officer2, supervisor = make_client(), make_client(), make_client()
    officer.sign_in("officer")
    officer2.sign_in("officer2")
    supervisor.sign_in("supervisor")
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    taken = officer2.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    assert taken.status_code == 409
    assert "张敏" in taken.get_data(as_text=True)
    assert act(officer2, reference, "approve").status_code == 403
    assert (
        officer2.submit(
            f"/staff/requests/{reference}",
            {"handler": str(staff["officer2"].id)},
            action=f"/staff/requests/{reference}/reassign",
        ).status_code
        == 403
    )
    moved = supervisor.submit(
        f"/staff/requests/{reference}",
        {"handler": str(staff["officer2"].id), "comment": "休假"},
        action=f"/staff/requests/{reference}/reassign",
    )
    assert moved.status_code == 303
    assert reload(reference).handler_id == staff["officer2"].id
    assert act(officer2, reference, "approve").status_code == 303


def test_a_lawyer_sees_only_their_own_cases(client, make_client, staff, make_application):
    theirs = make_application(lawyer_id=staff["lawyer"].id)
    other = make_application(lawyer_id=staff["lawyer2"].id)
    lawyer = make_client()
    lawyer.sign_in("lawyer")
    queue = lawyer.get("/staff/queue/legal-aid").get_data(as_text=True)
    assert theirs.reference in queue and other.reference not in queue
    assert lawyer.get(f"/staff/requests/{theirs.reference}").status_code == 200
    assert lawyer.get(f"/staff/requests/{other.reference}").status_code == 403


def test_showing_the_full_id_is_audited(client, make_client, staff, make_application):
    application = make_application()
    officer = make_client()
    officer.sign_in("officer")
    detail = officer.get(f"/staff/requests/{application.reference}").get_data(as_text=True)
    assert "430121199001011237" not in detail and "4301**********1237" in detail
    shown = officer.submit(
        f"/staff/requests/{application.reference}",
        {},
        action=f"/staff/requests/{application.reference}/reveal-id",
    )
    assert "430121199001011237" in shown.get_data(as_text=True)
    audit = db.session.scalar(select(ReadAudit))
    assert (audit.user_id, audit.what) == (staff["officer"].id, "id_number")


def test_internal_notes_never_reach_the_applicant(client, make_client, staff):
    reference = applied(client)
    officer = make_client()
    officer.sign_in("officer")
    officer.submit(
        f"/staff/requests/{reference}",
        {"body": "申请人情绪激动，注意沟通方式"},
        action=f"/staff/requests/{reference}/notes",
    )
    assert "申请人情绪激动" in officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "申请人情绪激动" not in client.get(f"/track/{reference}").get_data(as_text=True)


def test_the_applicant_can_withdraw(client):
    reference = applied(client)
    response = client.submit(
        f"/track/{reference}/actions/withdraw", {}, action=f"/track/{reference}/actions/withdraw"
    )
    assert response.status_code == 303
    assert reload(reference).status == "withdrawn"
    again = client.submit("/track", {}, action=f"/track/{reference}/actions/withdraw")
    assert again.status_code == 409


def test_unanswered_materials_requests_are_withdrawn_by_the_command(app, make_application, staff):
    from datetime import timedelta

    from portal.core.clock import utcnow
    from portal.core.services import claim, perform

    application = make_application()
    claim(application, staff["officer"])
    perform(application, "request_materials", user=staff["officer"], data={"items": ["id_copy"]})
    application.materials_due_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["withdraw-expired"])
    assert "withdrew 1" in result.output
    assert reload(application.reference).status == "withdrawn"


def test_messages_are_written_in_the_applicants_language(client, make_client, staff):
    client.get("/language/en")
    reference = applied(client)
    inbox = db.session.scalar(select(InboxMessage))
    assert inbox.body.startswith("We received your legal aid application")
    officer = make_client()
    officer.sign_in("officer")  # the officer works in Chinese
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    latest = db.session.scalars(select(InboxMessage).order_by(InboxMessage.id.desc())).first()
    assert re.match(r"Your legal aid application LA-\d{4}-\d{6} is now being reviewed", latest.body)


def test_the_id_reveal_reads_the_column_the_kind_declares(make_client, staff, make_application, app):
    """A kind that keeps no ID number (mediation) answers 404 and records no reading; a
    legal aid application without a document too. Mutant seen red: the route without the
    declared columns (it audited a reading of nothing)."""
    from portal.core.registry import kind_of

    supervisor = make_client()
    supervisor.sign_in("supervisor")
    case = kind_of_sample("MD")
    assert not kind_of(case).id_attributes
    page = supervisor.get(f"/staff/requests/{case.reference}")
    assert page.status_code == 200
    refused = supervisor.submit(
        f"/staff/requests/{case.reference}", {}, action=f"/staff/requests/{case.reference}/reveal-id"
    )
    assert refused.status_code == 404
    assert db.session.scalar(select(ReadAudit)) is None


def kind_of_sample(code: str):
    from portal.core.registry import registry

    made = registry().kinds[code].make_sample()
    db.session.commit()
    return made
