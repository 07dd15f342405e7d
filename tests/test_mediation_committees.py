# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""Mediation committees on staff pages (issue 34, SPEC §12 round 3): the coordinator and the
admin keep committees of any level with their area and mediators; a case's mediator must be
one of its committee's (People's Mediation Law Art. 13)."""

from sqlalchemy import select
from test_mediation import accept, act, applied, case, people, signed_in  # noqa: F401

from portal.extensions import db
from portal.mediation.models import MediationCommittee


def committee_form(people, **overrides):
    data = {
        "name": "县医疗纠纷人民调解委员会",
        "name_en": "County Medical Disputes Committee",
        "level": "industry",
        "township": "",
        "area": "全县医疗机构",
        "mediators": [str(people["mediator2"].id)],
        "is_active": "y",
    }
    data.update(overrides)
    return data


def test_the_coordinator_and_the_admin_keep_committees_of_any_level(people, make_client, make_staff):
    coordinator = signed_in(make_client, "mediation")
    assert (
        coordinator.submit("/staff/mediation/committees/new", committee_form(people, name="")).status_code
        == 400
    )
    created = coordinator.submit("/staff/mediation/committees/new", committee_form(people))
    assert created.status_code == 303
    found = db.session.scalar(select(MediationCommittee).where(MediationCommittee.level == "industry"))
    assert found.area == "全县医疗机构" and [u.id for u in found.mediators] == [people["mediator2"].id]
    listing = coordinator.get("/staff/mediation/committees/").get_data(as_text=True)
    assert "县医疗纠纷人民调解委员会" in listing and "罗调解员" in listing and "行业性" in listing

    make_staff("root", "admin")
    admin = signed_in(make_client, "root")
    village = committee_form(people, name="王家村人民调解委员会", level="county", area="全县")
    assert admin.submit(f"/staff/mediation/committees/{found.id}", village).status_code == 303
    db.session.expire_all()
    assert db.session.get(MediationCommittee, found.id).level == "county"

    mediator = signed_in(make_client, "mediator")
    assert mediator.get("/staff/mediation/committees/").status_code == 403
    assert mediator.submit("/staff/mediation/committees/new", committee_form(people)).status_code == 403


def test_a_mediator_outside_the_committee_cannot_be_assigned(client, people, make_client):
    other = MediationCommittee(name="王家村人民调解委员会", name_en="Wangjia", level="village")
    other.mediators = [db.session.get(type(people["mediator2"]), people["mediator2"].id)]
    db.session.add(other)
    db.session.commit()
    reference = applied(client, people)
    coordinator = signed_in(make_client, "mediation")
    refused = act(
        coordinator,
        reference,
        "accept",
        {
            "accept-committee": str(other.id),
            "accept-mediator": str(people["mediator"].id),
            "accept-summary": "邻里纠纷",
        },
    )
    assert refused.status_code == 409
    assert "不是所选调解委员会的调解员" in refused.get_data(as_text=True)
    assert case(reference).status == "submitted" and case(reference).mediator_id is None
    second_outside = act(
        coordinator,
        reference,
        "accept",
        {
            "accept-committee": str(other.id),
            "accept-mediator": str(people["mediator2"].id),
            "accept-second_mediator": str(people["mediator"].id),
            "accept-summary": "邻里纠纷",
        },
    )
    assert second_outside.status_code == 409 and case(reference).mediator_id is None
    accepted = act(
        coordinator,
        reference,
        "accept",
        {
            "accept-committee": str(other.id),
            "accept-mediator": str(people["mediator2"].id),
            "accept-summary": "邻里纠纷",
        },
    )
    assert accepted.status_code == 303 and case(reference).mediator_id == people["mediator2"].id
