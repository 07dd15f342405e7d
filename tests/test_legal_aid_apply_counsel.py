"""The application form's round-3 corrections over HTTP (review rows A33-A34 of issue #32):
whether a lawyer or agent is already retained (Arts. 24, 29, 31), the Art. 42(三) waiver
only for pay and work injury, and the close relatives of the Civil Code, Art. 1045."""

import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

from support import application_form, every_apply_page


def apply(client, **overrides):
    return client.submit("/legal-aid/apply", application_form(**overrides))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(LegalAidApplication))


def error_of(page: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page, re.S)
    assert match, f"no error next to {field}"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_the_form_asks_whether_a_lawyer_or_agent_already_acts(client):
    """A33. Mutants caught: the question not required (unanswered accepted), a "yes"
    accepted (legal aid given to a person who has counsel), the answer not stored."""
    page = every_apply_page(client)
    assert "是否已有律师或其他代理人" in page
    unanswered = apply(client, counsel_retained=None)
    assert unanswered.status_code == 400 and error_of(unanswered.get_data(as_text=True), "counsel_retained")
    retained = apply(client, counsel_retained="yes")
    assert retained.status_code == 400
    assert "第二十四条" in error_of(retained.get_data(as_text=True), "counsel_retained")
    assert count() == 0
    assert apply(client).status_code in (302, 303)
    assert db.session.scalar(select(LegalAidApplication.counsel_retained)) is False


def test_the_migrant_worker_waiver_is_for_pay_and_work_injury_not_an_employment_relationship(client):
    """A33 (Art. 42(三)). Mutant caught: "employment_relation" in WAGE_OR_WORK_INJURY (the
    waiver accepted without income figures)."""
    waived = {"means_waiver": "migrant_worker", "household_size": "", "monthly_income": ""}
    refused = apply(client, matter_type="employment_relation", **waived)
    assert refused.status_code == 400
    assert "劳动报酬" in error_of(refused.get_data(as_text=True), "means_waiver")
    assert count() == 0
    assert apply(client, matter_type="labour", **waived).status_code in (302, 303)
    # Confirming the relationship is still covered (Art. 31(五)), with the means test.
    assert apply(client, matter_type="employment_relation").status_code in (302, 303)
    assert count() == 2


def test_the_relation_list_is_the_civil_codes_closed_list(client):
    """A34 (民法典 Art. 1045). Mutant caught: "other_relative" back among the choices."""
    page = every_apply_page(client)
    relations = re.search(r'<select[^>]*name="relation".*?</select>', page, re.S).group(0)
    values = re.findall(r'<option[^>]*value="([^"]*)"', relations)
    assert values == ["", "spouse", "parent", "child", "sibling", "grandparent", "grandchild", "not_related"]
    assert "其他近亲属" not in relations
    response = apply(
        client,
        applying_for="relative",
        relation="other_relative",
        represented_name="周小明",
        represented_id_number="11010519491231002X",
    )
    assert response.status_code == 400 and count() == 0
