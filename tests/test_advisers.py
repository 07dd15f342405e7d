"""The public adviser directory: browse, search (characters, pinyin, initials, 㮾/榔), rank,
and "contact my adviser" as an AC request that is tracked and enters the adviser queue."""

import re

import pytest
from sqlalchemy import func, select
from test_advisers_support import directory, make_adviser, make_village

from portal.accounts.models import AccountType, User
from portal.advisers import search
from portal.advisers.models import AdviserContact, DirectoryEntry
from portal.core.models import OutboxMessage
from portal.extensions import db


@pytest.fixture
def world(app):
    return directory()


def result_names(client, q: str) -> list[str]:
    page = client.get("/advisers/", query_string={"q": q}).get_data(as_text=True)
    results = page.split('class="results"', 1)
    if len(results) < 2:
        return []
    return re.findall(r'<a href="/advisers/villages/\d+"><strong>([^<]+)</strong>', results[1])


def test_browse_townships_villages_and_the_adviser(client, world):
    index = client.get("/advisers/").get_data(as_text=True)
    assert "星沙街道" in index and "开慧镇" in index and "/advisers/townships/430121001" in index
    township = client.get("/advisers/townships/430121001").get_data(as_text=True)
    assert "金龙村" in township and "金龙湾社区" in township and "陈明" in township
    assert "老金龙村" not in township
    village = client.get(f"/advisers/villages/{world['金龙村'].id}").get_data(as_text=True)
    for shown in (
        "陈明",
        "测试律师事务所",
        "13900001001",
        "每月第二个周三上午",
        "土地承包",
        "adviser-placeholder.svg",
    ):
        assert shown in village
    assert f"/advisers/villages/{world['金龙村'].id}/contact" in village
    adviser = client.get(f"/advisers/people/{world['chen'].id}").get_data(as_text=True)
    assert "金龙村" in adviser and "金龙湾社区" in adviser and "老金龙村" not in adviser


def test_village_without_adviser_says_so_and_offers_no_contact(client, world):
    page = client.get(f"/advisers/villages/{world['星沙村'].id}")
    assert page.status_code == 200
    assert "/contact" not in page.get_data(as_text=True)
    assert client.get(f"/advisers/villages/{world['星沙村'].id}/contact").status_code == 404
    assert client.get("/advisers/villages/999999").status_code == 404
    assert client.get("/advisers/townships/000").status_code == 404


@pytest.mark.parametrize("q", ["xingsha", "xs", "星沙", "XingSha", "星沙街道"])
def test_search_finds_xingsha_by_characters_pinyin_and_initials(client, world, q):
    names = result_names(client, q)
    assert {"金龙村", "金龙湾社区"} <= set(names), (q, names)
    assert "老金龙村" not in names


@pytest.mark.parametrize("q", ["㮾梨", "榔梨", "langli", "㮾梨街道", "榔梨街道"])
def test_search_is_tolerant_of_the_variant_lang(client, world, q):
    assert result_names(client, q) == ["老金龙村"], q


@pytest.mark.parametrize("q", ["陈明", "chenming", "cm", "陈"])
def test_search_by_adviser_name(client, world, q):
    assert set(result_names(client, q)) == {"金龙村", "金龙湾社区"}, q


def test_search_ranks_exact_matches_first(client, world):
    # 金龙村 is exact, 金龙湾社区 starts with it, 老金龙村 only contains it.
    assert result_names(client, "jinlong") == ["金龙村", "金龙湾社区", "老金龙村"]
    assert result_names(client, "金龙") == ["金龙村", "金龙湾社区"]  # two characters: exact, then prefix
    # A village called 星沙村 (in 黄兴镇) is an exact match on its own name: before the
    # villages that are merely in 星沙街道.
    names = result_names(client, "星沙村")
    assert names[0] == "星沙村"


