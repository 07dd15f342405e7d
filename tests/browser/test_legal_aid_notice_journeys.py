"""A notice of defence (通知辩护) in a real browser: the officer registers a procuratorate's
notice on the Art. 25(4) ground (an Art. 26 case), finds it approved with the 3-day clock, sees only the senior lawyer
offered, assigns them and opens the assignment letter. In Chinese and in English."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from .browser_steps import LANGUAGES, OFFICER, ZH, field, open_action, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_officer_registers_a_notice_and_assigns_a_senior_lawyer(language, new_context, labels):
    T = labels(language)
    page = new_context(language=language).new_page()
    page.goto("/staff/login")
    sign_in(page, T, *OFFICER)
    page.get_by_role("link", name=T("Register a notice of defence (Art. 36)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Register a notice"))

    field(page, T("Notifying authority")).fill("长沙县人民检察院")
    field(page, T("Number of the authority's notice")).fill(
        f"长县检刑诉〔2026〕{'12' if language == ZH else '13'}号"
    )
    field(page, T("Date of the authority's notice")).fill(date.today().isoformat())
    field(page, T("Date the notice was received")).fill(date.today().isoformat())
    page.get_by_label(T("May be sentenced to life imprisonment or death (Art. 25(4))")).check()
    field(page, T("Charge or alleged act")).fill("抢劫罪")
    field(page, T("Stage of the proceedings")).select_option(label=T("Review for prosecution"))
    field(page, T("Name of the person")).fill("钱某")
    page.get_by_label(T("Resident ID card")).check()
    field(page, T("Document number")).fill("430121198503120033")
    page.get_by_label(T("Detained"), exact=True).check()
    field(page, T("Place of detention")).fill("长沙县看守所")
    field(page, T("Township of residence (optional)")).select_option(index=1)
    field(page, T("Mobile of a close relative (optional)")).fill(
        "13900001401" if language == ZH else "13900001402"
    )
    page.get_by_role("button", name=T("Register the notice")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("LA-")
    expect(page.get_by_role("main")).to_contain_text(T("Approved"))

    panel = open_action(page, T("Assign a lawyer"))
    picker = field(panel, T("Legal aid person"))
    options = picker.locator("option").all_inner_texts()
    assert any("陈律师" in o for o in options)
    assert not any("刘律师" in o for o in options)  # one year of practice: not for an Art. 26 case
    picker.select_option(label=next(o for o in options if "陈律师" in o))
    panel.get_by_role("button", name=T("Assign a lawyer"), exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(T("Lawyer assigned"))

    page.get_by_role("link", name=T("Legal aid assignment letter")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Legal aid assignment letter"))
    expect(page.get_by_role("main")).to_contain_text("长沙县人民检察院")
    expect(page.get_by_role("main")).to_contain_text(re.compile("0731-84010001"))
