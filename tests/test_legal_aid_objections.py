"""Art. 49 objections and Art. 43 pauses done right (issue #33): an independent reviewer, a
corrected termination back in the state it was made in with that state's clock, a
corrected deception termination withdrawing its mark, and the 补正 pause keeping 7 minus
the days used (the holiday shift applied once, to the final date)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from portal.accounts.profiles import save_profile
from portal.core.clock import to_local, utcnow
from portal.core.deadlines import due_after
from portal.core.models import AuditEvent, Holiday, ServiceRequest
from portal.extensions import db
from portal.legal_aid.models import DeceptionRecord, LegalAidApplication

from support import application_form


@pytest.fixture
def staff(make_staff):
    lawyer = make_staff("lawyer", "lawyer", name="陈律师")
    save_profile(lawyer, profession="lawyer", practising_since=date(2010, 1, 1), firm="星城律师事务所")
    db.session.commit()
    return {
        "officer": make_staff("officer", "legal_aid_officer", name="张敏"),
        "both": make_staff("both", "legal_aid_officer", "bureau_reviewer", name="双岗"),
        "reviewer": make_staff("reviewer", "bureau_reviewer", name="赵科长"),
        "lawyer": lawyer,
    }


def signed_in(make_client, username):
    client = make_client()
    client.get("/language/en")
    client.sign_in(username)
    return client


def reload(reference) -> LegalAidApplication:
    db.session.expire_all()
    return db.session.scalar(select(LegalAidApplication).where(ServiceRequest.reference == reference))


def act(client, reference, action, data=None):
    page = f"/staff/requests/{reference}"
    return client.submit(page, data or {}, action=f"{page}/actions/{action}")


def object_to(client, reference, comment="我不同意该决定"):
    return client.submit(
        f"/track/{reference}",
        {"object-version": str(reload(reference).version), "object-comment": comment},
        action=f"/track/{reference}/actions/object",
    )


def under_review(applicant, officer) -> str:
    response = applicant.submit("/legal-aid/apply", application_form())
    reference = response.headers["Location"].rsplit("/", 1)[1]
    assert (
        officer.submit(
            f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim"
        ).status_code
        == 303
    )
    return reference


def test_the_person_who_refused_does_not_review_the_objection(client, make_client, staff):
    """Mutant caught: reviewer_is_decider() returning None (the decider upholds their own refusal)."""
    both, reviewer = signed_in(make_client, "both"), signed_in(make_client, "reviewer")
    reference = under_review(client, both)
    assert act(both, reference, "refuse", {"refuse-reasons": "收入超过标准"}).status_code == 303
    assert object_to(client, reference).status_code == 303
    own = act(both, reference, "uphold_refusal", {"uphold_refusal-reasons": "维持"})
    assert own.status_code == 409 and "another reviewer" in own.get_data(as_text=True)
    assert reload(reference).status == "objection"
    assert act(reviewer, reference, "uphold_refusal", {"uphold_refusal-reasons": "维持"}).status_code == 303
    assert reload(reference).status == "refused"


def test_a_termination_before_assignment_is_corrected_back_to_approved_with_its_clock(
    client, make_client, staff
):
    """Mutant caught: correct_termination always to "assigned" (a lawyer invented)."""
    officer, reviewer = signed_in(make_client, "officer"), signed_in(make_client, "reviewer")
    reference = under_review(client, officer)
    assert act(officer, reference, "approve").status_code == 303
    terminated = act(
        officer,
        reference,
        "terminate",
        {"terminate-ground": "own_lawyer", "terminate-reasons": "已自行委托律师"},
    )
    assert terminated.status_code == 303
    assert object_to(client, reference, "委托已解除").status_code == 303
    wrong = act(reviewer, reference, "correct_termination", {"correct_termination-reasons": "终止不当"})
    assert wrong.status_code == 409 and reload(reference).status == "objection"
    corrected = act(
        reviewer,
        reference,
        "correct_termination_approved",
        {"correct_termination_approved-reasons": "终止不当"},
    )
    assert corrected.status_code == 303
    application = reload(reference)
    assert (application.status, application.lawyer_id, application.terminated_at) == ("approved", None, None)
    assert to_local(application.due_at).date() == to_local(due_after(utcnow(), 3)).date()


def test_a_corrected_deception_termination_withdraws_the_mark(client, make_client, staff):
    """Mutant caught: the DeceptionRecord left in place after the bureau's correction."""
    officer, reviewer = signed_in(make_client, "officer"), signed_in(make_client, "reviewer")
    reference = under_review(client, officer)
    act(officer, reference, "approve")
    act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(staff["lawyer"].id)})
    act(officer, reference, "terminate", {"terminate-ground": "deception", "terminate-reasons": "隐瞒收入"})
    assert db.session.scalar(select(func.count()).select_from(DeceptionRecord)) == 1
    object_to(client, reference, "收入证明有误")
    corrected = act(reviewer, reference, "correct_termination", {"correct_termination-reasons": "证据不足"})
    assert corrected.status_code == 303
    assert reload(reference).status == "assigned"
    assert db.session.scalar(select(func.count()).select_from(DeceptionRecord)) == 0
    comment = db.session.scalar(
        select(AuditEvent.comment)
        .where(AuditEvent.action == "correct_termination")
        .order_by(AuditEvent.id.desc())
    )
    assert "withdrawn" in comment or "撤销" in comment