def test_search_without_match_and_odd_input(client, world):
    assert result_names(client, "zzzzqqq") == []
    for q in ["%", '"', "'; drop table village; --", "||", "a" * 200, "星 沙 街 道 金 龙"]:
        assert client.get("/advisers/", query_string={"q": q}).status_code == 200, q


def test_search_table_follows_renames_and_reassignment(app, world):
    chen = world["chen"]
    chen.name = "陈晓明"
    from portal.advisers import services

    services.save_adviser(chen)
    db.session.commit()
    hits, _ = search.search("chenxiaoming")
    assert {h.village_id for h in hits} == {world["金龙村"].id, world["金龙湾社区"].id}
    services.assign(world["金龙村"], world["wang"])
    db.session.commit()
    assert {h.village_id for h in search.search("wangfang")[0]} == {world["金龙村"].id, world["老金龙村"].id}
    assert {h.village_id for h in search.search("chenxiaoming")[0]} == {world["金龙湾社区"].id}
    assert db.session.scalar(select(func.count()).select_from(DirectoryEntry)) == 4


def test_search_pages(client, app):
    adviser = make_adviser("赵多")
    from portal.advisers import services

    for i in range(35):
        services.assign(make_village(f"多村{i:02d}号村"), adviser)
    db.session.commit()
    first = client.get("/advisers/?q=zhaoduo").get_data(as_text=True)
    assert first.count("/advisers/villages/") == 30 and "page=2" in first
    second = client.get("/advisers/?q=zhaoduo&page=2").get_data(as_text=True)
    assert second.count("/advisers/villages/") == 5


def contact_form(**overrides):
    data = {
        "topic": "land",
        "description": "承包地边界与邻居有争议，想请顾问来看看。",
        "name": "钱大伯",
        "mobile": "139 0000 0021",
        "preferred_time": "weekday_morning",
        "consent": "y",
    }
    data.update(overrides)
    return data


