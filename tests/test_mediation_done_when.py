# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""Issue 34's "done when", over HTTP in zh: a court-commissioned dispute registered with its
court, case number and deadline; both parties read their rights and duties and choose
non-public before agreeing; two sessions recorded; an escalation flag set and counted; the
case closed with the report back to the court. The other party never sees a record or the
applicant's words."""

from datetime import timedelta

from sqlalchemy import select
from test_mediation import (  # noqa: F401
    AGREE,
    OTHER_MOBILE,
    SUMMARY,
    act,
    agreement,
    form,
    people,
    signed_in,
)
from test_mediation_records import record

from portal.core.clock import local_today
from portal.extensions import db
from portal.mediation.models import MediationCase


def test_a_court_commissioned_dispute_from_registration_to_the_report_back_to_the_court(
    people, make_client, make_staff
):
    coordinator = signed_in(make_client, "mediation")
    deadline = local_today() + timedelta(days=30)
    registered = coordinator.submit(
        "/staff/mediation/register",
        {
            **form(people),
            "channel": "court_commission",
            "referring_body": "长沙县人民法院",
            "referral_document": "（2026）湘0121委调字第88号",
            "court_case_number": "（2026）湘0121民诉前调1234号",
            "court_deadline": deadline.isoformat(),
        },
    )
    assert registered.status_code == 303
    reference = db.session.scalar(select(MediationCase)).reference
    accepted = act(
        coordinator,
        reference,
        "accept",
        {
            "accept-committee": str(people["committee_id"]),
            "accept-mediator": str(people["mediator"].id),
            "accept-summary": SUMMARY,
        },
    )
    assert accepted.status_code == 303

    other = make_client()
    other.submit("/track", {"reference": reference, "mobile": OTHER_MOBILE})
    before = other.get(f"/track/{reference}").get_data(as_text=True)
    assert "您在调解中的权利和义务" in before and SUMMARY in before and "清理通道杂物" not in before
    agreed = other.submit(f"/track/{reference}", AGREE, action=f"/track/{reference}/actions/party_agree")
    assert agreed.status_code == 303
    found = db.session.scalar(select(MediationCase))
    assert found.status == "mediating" and found.applicant_private and found.party_private

    mediator = signed_in(make_client, "mediator")
    page = f"/staff/mediation/cases/{reference}/records"
    for offset in (1, 8):
        assert mediator.submit(page, record(local_today() + timedelta(days=offset))).status_code == 303
    flagged = mediator.submit(
        f"/staff/mediation/cases/{reference}/risk",
        {"level": "medium", "steps": ["village"], "note": "双方言语冲突，已告知村委会"},
    )
    assert flagged.status_code == 303
    reached = act(mediator, reference, "record_agreement", agreement("oral"))
    assert reached.status_code == 303
    unreported = act(coordinator, reference, "close", {"close-performance": "performed"})
    assert unreported.status_code == 409 and "请填写向委派法院反馈的调解情况" in unreported.get_data(
        as_text=True
    )
    closed = act(
        coordinator,
        reference,
        "close",
        {"close-performance": "performed", "close-court_report": "经调解双方达成口头协议并已履行。"},
    )
    assert closed.status_code == 303
    db.session.expire_all()
    found = db.session.scalar(select(MediationCase))
    assert found.status == "closed" and found.court_reported_at is not None and len(found.records) == 2

    printed = coordinator.get(f"/staff/mediation/cases/{reference}/file").get_data(as_text=True)
    assert "长沙县人民法院" in printed and "经调解双方达成口头协议并已履行" in printed
    assert printed.count("调解员签名") == 2 and "中风险" in printed

    make_staff("boss", "supervisor")
    report = signed_in(make_client, "boss").get("/staff/reports/").get_data(as_text=True)
    start = report.index("标记为有激化风险的纠纷")
    assert ">1</a>" in report[start : report.index("</tr>", start)]

    after = other.get(f"/track/{reference}").get_data(as_text=True)
    assert "申请人陈述" not in after and "清理通道杂物，修好排水沟" not in after and "村委会" not in after
