"""Forms people can trust (issue 16), in a real browser: check your answers with "Change"
keeping everything, a page that asks before withdrawing or cancelling (also without
JavaScript), the quick exit on Shift three times that never fires while typing, the
language switch that keeps a typed name, the progress steps on tracking, and axe at
320 and 1280 px in both languages. Screenshots of every page land in test-artifacts/."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .as_deployed import confirm_mobile_if_asked, enter_tracking_code_if_asked
from .browser_steps import (
    EN,
    LANGUAGES,
    NARROW_PHONE,
    ZH,
    apply_for_legal_aid,
    book_consultation,
    field,
    fill_application,
    go_to_application_form,
    next_page,
    section,
    status,
    track,
)
from .conftest import SCREENSHOT_DIR
from .test_accessibility import check_axe

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}


def keep_screenshot(page: Page, name: str) -> None:
    """Save this step's page as a test artefact (the fixture keeps only each page's last state)."""
    folder = SCREENSHOT_DIR / "forms"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def check_page_answer(page: Page, T, label_start: str):
    """The <dd> answer after the <dt> of a question on the check-your-answers page."""
    term = page.get_by_role("term").filter(has_text=label_start).first
    return term.locator("xpath=following-sibling::dd[1]")


def test_check_your_answers_change_keeps_everything_then_send(new_context, labels, pdf_file):
    """Send → the answers with their labels → Change the name: the form comes back with
    every answer and the staged file → Send → Accept and send → the confirmation."""
    T = labels(ZH)
    page = new_context().new_page()
    go_to_application_form(page, T)
    fill_application(page, T, name="周检查", mobile="13900001601", attachments=[pdf_file])

    expect(page.get_by_role("heading", level=1)).to_have_text(T("Check your answers before sending"))
    expect(check_page_answer(page, T, T("Full name"))).to_have_text("周检查")
    expect(check_page_answer(page, T, T("Mobile number"))).to_contain_text("13900001601")
    expect(page.get_by_role("main")).to_contain_text("evidence.pdf")
    page.get_by_role("link", name=f"{T('Change')} {T('Your contact details')}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(T("Your contact details"))
    name = field(page, T("Full name"))
    expect(name).to_have_value("周检查")
    expect(field(page, T("Resident ID number"))).to_have_value("430121199001011237")
    name.fill("周改正")
    next_page(page, T, None)  # straight back to the check page
    expect(page.get_by_role("main")).to_contain_text("evidence.pdf")  # the file is still attached
    expect(check_page_answer(page, T, T("Full name"))).to_have_text("周改正")
    with page.expect_navigation():
        page.get_by_role("button", name=T("Accept and send"), exact=True).click()
    confirm_mobile_if_asked(page, T)

    expect(page.get_by_role("heading", level=1)).to_have_text(T("Application received"))
    expect(page.get_by_role("main")).to_contain_text("周改正")
    expect(page.get_by_role("link", name="evidence.pdf")).to_be_visible()
    expect(page.get_by_role("heading", name=T("What happens next"))).to_be_visible()


def test_withdrawing_asks_first_and_works_without_javascript(new_context, labels):
    T = labels(EN)
    page = new_context(language=EN, javascript=False).new_page()
    reference = apply_for_legal_aid(page, T, name="Withdraw Test", mobile="13900001602")
    track(page, T, reference, "13900001602")

    withdraw = section(page, T("Withdraw my application"))
    expect(withdraw.get_by_role("button")).to_have_count(0)  # one tap never destroys
    withdraw.get_by_role("link", name=T("Withdraw my application"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Withdraw your legal aid application?"))
    page.get_by_role("link", name=T("No, go back"), exact=True).click()
    expect(status(page, T)).to_contain_text(T("Submitted"))

    section(page, T("Withdraw my application")).get_by_role("link").click()
    page.get_by_role("button", name=T("Yes: %(action)s") % {"action": T("Withdraw my application")}).click()
    expect(page.get_by_role("status")).to_contain_text(T("Your application has been withdrawn."))
    expect(status(page, T)).to_contain_text(T("Withdrawn"))
    expect(section(page, T("Withdraw my application"))).to_have_count(0)


def test_cancelling_a_booking_asks_first(new_context, labels):
    T = labels(ZH)
    page = new_context().new_page()
    reference, _day, _time = book_consultation(page, T, name="取消测试", mobile="13900001603")
    track(page, T, reference, "13900001603")
    section(page, T("Cancel my booking")).get_by_role("link", name=T("Cancel my booking"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Cancel your booking?"))
    expect(status(page, T)).to_have_count(0)  # nothing happened yet
    page.get_by_role("button", name=T("Yes: %(action)s") % {"action": T("Cancel my booking")}).click()
    expect(page.get_by_role("status")).to_contain_text(T("Your booking has been cancelled."))
    expect(status(page, T)).to_contain_text(T("Cancelled"))


def _neutral_site(page: Page) -> list[str]:
    """Answer the quick exit's neutral site locally; the list collects the attempts."""
    exit_host = urlsplit(page.locator("#quick-exit").get_attribute("href")).hostname
    assert exit_host and exit_host not in ("127.0.0.1", "localhost")
    attempted: list[str] = []

    def answer(route):
        attempted.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Weather</title><h1>Weather</h1>")

    page.route(lambda url: urlsplit(url).hostname == exit_host, answer)
    return attempted


