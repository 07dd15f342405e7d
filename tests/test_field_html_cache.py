"""The blank fields' markup rendered once per process and language (issue #20).

portal/field_html.py keeps the HTML of a field that holds nothing of the visitor. These
tests load the legal aid form (its fields come from that store after the first visit)
and check that the store never shows a stale choice, the wrong language, or one visitor's
typed values or errors to another.
"""

import re

from sqlalchemy import select

from portal.accounts.models import AccountType, User
from portal.core.models import Township
from portal.extensions import db
from portal.i18n import LANGUAGE_COOKIE

from support import PASSWORD, application_form

#: The page of the legal aid application with the name and township questions.
FORM = "/legal-aid/apply/contact"


def form_page(client, language: str = "zh") -> str:
    client.set_cookie(LANGUAGE_COOKIE, language)
    response = client.get(FORM)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def stored(app) -> str:
    return "".join(str(html) for html in app.extensions.get("portal_field_html", {}).values())


def test_blank_fields_come_from_the_store_after_the_first_visit(app, client):
    first = form_page(client)
    assert 'id="applicant_name"' in stored(app)
    again = form_page(client)
    assert again.count('name="township"') == first.count('name="township"') == 1
    assert len(again) == len(first)


def test_a_renamed_township_appears_at_once_though_the_form_was_stored(app, client):
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    old_name = township.name
    assert old_name in form_page(client) and old_name in form_page(client)
    township.name = "测试新镇"
    db.session.commit()
    page = form_page(client)
    assert "测试新镇" in page
    assert f">{old_name}<" not in page


def test_each_language_gets_its_own_labels_and_choices(app, client):
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    for _ in range(2):
        chinese = form_page(client, "zh")
        english = form_page(client, "en")
        assert f">{township.name}<" in chinese and f">{township.name_en}<" not in chinese
        assert f">{township.name_en}<" in english and f">{township.name}<" not in english
        assert "Full name" in english and "Full name" not in chinese


def test_a_form_with_errors_keeps_what_was_typed_and_is_never_stored(app, client, make_client):
    form_page(client)  # the blank fields are stored
    response = client.submit(FORM, application_form(id_number="36042619910102009X", applicant_name="王小明"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="id_number-error"' in page and 'aria-invalid="true"' in page
    assert 'value="王小明"' in page and 'value="36042619910102009X"' in page
    assert 'value="长沙县星沙街道某小区 1 栋"' in page  # a field without an error keeps its value too
    assert "王小明" not in stored(app) and "星沙街道某小区" not in stored(app) and "-error" not in stored(app)
    blank = make_client()
    blank = form_page(blank)
    assert "王小明" not in blank and "36042619910102009X" not in blank and "星沙街道某小区" not in blank
    assert 'id="id_number-error"' not in blank


def test_answers_filled_in_from_the_self_check_are_shown_but_not_stored(app, client):
    means = "/legal-aid/apply/means"
    client.get(means)
    answers = {"matter": "labour", "claim_exemption": "none", "means_waiver": "none"}
    client.submit(
        "/legal-aid/",
        {**answers, "household_size": "7", "monthly_income": "1234"},
        action="/legal-aid/apply-with-answers",
    )
    filled = client.get(means).get_data(as_text=True)
    assert 'value="7"' in filled and 'value="1234"' in filled
    assert "1234" not in stored(app)


def test_a_signed_in_applicants_name_is_shown_to_them_only(app, client, make_client):
    resident = User(account_type=AccountType.RESIDENT, mobile="13800000009", display_name="居民张三")
    resident.set_password(PASSWORD)
    db.session.add(resident)
    db.session.commit()
    form_page(client)
    applicant = make_client()
    applicant.sign_in("13800000009")
    assert 'value="居民张三"' in form_page(applicant) and 'value="13800000009"' in form_page(applicant)
    assert "居民张三" not in stored(app) and "13800000009" not in stored(app)
    assert "居民张三" not in form_page(client)
    assert "13800000009" not in form_page(make_client())


def test_wtforms_own_messages_are_in_the_pages_language(app, client):
    """WTForms' catalog is read once per process and language (portal/i18n.py), still per page."""
    for language, message in (
        ("zh", "不是有效的选择"),
        ("en", "Not a valid choice"),
        ("zh", "不是有效的选择"),
    ):
        client.set_cookie(LANGUAGE_COOKIE, language)
        page = client.submit(FORM, application_form(matter_type="no-such-matter")).get_data(as_text=True)
        assert message in page, language


def test_an_answered_self_check_shares_its_chosen_options_never_what_was_typed(app, client, make_client):
    """A choice among a field's declared options renders the same for everyone who made it
    (issue #40: the answered self-check re-showed its answers afresh, 4.6 ms a request);
    it is stored under its value, so another visitor and another choice get their own
    markup, and the typed numbers are never stored. Mutants caught: the chosen value left
    out of the key (the second visitor sees the first one's choice), and a submitted
    free-typed field shared (the income in the store)."""
    answers = {"matter": "labour", "claim_exemption": "none", "household_size": "7", "monthly_income": "5731"}
    for _ in range(2):
        first = client.submit("/legal-aid/", {**answers, "means_waiver": "none"})
        assert first.status_code == 200
    assert chosen(stored(app), "means_waiver") == ["none"]
    assert "5731" not in stored(app)
    other = make_client()
    other.get("/legal-aid/")
    second = other.submit(
        "/legal-aid/", {**answers, "monthly_income": "6472", "means_waiver": "no_income_vulnerable"}
    )
    page = second.get_data(as_text=True)
    assert 'value="6472"' in page and "5731" not in page
    assert chosen(page, "means_waiver") == ["no_income_vulnerable"]


def chosen(html: str, name: str) -> list[str]:
    """The values of the ticked radios named `name` in the markup."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if re.search(r"\bchecked\b", tag)]
