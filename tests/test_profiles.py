"""Legal-service-person profiles: the admin page, its checks, and the picker capabilities use."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import AccountType, User
from portal.accounts.profiles import (
    LegalServicePerson,
    LegalServiceSpecialty,
    legal_service_people,
    profile_of,
    save_profile,
    years_ago,
)
from portal.accounts.specialties import HEALTH_CHECK_AREAS, SPECIALTIES, Profession
from portal.core.clock import local_today
from portal.extensions import db

from support import PASSWORD


@pytest.fixture
def admin(make_staff, client):
    make_staff("admin", "admin")
    client.sign_in("admin")
    return client


def profile_page(user) -> str:
    return f"/staff/admin/users/{user.id}/profile"


def checked(html: str, name: str, value: str) -> bool:
    """Whether the radio button or checkbox `name` = `value` is ticked on the page."""
    return bool(re.search(rf'<input(?=[^>]*\bname="{name}")(?=[^>]*\bvalue="{value}")[^>]*\bchecked\b', html))


GOOD = {
    "profession": "lawyer",
    "licence_number": "14301201510012345",
    "practising_since": "2015-07-01",
    "firm": "湖南星沙律师事务所",
    "work_phone": "0731-8401 0001",
    "specialties": ["labour", "criminal"],
    "active": "y",
}


def test_admin_adds_and_edits_a_profile(admin, make_staff):
    chen = make_staff("chen", "lawyer", name="陈律师")
    page = admin.get(profile_page(chen))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert checked(html, "profession", "lawyer")  # a lawyer's account starts as a lawyer's profile
    assert not checked(html, "profession", "volunteer") and not checked(html, "specialties", "labour")
    assert all(f'value="{code}"' in html for code in SPECIALTIES)

    saved = admin.submit(profile_page(chen), GOOD)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/staff/admin/users/{chen.id}")
    profile = profile_of(chen)
    assert profile.profession == Profession.LAWYER and profile.licence_number == "14301201510012345"
    assert profile.practising_since == date(2015, 7, 1) and profile.firm == "湖南星沙律师事务所"
    assert profile.work_phone == "0731-84010001"  # spaces dropped, dash kept
    assert profile.specialties == ["labour", "criminal"] and profile.active
    account_page = admin.get(f"/staff/admin/users/{chen.id}").get_data(as_text=True)
    assert "14301201510012345" in account_page and "0731-84010001" in account_page
    assert admin.get("/staff/admin/users").status_code == 200
    assert checked(admin.get(profile_page(chen)).get_data(as_text=True), "specialties", "criminal")

    again = admin.submit(
        profile_page(chen),
        {
            **GOOD,
            "profession": "grassroots",
            "licence_number": "",
            "specialties": ["contracts"],
            "active": "",
        },
    )
    assert again.status_code == 303
    db.session.expire_all()
    profile = profile_of(chen)
    assert profile.profession == Profession.GRASSROOTS and profile.licence_number is None
    assert profile.specialties == ["contracts"] and not profile.active
    assert db.session.scalar(select(db.func.count()).select_from(LegalServicePerson)) == 1
    assert db.session.scalar(select(db.func.count()).select_from(LegalServiceSpecialty)) == 1


def test_bad_input_is_refused_next_to_each_field_and_the_rest_is_kept(admin, make_staff):
    chen = make_staff("chen", "lawyer", name="陈律师")
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    answer = admin.submit(
        profile_page(chen),
        {
            **GOOD,
            "licence_number": "  ",
            "practising_since": tomorrow,
            "work_phone": "call 0731",
            "firm": "湖南㮾梨律师事务所",
        },
    )
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    for field in ("licence_number", "practising_since", "work_phone"):
        assert f'id="{field}-error"' in html, field
        assert f'aria-describedby="{field}-hint {field}-error"' in html, field
    assert "error-summary" in html
    # What was typed comes back, the good and the bad.
    assert (
        'value="湖南㮾梨律师事务所"' in html and 'value="call 0731"' in html and f'value="{tomorrow}"' in html
    )
    assert checked(html, "specialties", "labour") and checked(html, "specialties", "criminal")
    assert checked(html, "profession", "lawyer") and not checked(html, "specialties", "family")
    assert profile_of(chen) is None

    for bad in ("not a date", "2015-13-01"):
        answer = admin.submit(profile_page(chen), {**GOOD, "practising_since": bad})
        assert answer.status_code == 400
        html = answer.get_data(as_text=True)
        assert 'id="practising_since-error"' in html and f'value="{bad}"' in html
    for bad in ("12345", "0731 8401 0001 0001 0001", "+86-", "０７３１", "0731--84010001", "-84010001"):
        answer = admin.submit(profile_page(chen), {**GOOD, "work_phone": bad})
        assert answer.status_code == 400 and 'id="work_phone-error"' in answer.get_data(as_text=True), bad
    answer = admin.submit(profile_page(chen), {**GOOD, "profession": "", "specialties": ["nonsense"]})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'id="profession-error"' in html and 'id="specialties-error"' in html
    # Full-width digits and an em dash are read as what they are.
    assert (
        admin.submit(profile_page(chen), {**GOOD, "work_phone": "０７３１—８４０１０００１"}).status_code
        == 303
    )
    assert profile_of(chen).work_phone == "0731-84010001"
    # A volunteer needs no licence number.
    assert (
        admin.submit(
            profile_page(chen), {**GOOD, "profession": "volunteer", "licence_number": ""}
        ).status_code
        == 303
    )


def test_only_admins_open_the_profile_page_and_only_for_staff_accounts(admin, make_staff, make_client):
    chen = make_staff("chen", "lawyer")
    make_staff("boss", "supervisor")
    for login in ("chen", "boss"):
        other = make_client()
        other.sign_in(login)
        assert other.get(profile_page(chen)).status_code == 403
        assert other.post(profile_page(chen), data=GOOD).status_code in (400, 403)  # no CSRF token either way
    assert make_client().get(profile_page(chen)).status_code == 302  # to the sign-in page
    resident = User(account_type=AccountType.RESIDENT, mobile="13800000009", display_name="居民")
    resident.set_password(PASSWORD)
    db.session.add(resident)
    db.session.commit()
    assert admin.get(profile_page(resident)).status_code == 404
    assert admin.get("/staff/admin/users/999999/profile").status_code == 404
    with pytest.raises(ValueError):
        save_profile(resident, profession="lawyer")


def test_the_picker_returns_active_people_by_profession_specialty_and_experience(app, make_staff):
    def person(username, profession, specialties, since=None, active=True, account_active=True):
        user = make_staff(username, "lawyer", name=username)
        user.is_active_account = account_active
        save_profile(
            user,
            profession=profession,
            specialties=specialties,
            practising_since=since,
            active=active,
            licence_number="L-" + username if profession == "lawyer" else None,
        )
        db.session.commit()
        return user

    person("a_senior", "lawyer", ["labour", "contracts", "criminal"], since=years_ago(5))
    person("b_junior", "lawyer", ["ip", "data"], since=years_ago(1))
    person("c_worker", "grassroots", ["labour", "family"], since=years_ago(12))
    person("d_volunteer", "volunteer", ["disputes"])
    person("e_inactive", "lawyer", ["labour"], since=years_ago(20), active=False)
    person("f_disabled", "lawyer", ["labour"], since=years_ago(20), account_active=False)
    make_staff("g_no_profile", "lawyer")

    def names(**filters):
        return [p.user.username for p in legal_service_people(**filters)]

    assert names() == ["a_senior", "b_junior", "c_worker", "d_volunteer"]
    assert names(profession="lawyer") == ["a_senior", "b_junior"]
    assert names(profession=Profession.GRASSROOTS) == ["c_worker"]
    assert names(specialty="labour") == ["a_senior", "c_worker"]
    assert names(profession="lawyer", specialty="labour") == ["a_senior"]
    assert names(specialty=["data", "disputes"]) == ["b_junior", "d_volunteer"]
    assert names(specialty="tax") == []
    assert names(profession="lawyer", min_years=3) == ["a_senior"]
    picked = legal_service_people(specialty="contracts")[0]
    assert picked.specialties == ["contracts", "labour", "criminal"]  # the vocabulary's order
    assert [str(label) for label in picked.specialty_labels][0] == str(SPECIALTIES["contracts"])
    assert picked.years_practising() == 5 and picked.profession_label == Profession.LAWYER.label


def test_the_vocabulary_holds_the_health_check_areas_and_the_other_practice_areas():
    assert list(HEALTH_CHECK_AREAS) == [
        "governance",
        "contracts",
        "labour",
        "ip",
        "tax",
        "safety",
        "data",
        "financing",
        "disputes",
    ]
    assert {"criminal", "family"} <= set(SPECIALTIES) and "labour" in SPECIALTIES
    assert {k.value for k in Profession} == {"lawyer", "grassroots", "volunteer"}


def test_years_practising_counts_whole_years():
    profile = LegalServicePerson(practising_since=date(2020, 3, 15))
    assert profile.years_practising(date(2023, 3, 14)) == 2
    assert profile.years_practising(date(2023, 3, 15)) == 3
    assert LegalServicePerson().years_practising() is None
    assert years_ago(1, date(2024, 2, 29)) == date(2023, 2, 28)


def test_demo_lawyers_have_profiles_one_senior_one_junior(app, monkeypatch):
    """The core demo data (lawyers are a core role), whatever the capabilities seed."""
    from portal import demo

    monkeypatch.setattr(demo, "capabilities", lambda: ())
    assert "2 legal-service profiles" in demo.seed_demo()
    lawyer, lawyer2 = (
        profile_of(db.session.scalar(select(User).where(User.username == u))) for u in ("lawyer", "lawyer2")
    )
    assert lawyer.profession == lawyer2.profession == Profession.LAWYER
    assert lawyer.years_practising() >= 3 and lawyer2.years_practising() < 3
    assert set(lawyer.specialties).isdisjoint(lawyer2.specialties)
    assert lawyer.licence_number and lawyer.work_phone and lawyer2.firm
    assert [p.user.username for p in legal_service_people(profession="lawyer", min_years=3)] == ["lawyer"]
    assert "nothing added" in demo.seed_demo()


def test_the_health_checks_use_the_same_area_codes_and_labels(app):
    """One vocabulary: a team is matched to an enterprise's areas by these codes."""
    vocabulary = pytest.importorskip("portal.health_checks.vocabulary")
    assert {code: str(label) for code, label in vocabulary.AREAS.items()} == {
        code: str(label) for code, label in HEALTH_CHECK_AREAS.items()
    }