def test_contact_request_becomes_an_ac_request_tracked_and_queued(client, make_client, make_staff, world):
    page = f"/advisers/villages/{world['金龙村'].id}/contact"
    sent = client.submit(page, contact_form())
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    reference = sent.headers["Location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"AC-\d{4}-000001", reference)
    confirmation = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert reference in confirmation and "陈明" in confirmation
    contact = db.session.scalar(select(AdviserContact))
    assert (contact.adviser_id, contact.village_id, contact.applicant_mobile) == (
        world["chen"].id,
        world["金龙村"].id,
        "13900000021",
    )
    assert contact.status == "submitted" and contact.township_id == world["金龙村"].township_id
    # The resident and the adviser (whose work phone is a mobile) are told by SMS.
    recipients = set(db.session.scalars(select(OutboxMessage.recipient)))
    assert recipients == {"13900000021", "13900001001"}
    # Tracked like every other request: reference + mobile in another browser.
    other = make_client()
    found = other.submit("/track", {"reference": reference, "mobile": "13900000021"})
    assert found.status_code == 302
    tracking = other.get(f"/track/{reference}").get_data(as_text=True)
    assert "承包地边界" in tracking and "139****0021" in tracking
    # In the adviser queue.
    make_staff("admin1", "adviser_admin")
    staff = make_client()
    staff.sign_in("admin1")
    queue = staff.get("/staff/queue/adviser-contact").get_data(as_text=True)
    assert reference in queue
    assert reference in staff.get("/staff/queue/adviser-contact?topic=land").get_data(as_text=True)
    assert reference not in staff.get("/staff/queue/adviser-contact?topic=family").get_data(as_text=True)
    assert reference in staff.get(f"/staff/requests/{reference}").get_data(as_text=True)


def test_contact_form_validates_and_keeps_values(client, world):
    page = f"/advisers/villages/{world['金龙村'].id}/contact"
    answer = client.submit(page, contact_form(mobile="12345", consent=None))
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "error-summary" in html and "承包地边界" in html
    assert db.session.scalar(select(func.count()).select_from(AdviserContact)) == 0


def test_signed_in_resident_sees_it_under_my_requests(client, world):
    from support import PASSWORD

    user = User(account_type=AccountType.RESIDENT, mobile="13800000001", display_name="赵红")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    client.sign_in("13800000001")
    sent = client.submit(
        f"/advisers/villages/{world['金龙村'].id}/contact", contact_form(mobile="13800000001")
    )
    reference = sent.headers["Location"].rsplit("/", 1)[1]
    mine = client.get("/account/requests").get_data(as_text=True)
    assert reference in mine


def test_ac_transitions_by_the_linked_adviser_and_the_administrator(client, make_client, make_staff, world):
    lawyer = make_staff("chenming", "lawyer", name="陈明")
    other_lawyer = make_staff("lawyer2", "lawyer")
    make_staff("admin1", "adviser_admin")
    world["chen"].user_id = lawyer.id
    db.session.commit()
    reference = (
        client.submit(f"/advisers/villages/{world['金龙村'].id}/contact", contact_form())
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    second = (
        client.submit(f"/advisers/villages/{world['老金龙村'].id}/contact", contact_form())
        .headers["Location"]
        .rsplit("/", 1)[1]
    )

    adviser = make_client()
    adviser.sign_in("chenming")
    queue = adviser.get("/staff/queue/adviser-contact").get_data(as_text=True)
    assert reference in queue and second not in queue  # only their own requests
    assert adviser.get(f"/staff/requests/{second}").status_code == 403
    stranger = make_client()
    stranger.sign_in("lawyer2")
    assert reference not in stranger.get("/staff/queue/adviser-contact").get_data(as_text=True)
    assert stranger.get(f"/staff/requests/{reference}").status_code == 403
    assert other_lawyer  # (a lawyer who is nobody's adviser sees nothing)

    detail = f"/staff/requests/{reference}"
    # Illegal: answering before taking it up.
    illegal = adviser.submit(detail, {"answer-answer": "x"}, action=f"{detail}/actions/answer")
    assert illegal.status_code == 409
    assert adviser.submit(detail, {}, action=f"{detail}/actions/accept").status_code == 303
    answered = adviser.submit(
        detail, {"answer-answer": "已电话联系，约定周三上午到村部面谈。"}, action=f"{detail}/actions/answer"
    )
    assert answered.status_code == 303
    contact = db.session.scalar(select(AdviserContact).where(AdviserContact.reference == reference))
    assert contact.status == "answered" and contact.answer.startswith("已电话联系") and contact.due_at is None
    tracking = client.get(f"/track/{reference}").get_data(as_text=True)
    assert "已电话联系" in tracking

    # The administrator closes it.
    admin = make_client()
    admin.sign_in("admin1")
    assert admin.submit(detail, {}, action=f"{detail}/actions/close").status_code == 303
    db.session.expire_all()
    contact = db.session.get(AdviserContact, contact.id)
    assert contact.status == "closed" and not contact.is_open
    assert [e.action for e in contact.events] == ["submit", "accept", "answer", "close"]


def test_administrator_claims_then_answers_and_resident_may_withdraw(client, make_client, make_staff, world):
    make_staff("admin1", "adviser_admin")
    first = (
        client.submit(f"/advisers/villages/{world['金龙村'].id}/contact", contact_form())
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    admin = make_client()
    admin.sign_in("admin1")
    detail = f"/staff/requests/{first}"
    assert admin.submit(detail, {}, action=f"{detail}/claim").status_code == 303
    contact = db.session.scalar(select(AdviserContact))
    assert contact.status == "assigned"  # taking it takes it up
    # The resident withdraws from the tracking page.
    withdrawn = client.submit(
        f"/track/{first}/actions/withdraw", {}, action=f"/track/{first}/actions/withdraw"
    )
    assert withdrawn.status_code == 303
    db.session.expire_all()
    assert db.session.get(AdviserContact, contact.id).status == "withdrawn"
