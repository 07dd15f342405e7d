# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""Rights and duties first (issue 34, SPEC §12 round 3): the other party reads the
coordinator's summary (never the applicant's own words or contact data) and their rights and
duties, and chooses public or non-public before agreeing; either party may ask for another
mediator, decided by the coordinator with reasons."""

from sqlalchemy import select
from test_mediation import (  # noqa: F401
    AGREE,
    APPLICANT_MOBILE,
    OTHER_MOBILE,
    SUMMARY,
    accept,
    act,
    applied,
    case,
    people,
    signed_in,
)

from portal.core.models import InboxMessage
from portal.core.services import perform
from portal.extensions import db

OWN_WORDS = ("清理通道杂物", "邻居在通道上堆放杂物")


def as_other_party(make_client, reference):
    other = make_client()
    assert other.submit("/track", {"reference": reference, "mobile": OTHER_MOBILE}).status_code == 302
    return other


def test_the_other_party_reads_summary_and_rights_and_chooses_non_public_before_agreeing(
    client, people, make_client
):
    reference = applied(client, people)
    accept(make_client, people, reference)
    other = as_other_party(make_client, reference)
    page = other.get(f"/track/{reference}").get_data(as_text=True)
    assert SUMMARY in page and "您在调解中的权利和义务" in page and "如实陈述纠纷事实" in page
    assert not any(words in page for words in OWN_WORDS) and APPLICANT_MOBILE not in page
    assert page.index("如实陈述纠纷事实") < page.index("/actions/party_agree")  # rights above the button
    agree = f"/track/{reference}/actions/party_agree"
    unread = other.submit(f"/track/{reference}", {"party_agree-privacy": "private"}, action=agree)
    assert unread.status_code == 400 and 'id="party_agree-rights_read-error"' in unread.get_data(as_text=True)
    assert case(reference).status == "accepted"
    assert other.submit(f"/track/{reference}", AGREE, action=agree).status_code == 303
    found = case(reference)
    assert found.status == "mediating" and found.party_private is True and found.party_rights_read_at
    assert found.applicant_private is True and found.applicant_rights_read_at
    staff_page = signed_in(make_client, "mediator").get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert staff_page.count("不公开调解：只有当事人和调解员参加") == 2


def test_before_the_coordinators_summary_the_other_party_sees_none_of_the_applicants_words(
    client, people, make_client
):
    reference = applied(client, people)
    found = case(reference)
    coordinator = people["coordinator"]
    perform(
        found,
        "accept",
        user=coordinator,
        data={"committee": people["committee_id"], "mediator": str(people["mediator"].id)},
    )
    db.session.commit()
    other = as_other_party(make_client, reference)
    page = other.get(f"/track/{reference}").get_data(as_text=True)
    assert "调解委员会正在为您撰写纠纷摘要" in page
    assert not any(words in page for words in OWN_WORDS) and APPLICANT_MOBILE not in page
    assert f"/track/{reference}/actions/party_agree" not in page
    # Posted anyway (with the CSRF token of the refusal's confirmation page): refused.
    refusal_page = f"/track/{reference}/actions/party_refuse"
    refused = other.submit(refusal_page, AGREE, action=f"/track/{reference}/actions/party_agree")
    assert refused.status_code in (303, 409) and case(reference).status == "accepted"


def test_a_summary_carrying_the_applicants_mobile_is_refused(client, people, make_client):
    reference = applied(client, people)
    refused = act(
        signed_in(make_client, "mediation"),
        reference,
        "accept",
        {
            "accept-committee": str(people["committee_id"]),
            "accept-mediator": str(people["mediator"].id),
            "accept-summary": f"申请人电话{APPLICANT_MOBILE}，邻里纠纷",
        },
    )
    assert refused.status_code == 409 and case(reference).status == "submitted"


def test_either_party_asks_for_another_mediator_and_the_coordinator_decides_with_reasons(
    client, people, make_client, make_staff
):
    outsider = make_staff("mediator3", "mediator", name="外委调解员")
    reference = applied(client, people)
    accept(make_client, people, reference)
    other = as_other_party(make_client, reference)
    other.submit(f"/track/{reference}", AGREE, action=f"/track/{reference}/actions/party_agree")
    coordinator = signed_in(make_client, "mediation")
    page = coordinator.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "/actions/decide_mediator_change" not in page  # nobody asked yet
    ask = f"/track/{reference}/actions/party_ask_other_mediator"
    assert (
        other.submit(f"/track/{reference}", {"party_ask_other_mediator-reason": ""}, action=ask).status_code
        == 400
    )
    asked = other.submit(
        f"/track/{reference}", {"party_ask_other_mediator-reason": "调解员是对方的亲戚"}, action=ask
    )
    assert asked.status_code == 303 and case(reference).mediator_change_by == "party"
    assert "调解员是对方的亲戚" in coordinator.get(f"/staff/requests/{reference}").get_data(as_text=True)
    decide = {
        "decide_mediator_change-decision": "grant",
        "decide_mediator_change-mediator": str(outsider.id),
        "decide_mediator_change-reasons": "当事人申请回避",
    }
    assert act(coordinator, reference, "decide_mediator_change", decide).status_code == 409
    assert case(reference).mediator_id == people["mediator"].id
    no_reasons = {**decide, "decide_mediator_change-reasons": ""}
    assert act(coordinator, reference, "decide_mediator_change", no_reasons).status_code == 400
    decide["decide_mediator_change-mediator"] = str(people["mediator2"].id)
    assert act(coordinator, reference, "decide_mediator_change", decide).status_code == 303
    found = case(reference)
    assert found.mediator_id == people["mediator2"].id and "当事人申请回避" in found.mediator_change_decision
    assert found.mediator_change_by is None
    told = [m.body for m in db.session.scalars(select(InboxMessage).order_by(InboxMessage.id))]
    assert any("当事人申请回避" in body for body in told)  # both parties are told the reasons
