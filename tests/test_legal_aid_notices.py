"""Notices for anyone (Arts. 25, 28, 36) and applications forwarded from custody (Art. 39),
over HTTP (review rows A9-A11 of issue #32)."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.clock import local_midnight, local_today, utcnow
from portal.core.deadlines import due_after
from portal.core.models import ServiceRequest, Township
from portal.core.notifications import OutboxMessage
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

from support import VALID_ID

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def officer(make_client, make_staff):
    make_staff("officer", "legal_aid_officer", name="张敏")
    client = make_client()
    client.sign_in("officer")
    return client


def reload(reference) -> LegalAidApplication:
    db.session.expire_all()
    return db.session.scalar(select(LegalAidApplication).where(ServiceRequest.reference == reference))


def reference_of(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def notice(**overrides) -> dict:
    """A notice for a foreign national with a passport, no relative, no township."""
    form = {
        "authority": "长沙县公安局",
        "case_number": "长县公（刑）通字〔2026〕7号",
        "document_date": (local_today() - timedelta(days=1)).isoformat(),
        "received_on": local_today().isoformat(),
        "ground": "life_or_death",
        "charge": "走私毒品罪",
        "stage": "investigation",
        "person_name": "JOHN SMITH（美国籍）",
        "nationality": "美国",
        "id_type": "passport",
        "id_number": "a1234 5678",
        "gender": "male",
        "custody": "detained",
        "detention_place": "长沙县看守所",
        "township_id": "",
        "relative_name": "",
        "contact_mobile": "",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def post_notice(client, **overrides):
    return client.submit("/staff/legal-aid/notices/new", notice(**overrides))


def test_a_notice_for_a_foreign_national_with_a_passport_and_no_relative(officer):
    """A9. Mutants caught: the resident-ID validator back on the number (400), a relative's
    mobile or the township required again (400), an SMS queued to an empty mobile."""
    received = local_today() - timedelta(days=1)
    reference = reference_of(post_notice(officer, received_on=received.isoformat()))
    application = reload(reference)
    assert application.status == "approved" and application.source == "notice"
    assert application.applicant_name == "JOHN SMITH（美国籍）" and application.nationality == "美国"
    assert (application.id_type, application.id_document, application.id_number) == (
        "passport",
        "A12345678",
        None,
    )
    assert application.applicant_mobile is None and application.township_id is None
    # Art. 36: the lawyer within 3 days of the day the notice was received.
    assert application.due_at == due_after(local_midnight(received), 3, "calendar")
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == "")
        )
        == 0
    )
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "JOHN SMITH" in page and "A123*5678" in page and "美国" in page


def test_a_notice_for_an_unidentified_person_on_bail(officer):
    """A9: 身份不明 with a description, no document, not detained. Mutant caught: the place of
    detention required whatever the custody (400)."""
    reference = reference_of(
        post_notice(
            officer,
            person_name="",
            identity_unknown="y",
            person_description="男，约四十岁，左臂有龙形纹身",
            nationality="",
            id_type="none",
            id_number="",
            custody="bail",
            detention_place="",
            ground="sensory_disability",
            stage="prosecution_review",
        )
    )
    application = reload(reference)
    assert application.applicant_name == "身份不明" and application.identity_unknown
    assert application.person_description.startswith("男，约四十岁")
    assert (application.custody, application.detention_place, application.id_type) == ("bail", None, "none")
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "龙形纹身" in page and "取保候审" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "AB 1"}, "id_number", "5 到 20 位"),
        ({"id_type": "resident_id", "id_number": "36042619910102009X"}, "id_number", "身份证"),
        ({"person_name": "", "identity_unknown": None}, "person_name", "身份不明"),
        ({"person_name": "", "identity_unknown": "y"}, "person_description", "描述"),
        ({"detention_place": ""}, "detention_place", "羁押场所"),
        ({"ground": "death_review", "stage": "criminal_trial"}, "stage", "死刑复核"),
    ],
)
def test_bad_notices_get_a_message_next_to_the_field_and_keep_the_text(officer, overrides, field, message):
    """A9-A10: each identity rule by its document type, the detention place when detained, a
    ground that fixes the stage. Mutant caught: any of these checks removed (303 instead)."""
    response = post_notice(officer, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in html or f'id="{field}"' in html
    assert message in html
    assert "长县公（刑）通字〔2026〕7号" in html  # what was typed stays
    assert db.session.scalar(select(func.count()).select_from(LegalAidApplication)) == 0


def test_a_notice_records_its_ground_and_the_death_review_stage_is_art_26(officer):
    """A10: the ground and document date are kept; a death-sentence review is an Art. 26 case
    without the tick box; the page cites Art. 36 (not 35). Mutant caught: SERIOUS_GROUNDS
    ignored (serious_sentence False)."""
    page = officer.get("/staff/legal-aid/notices/new").get_data(as_text=True)
    assert "第三十六条" in page and "第三十五条" not in page
    for ground in ("强制医疗", "缺席审判", "盲、聋、哑", "未成年人"):
        assert ground in page
    reference = reference_of(
        post_notice(officer, ground="death_review", stage="death_review", authority="湖南省高级人民法院")
    )
    application = reload(reference)
    assert application.notice_ground == "death_review" and application.stage == "death_review"
    assert application.serious_sentence is True
    assert application.notice_document_date == local_today() - timedelta(days=1)
    reference = reference_of(
        post_notice(officer, ground="compulsory_treatment", stage="compulsory_treatment", charge="故意伤害")
    )
    assert reload(reference).serious_sentence is False


def forwarded(**overrides) -> dict:
    """A prisoner's divorce application, forwarded two days after it was handed in."""
    township = db.session.scalars(select(Township.id)).first()
    form = {
        "forwarded_from": "prisoner",
        "authority": "湖南省长沙监狱",
        "handed_in_on": (local_today() - timedelta(days=3)).isoformat(),
        "forwarded_on": (local_today() - timedelta(days=1)).isoformat(),
        "received_on": local_today().isoformat(),
        "person_name": "吴某",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "township_id": str(township),
        "contact_mobile": "",
        "matter_type": "family_support",
        "stage": "first_instance",
        "handling_authority": "court",
        "charge": "",
        "opposing_party": "李某",
        "facts": "本人在监服刑，妻子起诉离婚并要求独自抚养孩子，本人请求法律援助以主张探望权。",
        "counsel_retained": "no",
        "claim_exemption": "none",
        "means_waiver": "none",
        "household_size": "1",
        "monthly_income": "0",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def received_on_a_day_that_matters():
    """A recent day whose 7-day deadline differs from one counted from now (a weekend can
    move both to the same Monday), so that the test tells the two apart."""
    from_now = due_after(utcnow(), 7, "calendar")
    return next(
        day
        for day in (local_today() - timedelta(days=n) for n in range(1, 8))
        if due_after(local_midnight(day), 7, "calendar") != from_now
    )


def test_a_prisoners_civil_application_is_reviewed_and_decided_in_writing(officer):
    """A11. Mutants caught: a forwarded application entering approved (no review, the
    decision document 404), the 7-day clock from registration instead of receipt, the
    late forwarding not flagged."""
    received = received_on_a_day_that_matters()
    data = forwarded(
        handed_in_on=(received - timedelta(days=3)).isoformat(),
        forwarded_on=(received - timedelta(days=1)).isoformat(),
        received_on=received.isoformat(),
    )
    data["attachments"] = [(io.BytesIO(PDF), "申请书.pdf")]
    response = officer.submit("/staff/legal-aid/forwarded/new", data, content_type="multipart/form-data")
    reference = reference_of(response)
    application = reload(reference)
    assert application.status == "under_review" and application.source == "detention"
    assert (application.matter_type, application.charge, application.forwarded_from) == (
        "family_support",
        None,
        "prisoner",
    )
    assert application.decision_due_at == due_after(local_midnight(received), 7, "calendar")
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "湖南省长沙监狱" in page and "超过 24 小时" in page

    version = reload(reference).version
    page_url = f"/staff/requests/{reference}"
    decided = officer.submit(
        page_url,
        {"approve-comment": "经审查符合条件", "approve-version": str(version)},
        action=f"{page_url}/actions/approve",
    )
    assert decided.status_code == 303, decided.get_data(as_text=True)[:2000]
    assert reload(reference).status == "approved"
    document = officer.get(f"/legal-aid/decisions/{reference}/approval")
    assert document.status_code == 200 and "吴某" in document.get_data(as_text=True)


def test_a_forwarded_application_asks_the_means_test_or_art_24_as_the_matter_needs(officer):
    """A11: a civil matter needs the household's means; a criminal defence needs the charge
    but no means test (Art. 24). Mutant caught: means_test_needed skipped for forwarded
    applications (the civil one is entered without means)."""
    civil = officer.submit("/staff/legal-aid/forwarded/new", forwarded(household_size="", monthly_income=""))
    assert civil.status_code == 400 and "家庭人口" in civil.get_data(as_text=True)
    defence = forwarded(
        forwarded_from="detained",
        authority="长沙县看守所",
        matter_type="criminal_defence",
        stage="prosecution_review",
        handling_authority="procuratorate",
        household_size="",
        monthly_income="",
        handed_in_on=local_today().isoformat(),
        forwarded_on=local_today().isoformat(),
    )
    missing_charge = officer.submit("/staff/legal-aid/forwarded/new", defence)
    assert missing_charge.status_code == 400 and 'id="charge' in missing_charge.get_data(as_text=True)
    reference = reference_of(officer.submit("/staff/legal-aid/forwarded/new", defence | {"charge": "盗窃罪"}))
    application = reload(reference)
    assert application.status == "under_review" and application.household_size is None
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "超过 24 小时" not in page


def test_forwarding_dates_in_the_wrong_order_are_refused(officer):
    response = officer.submit(
        "/staff/legal-aid/forwarded/new",
        forwarded(
            handed_in_on=local_today().isoformat(),
            forwarded_on=(local_today() - timedelta(days=1)).isoformat(),
        ),
    )
    assert response.status_code == 400 and "转交" in response.get_data(as_text=True)


def test_only_officers_open_the_forms(make_client, make_staff):
    make_staff("lawyer", "lawyer")
    lawyer = make_client()
    lawyer.sign_in("lawyer")
    assert lawyer.get("/staff/legal-aid/forwarded/new").status_code == 403
    assert lawyer.get("/staff/legal-aid/notices/new").status_code == 403
