"""The eligibility self-check: the Legal Aid Law's coverage and means rules; nothing stored."""

import pytest
from sqlalchemy import func, select

from portal.core.models import ServiceRequest
from portal.extensions import db
from portal.legal_aid.matters import LIKELY, MAYBE, NOT_COVERED_RESULT, UNLIKELY, assess

STANDARD = {"minimum_living": 930, "multiplier": 2}  # hardship: 1,860 yuan per person per month


@pytest.mark.parametrize(
    ("matter", "exemption", "size", "income", "expected"),
    [
        ("labour", "", 3, 3000, LIKELY),  # 1,000 per person
        ("labour", "", 1, 2000, MAYBE),  # 2,000: within 20% above the standard
        ("labour", "", 1, 5000, UNLIKELY),
        ("family_support", "abuse_victim", None, None, LIKELY),  # Art. 32: no means test
        ("labour", "migrant_worker", None, None, LIKELY),  # Art. 42: waived on proof
        ("criminal_defence", "", None, None, MAYBE),  # income not given yet
        ("not_listed", "", 3, 1000, NOT_COVERED_RESULT),
        ("not_listed", "abuse_victim", None, None, MAYBE),
    ],
)
def test_assessment(matter, exemption, size, income, expected):
    result = assess(matter, exemption, size, income, **STANDARD)
    assert result.result == expected
    assert result.reasons


def test_the_self_check_page_answers_and_stores_nothing(client):
    page = client.get("/legal-aid/?matter=labour&exemption=&household_size=3&monthly_income=3000").get_data(as_text=True)
    assert 'class="result result-likely"' in page
    assert "1860" in page
    page = client.get("/legal-aid/?matter=not_listed&exemption=").get_data(as_text=True)
    assert 'class="result result-not_covered"' in page and 'href="/consultations/"' in page
    assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


def test_bad_self_check_input_is_shown_next_to_the_field(client):
    response = client.get("/legal-aid/?matter=labour&household_size=abc")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="household_size-error"' in page and 'value="abc"' in page