def test_the_materials_pause_keeps_seven_minus_the_days_used(client, make_client, staff, monkeypatch):
    """Received 2026-02-10, materials asked 02-12: 5 days are kept, not the 12 to a due date
    moved past the Spring Festival. Mutant caught: days_left(decision_due_at) (12 kept)."""
    from portal.core import services
    from portal.core.services import perform

    db.session.add_all(Holiday(day=date(2026, 2, d), name="春节") for d in range(15, 24))
    db.session.commit()
    officer = signed_in(make_client, "officer")
    reference = under_review(client, officer)
    application = reload(reference)
    received = datetime(2026, 2, 10, 2, 0, tzinfo=UTC).replace(tzinfo=None)
    application.created_at = received
    application.decision_due_at = due_after(received, 7)  # as it was: moved to 02-24
    db.session.commit()
    monkeypatch.setattr(services, "utcnow", lambda: datetime(2026, 2, 12, 2, 0))
    perform(reload(reference), "request_materials", user=staff["officer"], data={"items": ["income_proof"]})
    db.session.commit()
    assert reload(reference).decision_days_left == 5


def test_refusing_again_after_the_bureaus_order_needs_new_reasons(client, make_client, staff):
    """Mutant caught: on_refuse accepting the same reasons after 责令改正 (and no flag)."""
    officer, reviewer = signed_in(make_client, "officer"), signed_in(make_client, "reviewer")
    reference = under_review(client, officer)
    act(officer, reference, "refuse", {"refuse-reasons": "收入超过标准"})
    object_to(client, reference, "我有低保证明")
    act(reviewer, reference, "correct_refusal", {"correct_refusal-reasons": "未审查低保证明"})
    assert reload(reference).status == "under_review"
    same = act(officer, reference, "refuse", {"refuse-reasons": "收入超过标准"})
    assert same.status_code == 409 and "new reasons" in same.get_data(as_text=True)
    assert reload(reference).status == "under_review"
    new = act(officer, reference, "refuse", {"refuse-reasons": "低保证明已过期，且家庭收入超过标准"})
    assert new.status_code == 303 and reload(reference).status == "refused"
    comment = db.session.scalar(
        select(AuditEvent.comment).where(AuditEvent.action == "refuse").order_by(AuditEvent.id.desc())
    )
    assert "责令改正" in comment and "低保证明已过期" in comment


def test_the_assigned_lawyer_reports_a_ground_for_termination(client, make_client, staff):
    """Art. 48, second paragraph. Mutant caught: no report_ground transition for the participant."""
    officer = signed_in(make_client, "officer")
    reference = under_review(client, officer)
    act(officer, reference, "approve")
    act(officer, reference, "assign_lawyer", {"assign_lawyer-lawyer": str(staff["lawyer"].id)})
    lawyer = signed_in(make_client, "lawyer")
    reported = act(
        lawyer,
        reference,
        "report_ground",
        {"report_ground-ground": "own_lawyer", "report_ground-reasons": "受援人已另行委托律师"},
    )
    assert reported.status_code == 303, reported.get_data(as_text=True)[:2000]
    assert reload(reference).status == "assigned"
    timeline = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "受援人已另行委托律师" in timeline
    assert "受援人已另行委托律师" not in client.get(f"/track/{reference}").get_data(as_text=True)
