"""The application form over HTTP: exemptions tied to the claim (Arts. 32, 42), criminal
suspects (Art. 24), both hardship rules (Art. 34), no answer chosen in advance, and the
exemption's proof on the confirmation and in the officer's checklist."""

import re

import pytest
from sqlalchemy import func, select

from portal.core.models import ServiceRequest, Township
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

from support import application_form, every_apply_page

RURAL = "430121102"  # 黄兴镇


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def apply(client, **overrides):
    return client.submit("/legal-aid/apply", application_form(**overrides))


def applications() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceRequest))


def error_of(page: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page, re.S)
    assert match, f"no error next to {field}"
    return re.sub(r"<[^>]+>", "", match.group(1))


CLAIMS = [
    # question, exemption, a claim it covers, a claim it does not cover, its proof on the confirmation
    (
        "claim_exemption",
        "martyr_relative",
        "not_listed",
        "labour",
        "Proof that you are a close relative of the hero",
    ),
    ("claim_exemption", "good_samaritan", "not_listed", "labour", "Proof of the act of bravery"),
    ("claim_exemption", "retrial_acquittal", "state_compensation", "labour", "The retrial judgment"),
    ("claim_exemption", "abuse_victim", "family_support", "environment", "Proof of the abuse"),
    (
        "means_waiver",
        "no_income_vulnerable",
        "family_support",
        "not_listed",
        "Proof of your age or disability",
    ),
    (
        "means_waiver",
        "assistance_recipient",
        "labour",
        "not_listed",
        "Your certificate of minimum living allowance",
    ),
    ("means_waiver", "migrant_worker", "labour", "personal_injury", "Proof that you are a migrant worker"),
    (
        "means_waiver",
        "migrant_worker",
        "work_injury",
        "family_support",
        "Proof that you are a migrant worker",
    ),
]


@pytest.mark.parametrize(("question", "exemption", "covered", "uncovered", "proof"), CLAIMS)
def test_an_exemption_frees_the_claim_it_covers_from_the_income_questions(
    client, question, exemption, covered, uncovered, proof
):
    response = apply(
        client, matter_type=covered, household_size="", monthly_income="", **{question: exemption}
    )
    assert response.status_code == 303, error_summary(response)
    application = db.session.scalar(select(LegalAidApplication))
    stored = application.claim_exemption if question == "claim_exemption" else application.exemption
    assert stored == exemption and application.household_size is None
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Proof needed:" in confirmation and proof in confirmation
    assert any(item.startswith(proof) for item in materials_to_bring(confirmation))


#: Exemptions tied to claims (a waiver for a person, Art. 42(一)-(二), applies to any claim the
#: law covers; whether the claim is covered is the self-check's and the office's answer).
TIED = [c for c in CLAIMS if c[0] == "claim_exemption" or c[1] == "migrant_worker"]


