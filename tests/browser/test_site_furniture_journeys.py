"""Government site furniture in a real browser (issue #17): elderly mode turned on and
found again on the next page, its layout at 200% zoom, the tap-to-call hotline, and the
new shared pages clean under axe-core at 320 and 1280 CSS px in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .browser_steps import EN, LANGUAGES, NARROW_PHONE, ZH, field
from .test_accessibility import assert_no_sideways_scrolling, check_axe

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 800}
#: A 1280×800 window zoomed to 200% lays pages out in 640×400 CSS pixels (WCAG 1.4.4).
ZOOM_200 = {"width": 640, "height": 400}

NEW_PAGES = {"privacy": "/privacy", "accessibility": "/accessibility", "site-map": "/sitemap"}


def root_font_px(page: Page) -> float:
    page.wait_for_load_state("load")  # the stylesheet applied, not only the HTML parsed
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def header_tools(page: Page):
    return page.locator("header .header-tools")


def turn_on_elderly_mode(page: Page, T) -> None:
    header_tools(page).get_by_role("button", name=T("Elderly mode (larger text)"), exact=True).click()
    expect(page.locator("html")).to_have_class("elderly")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_elderly_mode_is_turned_on_and_found_on_the_next_page(new_context, labels, javascript):
    T = labels(ZH)
    page = new_context(language=ZH, viewport=NARROW_PHONE, javascript=javascript).new_page()
    page.goto("/legal-aid/")
    standard = root_font_px(page)
    turn_on_elderly_mode(page, T)
    assert page.url.endswith("/legal-aid/"), "back on the page it was turned on from"
    assert root_font_px(page) >= standard * 1.2

    # The next page, reached by a link as a person would: still on, and it can be turned off.
    page.get_by_role("navigation", name=T("Main")).get_by_role(
        "link", name=T("Track a request"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Track a request"))
    expect(page.locator("html")).to_have_class("elderly")
    assert root_font_px(page) >= standard * 1.2
    expect(header_tools(page).get_by_role("button", name=T("Standard mode"), exact=True)).to_be_visible()
    # A form on an elderly page keeps working: big targets, same labels.
    expect(field(page, T("Reference number"))).to_be_visible()
    box = field(page, T("Reference number")).bounding_box()
    assert box and box["height"] >= 44, "form controls are large touch targets"

    header_tools(page).get_by_role("button", name=T("Standard mode"), exact=True).click()
    expect(page.locator("html")).not_to_have_class("elderly")
    assert root_font_px(page) == standard


@pytest.mark.parametrize("url", ["/", "/legal-aid/apply", "/consultations/", "/privacy", "/sitemap"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_elderly_mode_layout_holds_at_200_percent_zoom(new_context, labels, url, language):
    """Elderly mode on a 1280 px window zoomed to 200%: nothing scrolls sideways, the
    hotline and the switch stay on screen, the footer's filings wrap."""
    T = labels(language)
    page = new_context(language=language, viewport=ZOOM_200).new_page()
    page.goto(url)
    turn_on_elderly_mode(page, T)
    assert_no_sideways_scrolling(page)
    hotline = header_tools(page).get_by_role("link", name=T("Legal service hotline") + " 12348")
    expect(hotline).to_be_in_viewport()
    expect(hotline).to_have_attribute("href", "tel:12348")
    expect(header_tools(page).get_by_role("button", name=T("Standard mode"), exact=True)).to_be_in_viewport()
    page.locator("footer").scroll_into_view_if_needed()
    assert_no_sideways_scrolling(page)


@pytest.mark.parametrize("viewport", [NARROW_PHONE, WIDE], ids=["320", "1280"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page_name", [*NEW_PAGES, "home-elderly"])
def test_new_pages_have_no_axe_violations(new_context, labels, axe_source, page_name, language, viewport):
    T = labels(language)
    page = new_context(language=language, bypass_csp=True, viewport=viewport).new_page()
    if page_name == "home-elderly":
        page.goto("/")
        turn_on_elderly_mode(page, T)
    else:
        response = page.goto(NEW_PAGES[page_name])
        assert response.ok
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == EN else "zh-Hans")
    check_axe(page, axe_source, page_name, language)
    assert_no_sideways_scrolling(page)


def test_the_footer_links_reach_the_new_pages(new_context, labels):
    T = labels(EN)
    page = new_context(language=EN, viewport=WIDE).new_page()
    page.goto("/")
    footer = page.get_by_role("contentinfo")
    for label in ("Privacy policy", "Accessibility statement", "Site map"):
        footer.get_by_role("link", name=T(label), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(T(label))
        footer = page.get_by_role("contentinfo")


def test_the_rare_character_font_draws_langli(new_context):
    """A page that shows 㮾 (the townships of the adviser directory) loads the subset font,
    and the face declared for U+3BBE is the one that draws it."""
    page = new_context(language=ZH, viewport=WIDE).new_page()
    fonts = []
    page.on("response", lambda r: "/static/fonts/" in r.url and fonts.append((r.url, r.status)))
    page.goto("/advisers/")
    expect(page.get_by_role("link", name="㮾梨街道")).to_be_visible()
    faces = page.evaluate("""async () => {
        await document.fonts.ready;
        return [...document.fonts].filter(f => f.family.includes("Portal Rare CJK"))
            .map(f => ({status: f.status, range: f.unicodeRange})); }""")
    assert faces == [{"status": "loaded", "range": "U+3BBE"}], faces
    assert any(url.endswith("/static/fonts/rare-cjk.woff2") and status == 200 for url, status in fonts), fonts


def test_elderly_mode_on_a_half_filled_form_keeps_what_was_typed(new_context, labels):
    """Issue #27, in Chinese: 长辈版 on the legal aid form is a button of the form; the page
    comes back larger with the typed name and facts, nothing sent, no error shown."""
    T = labels(ZH)
    page = new_context(language=ZH, viewport=NARROW_PHONE, javascript=False).new_page()
    page.goto("/legal-aid/apply/facts")
    field(page, T("Other party (person or organisation)")).fill("周建国")
    field(page, T("What happened, and what do you want to achieve?")).fill("工地拖欠工资两个月")
    toggle = header_tools(page).get_by_role("button", name=T("Elderly mode (larger text)"), exact=True)
    box = toggle.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44, "a target of at least 44×44 px"
    toggle.click()
    expect(page.locator("html")).to_have_class("elderly")
    expect(field(page, T("Other party (person or organisation)"))).to_have_value("周建国")
    expect(field(page, T("What happened, and what do you want to achieve?"))).to_have_value(
        "工地拖欠工资两个月"
    )
    expect(page.locator(".field-error")).to_have_count(0)