def test_shift_three_times_leaves_but_not_while_typing(new_context, labels):
    T = labels(ZH)
    page = new_context().new_page()
    page.goto("/")
    page.goto("/mediation/apply")
    expect(page.locator("#quick-exit-hint")).to_be_visible()  # the script shows the keyboard hint
    attempted = _neutral_site(page)
    name = field(page, T("Your full name"))
    name.click()
    for _ in range(3):
        name.press("Shift")  # typing (an input method switching 中/英) never leaves
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    assert not attempted and urlsplit(page.url).path == "/mediation/apply"
    page.get_by_role("heading", level=1).click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(lambda url: urlsplit(url).hostname not in ("127.0.0.1", "localhost"))
    assert attempted
    page.go_back()
    assert urlsplit(page.url).path == "/", f"Back returned to {page.url}"  # replaced in the history


def test_the_keyboard_hint_is_hidden_without_javascript_and_on_touch_screens(
    new_context, browser, live_server
):
    no_js = new_context(javascript=False).new_page()
    no_js.goto("/legal-aid/apply")
    expect(no_js.locator("#quick-exit")).to_be_visible()  # the button works without the script
    expect(no_js.locator("#quick-exit-hint")).to_be_hidden()
    phone = browser.new_context(
        base_url=live_server.base_url, has_touch=True, is_mobile=True, viewport=NARROW_PHONE
    )
    try:
        page = phone.new_page()
        page.goto("/legal-aid/apply")
        expect(page.locator("#quick-exit")).to_be_visible()
        expect(page.locator("#quick-exit-hint")).to_be_hidden()
    finally:
        phone.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_switching_language_keeps_the_typed_name(javascript, new_context, labels):
    zh, en = labels(ZH), labels(EN)
    page = new_context(javascript=javascript).new_page()
    page.goto("/legal-aid/apply/contact")
    field(page, zh("Full name")).fill("语言切换测试")
    field(page, zh("Mobile number")).fill("13900001604")
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(field(page, en("Full name"))).to_have_value("语言切换测试")
    expect(field(page, en("Mobile number"))).to_have_value("13900001604")
    expect(page.get_by_role("alert")).to_have_count(0)  # no validation on a switch


def test_tracking_shows_the_steps_and_finds_a_reference_typed_any_way(new_context, labels):
    T = labels(EN)
    page = new_context(language=EN).new_page()
    reference = apply_for_legal_aid(page, T, name="Steps Test", mobile="13900001605")
    page.goto("/track")
    field(page, T("Reference number")).fill(reference.replace("-", "").lower())  # typed without dashes
    field(page, T("Mobile number given with the request")).fill("13900001605")
    page.get_by_role("button", name=T("Show my request"), exact=True).click()
    enter_tracking_code_if_asked(page, T, "13900001605")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    steps = page.get_by_role("region", name=T("Progress")).get_by_role("list")
    expect(steps.get_by_role("listitem")).to_have_count(5)
    current = steps.locator('[aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text(T("Submitted"))
    expect(page.locator("#state-explanation")).to_have_text(T("Received. An officer will review it."))


#: Both languages at 320 px (a small phone, WCAG 1.4.10) and 1280 px (a desktop).
VIEWPORTS = [pytest.param(NARROW_PHONE, id="320"), pytest.param(WIDE, id="1280")]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_new_pages_have_no_axe_violations(language, viewport, new_context, labels, axe_source):
    """The check page, an error summary, the confirmation question, the tracking page with
    its steps and the confirmation's next steps."""
    T = labels(language)
    page = new_context(language=language, bypass_csp=True, viewport=viewport).new_page()
    mobile = f"1390000{1700 + (10 if language == ZH else 20) + (1 if viewport == NARROW_PHONE else 2)}"
    go_to_application_form(page, T)
    page.get_by_role("button", name=T("Continue"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_axe(page, axe_source, "forms-error-summary", language)
    shot = f"{language}-{viewport['width']}"
    keep_screenshot(page, f"error-summary-{shot}")
    fill_application(page, T, name="无障碍测试" if language == ZH else "Axe Test", mobile=mobile)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Check your answers before sending"))
    check_axe(page, axe_source, "forms-check-answers", language)
    keep_screenshot(page, f"check-answers-{shot}")
    with page.expect_navigation():
        page.get_by_role("button", name=T("Accept and send"), exact=True).click()
    confirm_mobile_if_asked(page, T)
    expect(page.get_by_role("heading", name=T("What happens next"))).to_be_visible()
    check_axe(page, axe_source, "forms-confirmation", language)
    keep_screenshot(page, f"confirmation-{shot}")
    page.get_by_role("link", name=T("Track this application")).click()
    expect(page.locator('[aria-current="step"]')).to_have_count(1)
    check_axe(page, axe_source, "forms-tracking-steps", language)
    keep_screenshot(page, f"tracking-steps-{shot}")
    section(page, T("Withdraw my application")).get_by_role("link").click()
    check_axe(page, axe_source, "forms-confirm-withdraw", language)
    keep_screenshot(page, f"confirm-withdraw-{shot}")
    scroll = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert scroll <= 0, f"the page scrolls sideways by {scroll}px at {viewport['width']}px"