@pytest.mark.parametrize(("question", "exemption", "covered", "uncovered", "proof"), TIED)
def test_an_exemption_chosen_for_a_claim_it_does_not_cover_is_refused_next_to_it(
    client, question, exemption, covered, uncovered, proof
):
    response = apply(
        client, matter_type=uncovered, household_size="", monthly_income="", **{question: exemption}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "only" in error_of(page, question)  # e.g. "... only for a claim for state compensation"
    assert applications() == 0
    # Without the exemption, the same claim goes through on income.
    assert apply(client, matter_type=uncovered, **{question: "none"}).status_code == 303


@pytest.mark.parametrize(
    ("question", "exemption"), [("claim_exemption", "other_no_test"), ("means_waiver", "other_waiver")]
)
def test_other_situations_set_by_law_go_to_the_office(client, question, exemption):
    response = apply(
        client, matter_type="labour", household_size="", monthly_income="", **{question: exemption}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The law that" in page


def test_a_criminal_suspect_may_apply_without_income_figures(client):
    """Art. 24: 'economic hardship or other reasons'."""
    response = apply(
        client,
        matter_type="criminal_defence",
        stage="investigation",
        handling_authority="police",
        household_size="",
        monthly_income="",
    )
    assert response.status_code == 303
    application = db.session.scalar(select(LegalAidApplication))
    assert (application.matter_type, application.household_size) == ("criminal_defence", None)
    assert "income" not in " ".join(
        materials_to_bring(client.get(response.headers["Location"]).get_data(as_text=True))
    )


def test_a_crime_victim_gives_income_figures(client):
    response = apply(client, matter_type="criminal_victim", household_size="", monthly_income="")
    assert response.status_code == 400
    assert applications() == 0


def test_nothing_is_chosen_in_advance_on_the_form(client):
    page = every_apply_page(client)
    ticked = re.findall(r"<input[^>]*\bchecked\b[^>]*>", page)
    assert len(ticked) == 1 and 'name="applying_for"' in ticked[0]  # the answer given to see every page
    for select_id in ("township", "matter_type", "stage", "relation"):
        options = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
        first, rest = re.match(r"(<option[^>]*>)(.*)", options, re.S).groups()
        assert 'value=""' in first and "selected" not in rest, select_id
    # Each page sent untouched: its every question is named, and the matter is not "criminal suspect".
    for page_name, names in (
        ("who", ("applying_for",)),
        ("kind", ("matter_kind",)),
        ("matter", ("matter_type",)),
        ("stage", ("stage",)),
        ("office", ("handling_authority", "case_place")),
        ("claims", ("claim_exemption",)),
        ("waivers", ("means_waiver",)),
        ("contact", ("township",)),
    ):
        response = client.submit(f"/legal-aid/apply/{page_name}", {})
        assert response.status_code == 400, page_name
        page = response.get_data(as_text=True)
        for name in names:
            assert f'id="{name}-error"' in page, name
    assert applications() == 0


def test_full_width_and_spaced_figures_are_read(client):
    response = apply(client, household_size="３", monthly_income="２，４００")
    assert response.status_code == 303
    application = db.session.scalar(select(LegalAidApplication))
    assert (application.household_size, application.monthly_income) == (3, 2400)


def test_the_income_rule_is_recorded_with_the_township(client):
    rural = db.session.scalar(select(Township.id).where(Township.code == RURAL))
    response = apply(client, township=str(rural), household_size="2", monthly_income="2790")
    assert response.status_code == 303
    application = db.session.scalar(select(LegalAidApplication))
    assert (application.hardship_rule, application.township_id) == ("income", rural)


def test_the_hunan_rule_asks_about_recognition_and_sudden_hardship(client, app):
    app.config["LEGAL_AID_HARDSHIP_RULE"] = "hunan"
    form = every_apply_page(client)
    assert 'name="low_income"' in form and 'name="household_size"' not in form
    missing = apply(client, household_size=None, monthly_income=None)
    assert missing.status_code == 400
    page = missing.get_data(as_text=True)
    assert 'id="low_income-error"' in page and 'id="sudden_hardship-error"' in page
    response = apply(client, household_size=None, monthly_income=None, low_income="yes", sudden_hardship="no")
    assert response.status_code == 303
    application = db.session.scalar(select(LegalAidApplication))
    assert (application.hardship_rule, application.low_income, application.sudden_hardship) == (
        "hunan",
        True,
        False,
    )
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Proof that your household is recognised as low-income" in materials_to_bring(confirmation)


def test_the_officer_sees_the_exemption_and_its_proof_first_in_the_checklist(client, make_client, make_staff):
    make_staff("officer", "legal_aid_officer")
    response = apply(
        client, matter_type="labour", means_waiver="migrant_worker", household_size="", monthly_income=""
    )
    reference = response.headers["Location"].rsplit("/", 1)[1]
    officer = make_client()
    officer.get("/language/en")
    officer.sign_in("officer")
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    page = officer.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "Means check waived" in page and "Migrant worker claiming pay or a work injury" in page
    boxes = re.findall(r'name="request_materials-items"[^>]*value="(\w+)"', page) or re.findall(
        r'value="(\w+)"[^>]*name="request_materials-items"', page
    )
    assert boxes[:2] == ["id_copy", "proof_migrant_worker"], boxes


def materials_to_bring(page: str) -> list[str]:
    block = re.search(r'<ul id="materials-to-bring">(.*?)</ul>', page, re.S)
    assert block, "no list of materials on the confirmation"
    return [
        re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    ]


def error_summary(response) -> str:
    page = response.get_data(as_text=True)
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))) if match else page[:500]


def test_answers_that_are_not_among_the_choices_are_refused_not_a_crash(client):
    bogus = application_form(
        township="abc",
        matter_type="bogus",
        claim_exemption="bogus",
        means_waiver="²",
        matter_kind="both",
        applying_for="nobody",
        low_income="maybe",
    )
    for page_name, names in (
        ("who", ("applying_for",)),
        ("kind", ("matter_kind",)),
        ("matter", ("matter_type",)),
        ("claims", ("claim_exemption",)),
        ("waivers", ("means_waiver",)),
        ("contact", ("township",)),
    ):
        response = client.submit(f"/legal-aid/apply/{page_name}", bogus)
        assert response.status_code == 400, page_name
        page = response.get_data(as_text=True)
        for name in names:
            assert f'id="{name}-error"' in page, name
    check = client.submit(
        "/legal-aid/", {"matter": "bogus", "claim_exemption": "x", "means_waiver": "none", "township": "²"}
    )
    assert check.status_code == 200 and 'class="result' not in check.get_data(as_text=True)
    assert applications() == 0
