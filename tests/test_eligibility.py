"""The eligibility self-check over HTTP: coverage, exemptions per claim (Arts. 32, 42),
criminal suspects (Art. 24), both hardship rules (Art. 34) with decimal amounts and urban
and rural townships, where to apply (Art. 38); nothing stored, nothing chosen in advance."""

import re

import pytest
from sqlalchemy import func, select

from portal.config import settings_from_environment
from portal.core.models import ServiceRequest, Township
from portal.extensions import db

URBAN, RURAL = "430121001", "430121102"  # 星沙街道 (a subdistrict), 黄兴镇 (a town)
RESULT = re.compile(r'class="result result-(\w+)"')


@pytest.fixture(autouse=True)
def english(client):
    """The texts below are the English ones."""
    client.get("/language/en")


def township_id(code: str) -> str:
    return str(db.session.scalar(select(Township.id).where(Township.code == code)))


def self_check(client, **answers) -> str:
    """The self-check page for these answers (unanswered exemptions: None of these)."""
    query = {"claim_exemption": "none", "means_waiver": "none", **answers}
    if "township" in query:
        query["township"] = township_id(query["township"])
    response = client.submit("/legal-aid/", query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def ticked(page: str, name: str) -> str | None:
    """The value of the radio button of `name` that is ticked, if any."""
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page):
        if re.search(r"\bchecked\b", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def verdict(page: str) -> str | None:
    match = RESULT.search(page)
    return match.group(1) if match else None


def test_an_untouched_self_check_gives_no_verdict(client):
    page = client.get("/legal-aid/").get_data(as_text=True)
    assert verdict(page) is None
    assert not re.search(r"<input[^>]*\bchecked\b", page)  # no radio ticked in advance
    matter = re.search(r'<select[^>]*id="matter"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert matter.startswith('<option value="">') and "selected" not in matter  # the placeholder shows
    # Pressing "Check" without answering: the questions are named, still no verdict.
    page = client.submit("/legal-aid/", {"matter": ""}).get_data(as_text=True)
    assert verdict(page) is None
    for name in ("matter", "claim_exemption", "means_waiver"):
        assert f'id="{name}-error"' in page


def test_the_self_check_answers_and_stores_nothing(client):
    page = self_check(client, matter="labour", township=URBAN, household_size="3", monthly_income="3000")
    assert verdict(page) == "likely"
    assert "1860" in page  # 930 x 2 per person and month in an urban subdistrict
    page = self_check(client, matter="not_listed")
    assert verdict(page) == "not_covered" and 'href="/consultations/"' in page
    assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


def test_bad_self_check_input_is_shown_next_to_the_field(client):
    page = self_check(client, matter="labour", household_size="abc")
    assert 'id="household_size-error"' in page and 'value="abc"' in page
    assert verdict(page) is None


# Each exemption against a claim it covers and one it does not (the claim decides, not the person).
ART_32 = [
    # exemption, covered claim, uncovered claim
    ("martyr_relative", "not_listed", "labour"),
    ("good_samaritan", "not_listed", "labour"),
    ("retrial_acquittal", "state_compensation", "labour"),
    ("abuse_victim", "not_listed", "environment"),
]


@pytest.mark.parametrize(("exemption", "covered", "uncovered"), ART_32)
def test_art_32_frees_only_its_own_claims_from_the_hardship_test(client, exemption, covered, uncovered):
    # The claim is covered even outside the Art. 31 list, and no income is asked for.
    page = self_check(client, matter=covered, claim_exemption=exemption)
    assert verdict(page) == "likely"
    assert "No economic-hardship test applies to this claim (Art. 32)." in page
    # Another claim of the same person: tested on income as usual, and the page says why.
    page = self_check(
        client,
        matter=uncovered,
        claim_exemption=exemption,
        township=URBAN,
        household_size="1",
        monthly_income="9000",
    )
    assert verdict(page) == "unlikely"
    assert "Art. 32" in page and "No economic-hardship test applies" not in page


def test_art_32_other_situations_set_by_law_leave_it_to_the_office(client):
    page = self_check(client, matter="not_listed", claim_exemption="other_no_test")
    assert verdict(page) == "maybe"  # not "not covered": the law named may cover it
    page = self_check(client, matter="labour", claim_exemption="other_no_test")
    assert verdict(page) == "maybe"
    assert "checks which law you mean" in page


ART_42 = [
    # waiver, covered claim, claim it does not help (uncovered, or means-tested as usual)
    ("no_income_vulnerable", "family_support", "not_listed"),
    ("assistance_recipient", "personal_injury", "not_listed"),
    ("migrant_worker", "labour", "personal_injury"),
    ("migrant_worker", "work_injury", "family_support"),
]


@pytest.mark.parametrize(("waiver", "covered", "uncovered"), ART_42)
def test_art_42_waives_the_means_check_only_where_it_applies(client, waiver, covered, uncovered):
    page = self_check(client, matter=covered, means_waiver=waiver)
    assert verdict(page) == "likely"
    assert "The means check is waived when you show proof of your situation (Art. 42)." in page
    page = self_check(
        client,
        matter=uncovered,
        means_waiver=waiver,
        township=URBAN,
        household_size="1",
        monthly_income="9000",
    )
    assert verdict(page) in ("not_covered", "unlikely")
    assert "The means check is waived" not in page


def test_a_migrant_worker_in_a_traffic_accident_is_told_why_income_counts(client):
    page = self_check(client, matter="personal_injury", means_waiver="migrant_worker")
    assert verdict(page) == "maybe"  # income not given yet: not waived
    assert "only for a claim for unpaid pay or a work injury" in page


def test_art_42_other_situations_set_by_law_leave_it_to_the_office(client):
    page = self_check(client, matter="labour", means_waiver="other_waiver")
    assert verdict(page) == "maybe" and "whether it waives the means check" in page
    assert verdict(self_check(client, matter="not_listed", means_waiver="other_waiver")) == "not_covered"


def test_the_proof_of_the_exemption_is_named(client):
    page = self_check(client, matter="labour", means_waiver="assistance_recipient")
    assert "Proof to bring:" in page
    assert "Your certificate of minimum living allowance" in page


@pytest.mark.parametrize(("income", "expected"), [("", "maybe"), ("1000", "likely"), ("90000", "maybe")])
def test_a_criminal_suspect_is_never_ruled_out_on_income(client, income, expected):
    """Art. 24: 'because of economic hardship or other reasons'."""
    page = self_check(
        client, matter="criminal_defence", township=URBAN, household_size="1", monthly_income=income
    )
    assert verdict(page) == expected
    assert "Art. 24" in page
    assert "above the hardship standard" not in page


def test_a_criminal_suspect_with_a_waiver_is_likely(client):
    assert (
        verdict(self_check(client, matter="criminal_defence", means_waiver="no_income_vulnerable"))
        == "likely"
    )


def test_a_crime_victim_is_means_tested(client):
    """Art. 29: victims and private prosecutors without an agent because of hardship."""
    page = self_check(
        client, matter="criminal_victim", township=URBAN, household_size="1", monthly_income="9000"
    )
    assert verdict(page) == "unlikely"


def test_income_rule_urban_and_rural_amounts_by_township(client):
    # 2 people on 3,200 a month: 1,600 each. Urban standard 1,860, rural 1,400.
    assert (
        verdict(
            self_check(client, matter="labour", township=URBAN, household_size="2", monthly_income="3200")
        )
        == "likely"
    )
    rural = self_check(client, matter="labour", township=RURAL, household_size="2", monthly_income="3200")
    assert verdict(rural) == "maybe"  # within 20% above the rural standard
    assert "The amount for rural areas applies where you live." in rural
    # Without a township the two amounts cannot be told apart: it asks for it.
    unknown = self_check(client, matter="labour", household_size="2", monthly_income="3200")
    assert verdict(unknown) == "maybe" and "Choose the township where you live" in unknown


def test_income_rule_with_decimal_settings(client, app):
    app.config.update(
        MINIMUM_LIVING_STANDARD_MONTHLY=930.5,
        MINIMUM_LIVING_STANDARD_RURAL_MONTHLY=700.5,
        HARDSHIP_MULTIPLIER=1.5,
    )
    # Standards: 1,395.75 urban, 1,050.75 rural; 2 people on 2,790: 1,395 each.
    urban = self_check(client, matter="labour", township=URBAN, household_size="2", monthly_income="2790")
    assert verdict(urban) == "likely" and "1395.75" in urban
    rural = self_check(client, matter="labour", township=RURAL, household_size="2", monthly_income="2790")
    assert verdict(rural) == "unlikely" and "1050.75" in rural


def test_decimal_settings_from_the_environment(client, app, monkeypatch):
    monkeypatch.setenv("HARDSHIP_MULTIPLIER", "1.5")
    monkeypatch.setenv("MINIMUM_LIVING_STANDARD_MONTHLY", "930")
    monkeypatch.setenv("LEGAL_AID_RURAL_TOWNSHIPS", "430121001")
    settings = settings_from_environment()
    assert settings["HARDSHIP_MULTIPLIER"] == 1.5
    assert settings["LEGAL_AID_RURAL_TOWNSHIPS"] == ("430121001",)
    app.config.update(settings)
    page = self_check(client, matter="labour", township=URBAN, household_size="1", monthly_income="1000")
    assert verdict(page) == "likely"
    assert "The amount for rural areas applies where you live." in page  # the setting's list, not the code


def test_one_amount_for_town_and_country_asks_no_township(client, app):
    app.config["MINIMUM_LIVING_STANDARD_RURAL_MONTHLY"] = 930.0
    page = client.get("/legal-aid/").get_data(as_text=True)
    assert 'id="township"' not in page
    assert "The hardship standard is 1860 yuan a month per household member." in page


def test_hunan_rule_low_income_or_sudden_hardship(client, app):
    app.config["LEGAL_AID_HARDSHIP_RULE"] = "hunan"
    form = client.get("/legal-aid/").get_data(as_text=True)
    assert 'name="low_income"' in form and 'name="sudden_hardship"' in form
    assert 'name="monthly_income"' not in form  # no income figures under this rule
    assert verdict(self_check(client, matter="labour", low_income="yes", sudden_hardship="no")) == "likely"
    assert verdict(self_check(client, matter="labour", low_income="no", sudden_hardship="yes")) == "likely"
    neither = self_check(client, matter="labour", low_income="no", sudden_hardship="no")
    assert verdict(neither) == "unlikely" and "recognition as a low-income household" in neither
    assert verdict(self_check(client, matter="labour")) == "maybe"
    # A criminal suspect still is not ruled out.
    assert (
        verdict(self_check(client, matter="criminal_defence", low_income="no", sudden_hardship="no"))
        == "maybe"
    )


def test_a_rule_of_the_deployments_own(client, app):
    app.config["LEGAL_AID_HARDSHIP_RULE"] = "portal.legal_aid.hardship:HunanRule"
    assert 'name="low_income"' in client.get("/legal-aid/").get_data(as_text=True)


def test_the_province_s_matters_follow_the_setting(client, app):
    assert (
        verdict(
            self_check(
                client, matter="farm_inputs", township=URBAN, household_size="3", monthly_income="1000"
            )
        )
        == "likely"
    )
    app.config["LEGAL_AID_PROVINCIAL_MATTERS"] = ()
    page = self_check(client, matter="farm_inputs")
    assert verdict(page) is None and 'id="matter-error"' in page  # no longer offered


def test_a_case_handled_in_another_county_is_sent_there(client):
    page = self_check(client, matter="labour", means_waiver="migrant_worker", place="elsewhere")
    assert verdict(page) == "likely"
    assert 'id="other-centre"' in page and "Art. 38" in page and "12348" in page
    assert "Apply with these answers" not in page


def test_the_answers_are_carried_into_the_application_form(client):
    page = self_check(
        client,
        matter="labour",
        means_waiver="migrant_worker",
        place="here",
        township=RURAL,
        household_size="4",
        monthly_income="5000",
    )
    assert "Apply with these answers" in page and "/legal-aid/apply?" not in page
    response = client.submit(
        "/legal-aid/",
        {
            "matter": "labour",
            "claim_exemption": "none",
            "means_waiver": "migrant_worker",
            "place": "here",
            "township": township_id(RURAL),
            "household_size": "4",
            "monthly_income": "5000",
        },
        action="/legal-aid/apply-with-answers",
    )
    assert response.status_code == 303 and response.headers["Location"] == "/legal-aid/apply"
    form = client.get("/legal-aid/apply/matter").get_data(as_text=True)
    form += client.get("/legal-aid/apply/office").get_data(as_text=True)
    form += client.get("/legal-aid/apply/claims").get_data(as_text=True)
    form += client.get("/legal-aid/apply/waivers").get_data(as_text=True)
    assert client.get("/legal-aid/apply/means").status_code == 303  # waived: no means page
    form += client.get("/legal-aid/apply/contact").get_data(as_text=True)
    form += client.get("/legal-aid/apply").get_data(as_text=True)
    assert re.search(r'<option selected value="labour">', form)
    assert ticked(form, "means_waiver") == "migrant_worker"
    assert ticked(form, "claim_exemption") == "none"
    assert ticked(form, "case_place") == "here"
    assert ticked(form, "applying_for") is None  # not a question of the self-check
    assert re.search(rf'<option selected value="{township_id(RURAL)}">', form)
    assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0
