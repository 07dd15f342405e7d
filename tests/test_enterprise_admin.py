"""The admin's enterprise decisions go through form classes (issue #38): a hand-over to a
wrong mobile is refused next to that member's field with the typed value kept; a
membership can be ended with a reason; a decision the state refuses is not taken."""

from sqlalchemy import select
from test_health_checks import register_enterprise, signed_in, team, verified_clerk  # noqa: F401

from portal.accounts.enterprises import EnterpriseMember
from portal.extensions import db

PAGE = "/staff/admin/enterprises/"


def _verified():
    return db.session.scalar(select(EnterpriseMember).where(EnterpriseMember.status == "verified"))


def test_a_hand_over_to_a_wrong_mobile_is_refused_next_to_the_field(team, make_client, make_staff):  # noqa: F811
    verified_clerk(make_client)
    register_enterprise(make_client(), "13800000022", name="新会计")
    make_staff("admin", "admin")
    admin = signed_in(make_client, "admin")
    member = _verified()
    action = f"/staff/admin/enterprises/members/{member.id}/transfer"
    for typed in ("1380000", "13900000000", member.user.mobile):
        answer = admin.submit(PAGE, {"mobile": typed}, action=action)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 400, typed
        assert f'id="transfer-{member.id}-error"' in html and f'value="{typed}"' in html
    db.session.expire_all()
    assert _verified().user_id == member.user_id  # nothing handed over


def test_a_membership_ends_with_its_reason_and_cannot_be_ended_twice(team, make_client, make_staff):  # noqa: F811
    verified_clerk(make_client)
    make_staff("admin", "admin")
    admin = signed_in(make_client, "admin")
    member = _verified()
    action = f"/staff/admin/enterprises/members/{member.id}/revoke"
    assert admin.submit(PAGE, {"note": "会计已离职"}, action=action).status_code == 303
    db.session.expire_all()
    ended = db.session.get(EnterpriseMember, member.id)
    assert ended.status == "revoked" and "会计已离职" in (ended.note or "")
    page = admin.get(PAGE).get_data(as_text=True)
    assert action not in page  # not offered again
    assert admin.submit(PAGE, {"note": "x"}, action=action).status_code == 409
