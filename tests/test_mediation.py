"""People's mediation over HTTP (SPEC §12): apply, accept, the other party's consent and
view, sessions with .ics, agreement or failure, staff registration, reminders."""

import io
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.core.clock import local_today
from portal.core.models import InboxMessage, OutboxMessage, RequestParty, ServiceRequest
from portal.extensions import db
from portal.mediation.models import MediationCase, MediationCommittee

APPLICANT_MOBILE = "13900000041"
OTHER_MOBILE = "13900000051"
PDF = b"%PDF-1.4\n%%EOF\n"
#: What the coordinator approves for the other party to read (not the applicant's own words).
SUMMARY = "邻里之间因公共通道堆放物品和排水问题发生纠纷。"
#: The other party's "I agree": rights and duties read, non-public chosen.
AGREE = {"party_agree-privacy": "private", "party_agree-rights_read": "y"}
#: The same consent given in person, recorded by the staff as they start mediating.
STARTED = {"start-privacy": "private", "start-rights_read": "y"}


@pytest.fixture
def people(app, make_staff):
    from portal.core.models import Township

    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    found = {
        "coordinator": make_staff("mediation", "mediation_coordinator", name="黄主任"),
        "mediator": make_staff("mediator", "mediator", name="何调解员"),
        "mediator2": make_staff("mediator2", "mediator", name="罗调解员"),
        "township_id": township.id,
    }
    committee = MediationCommittee(
        name="星沙街道人民调解委员会",
        name_en="Xingsha Committee",
        township_id=township.id,
        mediators=[found["mediator"], found["mediator2"]],
    )
    db.session.add(committee)
    db.session.commit()
    return {**found, "committee_id": committee.id}


def form(people, **overrides) -> dict:
    data = {
        "applicant_name": "冯桂兰",
        "mobile": APPLICANT_MOBILE,
        "applicant_address": "",
        "township": str(people["township_id"]),
        "other_name": "冯建军",
        "other_mobile": OTHER_MOBILE,
        "other_address": "星沙街道某小区",
        "dispute_type": "neighbours",
        "facts": "邻居在通道上堆放杂物，雨天积水流入我家。",
        "claims": "清理通道杂物，修好排水沟。",
        "in_court": "no",
        "preferred_mediator": "",
        "privacy": "private",
        "rights_read": "y",
        "consent": "y",
    }
    data.update(overrides)
    return data


def applied(client, people, **overrides) -> str:
    response = client.submit("/mediation/apply", form(people, **overrides))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return response.headers["Location"].rsplit("/", 1)[1]


def agreement(form="written", **overrides) -> dict:
    """The record_agreement form: one term (who, what, by when, how) and how it is performed."""
    data = {
        "agreement_form": form,
        "session": "none",
        "reached_on": local_today().isoformat(),
        "facts": "冯建军在公共通道堆放杂物，雨天积水流入冯桂兰家。",
        "obligor": "冯建军",
        "obligation": "三日内清理通道杂物。",
        "due_on": (local_today() + timedelta(days=3)).isoformat(),
        "method": "调解员到场查看",
        "performance_method": "冯建军自行清理，调解员到场查看。",
    }
    data.update(overrides)
    return {f"record_agreement-{k}": v for k, v in data.items()}


def act(staff_client, reference, action, data=None, **kwargs):
    page = f"/staff/requests/{reference}"
    return staff_client.submit(page, data or {}, action=f"{page}/actions/{action}", **kwargs)


def case(reference) -> MediationCase:
    db.session.expire_all()
    return db.session.scalar(select(MediationCase).where(ServiceRequest.reference == reference))


def signed_in(make_client, username):
    client = make_client()
    client.sign_in(username)
    return client


