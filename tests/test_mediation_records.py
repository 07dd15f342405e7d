# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""Session records and the case file (issue 34, People's Mediation Law Art. 27): per session
who attended, what each party stated and proposed, the mediator's proposals, the result and
the next step, signed off by the case's mediator; staff only, never shown to a party."""

import io
from datetime import timedelta

from test_mediation import (  # noqa: F401
    AGREE,
    OTHER_MOBILE,
    accept,
    act,
    applied,
    case,
    people,
    signed_in,
)

from portal.core.clock import local_today

STATED = "申请人陈述：杂物堵塞通道已有半年"


def record(day, **overrides):
    data = {
        "session": "",
        "held_on": day.isoformat(),
        "attendees": "冯桂兰、冯建军、何调解员",
        "applicant_statement": STATED,
        "party_statement": "被申请人陈述：杂物是临时堆放，愿意挪走",
        "mediator_proposals": "建议三日内清理，双方共同修排水沟",
        "result": "双方基本同意，约定再谈费用分担",
        "next_step": "下周再次调解",
    }
    data.update(overrides)
    return data


def mediating(client, people, make_client):
    reference = applied(client, people)
    accept(make_client, people, reference)
    other = make_client()
    other.submit("/track", {"reference": reference, "mobile": OTHER_MOBILE})
    assert (
        other.submit(
            f"/track/{reference}", AGREE, action=f"/track/{reference}/actions/party_agree"
        ).status_code
        == 303
    )
    return reference, other


def test_two_sessions_are_recorded_signed_off_and_printed_for_staff_only(client, people, make_client):
    reference, other = mediating(client, people, make_client)
    mediator = signed_in(make_client, "mediator")
    day = local_today() + timedelta(days=1)
    act(
        mediator,
        reference,
        "schedule_session",
        {
            "schedule_session-day": day.isoformat(),
            "schedule_session-start": "09:30",
            "schedule_session-minutes": "60",
            "schedule_session-place": "星沙司法所调解室",
        },
    )
    session_id = case(reference).sessions[0].id
    page = f"/staff/mediation/cases/{reference}/records"
    incomplete = mediator.submit(page, record(day, party_statement="", session=str(session_id)))
    assert incomplete.status_code == 400 and 'id="party_statement-error"' in incomplete.get_data(as_text=True)
    assert mediator.submit(page, record(day, session=str(session_id))).status_code == 303
    coordinator = signed_in(make_client, "mediation")
    second = record(day + timedelta(days=7), result="达成口头协议", next_step="")
    assert coordinator.submit(page, second).status_code == 303
    records = case(reference).records
    assert len(records) == 2 and records[0].session_id == session_id and records[1].next_step is None

    # Only the case's mediator signs off; the coordinator gets no button and a 403.
    sign = f"/staff/mediation/cases/{reference}/records/{records[0].id}/sign"
    assert "/sign" not in coordinator.get(page).get_data(as_text=True)
    assert coordinator.submit(page, {}, action=sign).status_code == 403
    assert mediator.submit(page, {}, action=sign).status_code == 303
    signed = case(reference).records[0]
    assert signed.signed_by_id == people["mediator"].id and signed.signed_at is not None
    assert case(reference).records[1].signed_at is None

    printed = coordinator.get(f"/staff/mediation/cases/{reference}/file").get_data(as_text=True)
    assert STATED in printed and "达成口头协议" in printed and "何调解员" in printed
    assert printed.count("调解员签名") == 2
    pdf = coordinator.get(f"/staff/mediation/cases/{reference}/file.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert reference in text and "达成口头协议" in text

    # Never the parties', nor another mediator's.
    for viewer in (client, other):
        assert STATED not in viewer.get(f"/track/{reference}").get_data(as_text=True)
        assert viewer.get(page).status_code in (302, 401, 403)
        assert viewer.get(f"/staff/mediation/cases/{reference}/file").status_code in (302, 401, 403)
        assert viewer.get(f"/staff/mediation/cases/{reference}/file.pdf").status_code in (302, 401, 403)
    outsider = signed_in(make_client, "mediator2")
    assert outsider.get(page).status_code == 403
    assert outsider.get(f"/staff/mediation/cases/{reference}/file").status_code == 403
    assert outsider.get(f"/staff/mediation/cases/{reference}/file.pdf").status_code == 403