def accept(make_client, people, reference):
    coordinator = signed_in(make_client, "mediation")
    response = act(
        coordinator,
        reference,
        "accept",
        {
            "accept-committee": str(people["committee_id"]),
            "accept-mediator": str(people["mediator"].id),
            "accept-second_mediator": "",
            "accept-summary": SUMMARY,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return coordinator


def test_an_application_gets_an_md_reference_and_the_other_party_is_not_told_yet(client, people, make_client):
    reference = applied(client, people)
    assert reference.startswith(f"MD-{local_today().year}-")
    found = case(reference)
    assert found.status == "submitted" and found.other_party.mobile == OTHER_MOBILE
    assert found.other_party.notified_at is None
    assert not db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == OTHER_MOBILE)).all()
    other = make_client()  # before acceptance the other party cannot follow it
    miss = other.submit("/track", {"reference": reference, "mobile": OTHER_MOBILE})
    assert miss.status_code == 200 and "field-error" in miss.get_data(as_text=True)


def test_the_other_partys_mobile_cannot_be_the_applicants(client, people):
    response = client.submit("/mediation/apply", form(people, other_mobile="139 0000 0041"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and response.request.path == "/mediation/apply/other-party"
    # Found at the check page (the mobile comes later): the other party's page again, with
    # its message; everything typed is kept.
    assert 'id="other_mobile-error"' in html and "冯建军" in html
    assert "邻居在通道上堆放杂物" in client.get("/mediation/apply/what-happened").get_data(as_text=True)
    assert db.session.scalar(select(MediationCase.id)) is None


def test_the_whole_journey_to_an_agreement_both_parties_see(client, people, make_client):
    reference = applied(client, people)
    accept(make_client, people, reference)
    found = case(reference)
    assert found.status == "accepted" and found.mediator_id == people["mediator"].id
    assert found.other_party.notified_at is not None
    texts = [
        m.body
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == OTHER_MOBILE))
    ]
    assert len(texts) == 1 and reference in texts[0] and APPLICANT_MOBILE not in texts[0]

    other = make_client()
    assert other.submit("/track", {"reference": reference, "mobile": OTHER_MOBILE}).status_code == 302
    page = other.get(f"/track/{reference}").get_data(as_text=True)
    assert SUMMARY in page and APPLICANT_MOBILE not in page and "0041" not in page
    assert "清理通道杂物" not in page and "邻居在通道上堆放杂物" not in page  # the applicant's own words
    assert (
        other.submit(
            f"/track/{reference}", AGREE, action=f"/track/{reference}/actions/party_agree"
        ).status_code
        == 303
    )
    assert case(reference).status == "mediating"

    mediator = signed_in(make_client, "mediator")
    day = local_today() + timedelta(days=2)
    scheduled = act(
        mediator,
        reference,
        "schedule_session",
        {
            "schedule_session-day": day.isoformat(),
            "schedule_session-start": "09:30",
            "schedule_session-minutes": "90",
            "schedule_session-place": "星沙司法所调解室",
        },
    )
    assert scheduled.status_code == 303
    session = case(reference).sessions[0]
    for viewer in (client, other):
        ics = viewer.get(f"/mediation/{reference}/sessions/{session.id}.ics")
        assert ics.status_code == 200
        event = next(c for c in Calendar.from_ical(ics.data).walk() if c.name == "VEVENT")
        assert str(event["LOCATION"]) == "星沙司法所调解室"
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)

    no_terms = act(mediator, reference, "record_agreement", agreement("oral", obligation=""))
    assert no_terms.status_code == 400 and 'id="record_agreement-obligation-error"' in no_terms.get_data(
        as_text=True
    )
    signed = act(
        mediator,
        reference,
        "record_agreement",
        {
            **agreement(obligation="冯建军三日内清理杂物，双方共同出资修排水沟。", amount="800"),
            "record_agreement-session": str(session.id),
            "record_agreement-reached_on": day.isoformat(),
            "record_agreement-attachments": [(io.BytesIO(PDF), "协议书.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert signed.status_code == 400  # the session is two days ahead: nothing was reached yet
    session.starts_at -= timedelta(days=3)  # the session took place
    db.session.commit()
    signed = act(
        mediator,
        reference,
        "record_agreement",
        {
            **agreement(obligation="冯建军三日内清理杂物，双方共同出资修排水沟。", amount="800"),
            "record_agreement-session": str(session.id),
            "record_agreement-attachments": [(io.BytesIO(PDF), "协议书.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert signed.status_code == 303
    assert case(reference).status == "agreement" and case(reference).attachments[0].purpose == "agreement"

    for viewer in (client, other):
        outcome = viewer.get(f"/track/{reference}").get_data(as_text=True)
        assert "冯建军三日内清理杂物" in outcome
    party_inbox = db.session.scalars(select(InboxMessage).where(InboxMessage.party_id.is_not(None))).all()
    assert any("签名" in m.body and "印章" in m.body for m in party_inbox)  # in effect once signed and sealed
    assert "协议书.pdf" not in other.get(f"/track/{reference}").get_data(
        as_text=True
    )  # files stay the applicant's


def test_a_mediator_outside_the_case_gets_403(client, people, make_client):
    reference = applied(client, people)
    accept(make_client, people, reference)
    outsider = signed_in(make_client, "mediator2")
    assert outsider.get(f"/staff/requests/{reference}").status_code == 403
    assert act(outsider, reference, "start").status_code == 403
    assert signed_in(make_client, "mediator").get(f"/staff/requests/{reference}").status_code == 200


def test_the_other_party_may_refuse_and_either_party_may_end(client, people, make_client):
    refused = applied(client, people)
    accept(make_client, people, refused)
    other = make_client()
    other.submit("/track", {"reference": refused, "mobile": OTHER_MOBILE})
    other.submit(
        f"/track/{refused}/actions/party_refuse", {}, action=f"/track/{refused}/actions/party_refuse"
    )
    assert case(refused).status == "not_agreed" and not case(refused).is_open

    ended = applied(client, people)
    accept(make_client, people, ended)
    assert act(signed_in(make_client, "mediator"), ended, "start", STARTED).status_code == 303
    assert (
        client.submit(
            f"/track/{ended}/actions/applicant_end",
            {"applicant_end-comment": "不想再谈了"},
            action=f"/track/{ended}/actions/applicant_end",
        ).status_code
        == 303
    )
    assert case(ended).status == "failed" and case(ended).outcome_reason == "不想再谈了"
    # Ending is not for a third person who merely knows the reference.
    stranger = make_client()
    assert stranger.submit("/track", {}, action=f"/track/{ended}/actions/party_end").status_code == 403


def test_a_coordinator_declines_with_reasons_pointing_to_court(client, people, make_client):
    reference = applied(client, people, in_court="yes")
    coordinator = signed_in(make_client, "mediation")
    assert act(coordinator, reference, "decline", {"decline-reason": ""}).status_code == 400
    assert act(coordinator, reference, "decline", {"decline-reason": "该纠纷已由法院受理"}).status_code == 303
    message = db.session.scalars(
        select(InboxMessage).where(InboxMessage.party_id.is_(None)).order_by(InboxMessage.id.desc())
    ).first()
    assert "该纠纷已由法院受理" in message.body and "12348" in message.body


def test_staff_register_a_dispute_brought_in_person(client, people, make_client):
    coordinator = signed_in(make_client, "mediation")
    response = coordinator.submit("/staff/mediation/register", {**form(people), "channel": "counter"})
    assert response.status_code == 303
    found = db.session.scalar(select(MediationCase))
    assert found.channel == "counter" and found.entered_by_id == people["coordinator"].id
    assert signed_in(make_client, "mediator").get("/staff/mediation/register").status_code == 403


def test_a_written_agreement_is_reminded_of_court_confirmation_once(client, people, make_client, app):
    reference = applied(client, people)
    accept(make_client, people, reference)
    mediator = signed_in(make_client, "mediator")
    assert act(mediator, reference, "start", STARTED).status_code == 303
    act(mediator, reference, "record_agreement", agreement())
    found = case(reference)  # signed and sealed 25 days ago: the 30 days count from there
    found.agreement_effective_on = local_today() - timedelta(days=25)
    db.session.commit()
    runner = app.test_cli_runner()
    before = len(db.session.scalars(select(OutboxMessage)).all())
    assert "sent 1" in runner.invoke(args=["mediation-reminders"]).output
    assert "sent 0" in runner.invoke(args=["mediation-reminders"]).output
    db.session.expire_all()
    new = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[before:]
    assert {m.recipient for m in new} == {APPLICANT_MOBILE, OTHER_MOBILE}
    assert db.session.scalar(select(RequestParty.notified_at)) is not None


def test_staff_write_to_the_other_party_only_once_they_are_told(client, people, make_client):
    reference = applied(client, people)
    party_id = case(reference).other_party.id
    coordinator = signed_in(make_client, "mediation")
    page = f"/staff/requests/{reference}"
    early = coordinator.submit(
        page, {f"party{party_id}-body": "您好"}, action=f"{page}/parties/{party_id}/message"
    )
    assert early.status_code == 404
    accept(make_client, people, reference)
    sent = coordinator.submit(
        page, {f"party{party_id}-body": "请于周三上午到司法所。"}, action=f"{page}/parties/{party_id}/message"
    )
    assert sent.status_code == 303
    other = make_client()
    other.submit("/track", {"reference": reference, "mobile": OTHER_MOBILE})
    assert "请于周三上午到司法所。" in other.get(f"/track/{reference}").get_data(as_text=True)
    assert "请于周三上午到司法所。" not in client.get(f"/track/{reference}").get_data(as_text=True)


def test_a_mediators_queue_lists_only_the_mediations_given_to_them(client, people, make_client):
    """A mediator opens the mediation queue and finds their own cases, not a colleague's
    nor one waiting for acceptance. Mutant caught: the queue's participant clause
    listing every assigned mediation (`mediator_id IS NOT NULL` instead of "this
    mediator, first or second" in `_mediator_clause`, portal/mediation/workflow.py)."""
    mine = applied(client, people)
    accept(make_client, people, mine)
    theirs = applied(make_client(), people, mobile="13900000042", other_mobile="13900000052")
    coordinator = signed_in(make_client, "mediation")
    accepted = act(
        coordinator,
        theirs,
        "accept",
        {
            "accept-committee": str(people["committee_id"]),
            "accept-mediator": str(people["mediator2"].id),
            "accept-second_mediator": "",
            "accept-summary": SUMMARY,
        },
    )
    assert accepted.status_code == 303
    waiting = applied(make_client(), people, mobile="13900000043", other_mobile="13900000053")
    for tab in ("open", "all"):
        page = signed_in(make_client, "mediator").get(f"/staff/queue/mediation?tab={tab}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert mine in html and theirs not in html and waiting not in html
    assert theirs in coordinator.get("/staff/queue/mediation?tab=all").get_data(as_text=True)


def test_once_accepted_only_the_other_partys_own_mobile_follows_the_case(client, people, make_client):
    """After acceptance the other party follows the case with the reference and their own
    mobile; a stranger who knows the reference does not, whatever mobile they type.
    Mutant caught: the tracking predicate taking any told party whatever the mobile
    (`party_for_mobile` without `p.mobile == mobile`, portal/core/access.py)."""
    reference = applied(client, people)
    accept(make_client, people, reference)
    stranger = make_client()
    miss = stranger.submit("/track", {"reference": reference, "mobile": "13900000099"})
    assert miss.status_code == 200 and "field-error" in miss.get_data(as_text=True)
    refused = stranger.get(f"/track/{reference}")  # issue #28: the proof page, nothing of the case
    assert refused.status_code == 200 and 'name="mobile"' in refused.get_data(as_text=True)
    other = make_client()
    found = other.submit("/track", {"reference": reference, "mobile": OTHER_MOBILE})
    assert found.status_code == 302 and other.get(f"/track/{reference}").status_code == 200


def test_the_receipt_of_a_safe_contact_mediation_promises_no_text(client, people):
    """The receipt of an application that asked for no text message says none will come
    and no longer says one is on its way (a browser review of issue #30 found both on one
    page, for a person who may share a phone with the other party). Mutant seen red: the
    "what happens next" line without the safe-contact condition."""
    pin = "482916"
    reference = applied(
        client,
        people,
        no_texts="y",
        contact_how="工作日下午打这个号码",
        tracking_pin=pin,
        tracking_pin_again=pin,
    )
    receipt = client.get(f"/mediation/applied/{reference}").get_data(as_text=True)
    assert "不会发送任何短信" in receipt
    assert "发送载有查询编号的短信" not in receipt
