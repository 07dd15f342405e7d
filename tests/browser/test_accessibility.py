"""WCAG 2.1 AA in a real browser (SPEC §11): axe-core on every public page and the main
staff pages (legal aid, consultation desks, village legal advisers) in both languages, a
keyboard-only application, the error summary, and the quick exit of the legal aid pages.

axe-core (tests/vendor/axe.min.js) is injected into the page under test only: the
contexts that run it bypass the app's CSP ("script-src 'self'"), which would rightly
block an inline script. It is never served by the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .as_deployed import confirm_mobile_if_asked
from .browser_steps import (
    ADVISER_ADMIN,
    CENTRE_NAME_ZH,
    DESK,
    DESKTOP,
    EN,
    LANGUAGES,
    NARROW_PHONE,
    RESIDENT,
    ROSTER_ROWS,
    VALID_ID,
    XINGSHA_VILLAGES,
    ZH,
    apply_for_legal_aid,
    book_consultation,
    centre_name,
    check_answers_and_send,
    choose_point_and_day,
    exactly,
    field,
    fill_booking,
    fill_contact,
    go_to_booking,
    open_day_view,
    open_request_from_queue,
    roster_csv,
    roster_header_from_export,
    search_advisers,
    search_results,
    section,
    send_booking,
    sign_in,
    starts_with,
    xingsha_name,
)

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# --------------------------------------------------------------------------- page setups
# Each one brings the page into the state to check; `T` is the page language's gettext.


def _goto(path: str) -> Callable:
    def setup(page: Page, T, **_):
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"

    return setup


def _self_check_result(page: Page, T, **_):
    """The self-check answered (a POST: no answer in the address) and its result."""
    page.goto("/legal-aid/")
    field(page, T("What is the matter about?")).select_option(label=T("Unpaid pay"))
    for question in (T("Is your claim one of these?"), T("Does one of these describe you?")):
        page.get_by_role("group", name=starts_with(question)).get_by_role(
            "radio", name=T("None of these"), exact=True
        ).check()
    field(page, T("People in your household")).fill("3")
    field(page, T("Household income per month (yuan)")).fill("2400")
    page.get_by_role("button", name=T("Check"), exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()


def _apply_with_errors(page: Page, T, **_):
    page.goto("/legal-aid/apply/contact")
    page.get_by_role("button", name=T("Continue"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()


def _track_with_errors(page: Page, T, **_):
    # A wrong pair answers like a right one (issue #28: the code page), so the errors are
    # those of a malformed mobile.
    page.goto("/track")
    field(page, T("Reference number")).fill("LA-2020-999999")
    field(page, T("Mobile number given with the request")).fill("1390000")
    page.get_by_role("button", name=T("Show my request"), exact=True).click()
    expect(page.get_by_role("alert").first).to_be_visible()


def _confirmation(page: Page, T, **kw):
    apply_for_legal_aid(page, T, name="Axe Tester", mobile="13900000201", attachments=[kw["pdf_file"]])


def _tracking(page: Page, T, **kw):
    _confirmation(page, T, **kw)
    page.get_by_role("link", name=T("Track this application")).click()
    expect(page.get_by_role("heading", name=T("History"))).to_be_visible()


def _resident_sign_in(page: Page, T):
    page.goto("/account/login")
    sign_in(page, T, *RESIDENT)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("My requests"))


def _my_requests(page: Page, T, **_):
    _resident_sign_in(page, T)


def _tracking_with_materials_request(page: Page, T, **_):
    """The demo resident's application waits for materials: the answer form is shown."""
    _resident_sign_in(page, T)
    row = page.get_by_role("row").filter(has_text=T("Materials requested")).first
    row.get_by_role("link").click()
    expect(section(page, T("Send the materials"))).to_be_visible()


def _staff_detail(page: Page, T, **_):
    """A demo application under review by the officer, every action panel opened."""
    page.goto("/staff/queue/legal-aid?tab=mine")
    row = page.get_by_role("row").filter(has_text=T("Under review")).first
    reference = row.get_by_role("link").first.inner_text().strip()
    open_request_from_queue(page, T, reference)
    for summary in page.locator("details > summary").all():
        summary.click()


def _staff_detail_with_errors(page: Page, T, **kw):
    _staff_detail(page, T, **kw)
    panel = page.get_by_role("group").filter(has=page.locator("summary", has_text=exactly(T("Refuse"))))
    panel.get_by_role("button", name=T("Refuse"), exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(T("A refusal must give its reasons in writing."))


# Consultation booking and village legal advisers. Every booking or contact request made
# here has a mobile number of its own per language (a mobile holds 2 upcoming bookings).


def _mobile(T, number: int) -> str:
    return f"1390000{number:03d}{1 if T.locale == ZH else 2}"


def _booking_times(page: Page, T, **_):
    """The booking page with a service point and a day chosen: the free times and the form."""
    go_to_booking(page, T)
    choose_point_and_day(page, T, centre_name(T))


def _booking_with_errors(page: Page, T, **kw):
    _booking_times(page, T, **kw)
    field(page, T("Mobile number")).fill("12345")
    page.get_by_role("button", name=T("Book"), exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(T("Choose a time."))


def _booked(page: Page, T, **_):
    book_consultation(page, T, name="Axe Booker", mobile=_mobile(T, 71))


def _booking_tracking(page: Page, T, **_):
    """The tracking page of a booking: the forms to change the time and to cancel."""
    book_consultation(page, T, name="Axe Tracker", mobile=_mobile(T, 72))
    page.get_by_role("link", name=T("Change or cancel"), exact=True).click()
    expect(section(page, T("Change the time"))).to_be_visible()


def _adviser_search(page: Page, T, **_):
    page.goto("/advisers/")
    search_advisers(page, T, "xingsha")
    expect(search_results(page)).not_to_have_count(0)


def _adviser_township(page: Page, T, **_):
    page.goto("/advisers/")
    page.get_by_role("link", name=starts_with(xingsha_name(T))).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(xingsha_name(T))


def _adviser_village(page: Page, T, **kw):
    _adviser_township(page, T, **kw)
    page.get_by_role("link", name=XINGSHA_VILLAGES[0], exact=True).click()
    expect(page.get_by_role("heading", name=T("Your legal adviser"))).to_be_visible()


def _adviser_contact(page: Page, T, **kw):
    _adviser_village(page, T, **kw)
    page.get_by_role("link", name=T("Contact my adviser"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Contact my adviser"))


def _adviser_contact_with_errors(page: Page, T, **kw):
    _adviser_contact(page, T, **kw)
    field(page, T("Mobile number")).fill("12345")
    page.get_by_role("button", name=T("Send to my adviser"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()


def _adviser_contact_sent(page: Page, T, **kw):
    _adviser_contact(page, T, **kw)
    fill_contact(page, T, name="Axe Tester", mobile=_mobile(T, 73), question="A question about my land.")
    page.get_by_role("button", name=T("Send to my adviser"), exact=True).click()
    check_answers_and_send(page, T)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Your request was sent"))


PUBLIC_PAGES = {
    "home": _goto("/"),
    "legal-aid": _goto("/legal-aid/"),
    "self-check-result": _self_check_result,
    "apply": _goto("/legal-aid/apply"),
    "continue-draft": _goto("/continue/legal_aid.apply"),
    "apply-with-errors": _apply_with_errors,
    "confirmation": _confirmation,
    "track": _goto("/track"),
    "track-with-errors": _track_with_errors,
    "tracking": _tracking,
    "tracking-materials-requested": _tracking_with_materials_request,
    "my-requests": _my_requests,
    "login": _goto("/account/login"),
    "register": _goto("/account/register"),
    "staff-login": _goto("/staff/login"),
    "consultations": _goto("/consultations/"),
    "consultation-book": _booking_times,
    "consultation-book-with-errors": _booking_with_errors,
    "consultation-booked": _booked,
    "consultation-tracking": _booking_tracking,
    "advisers": _goto("/advisers/"),
    "advisers-search": _adviser_search,
    "advisers-township": _adviser_township,
    "advisers-village": _adviser_village,
    "adviser-contact": _adviser_contact,
    "adviser-contact-with-errors": _adviser_contact_with_errors,
    "adviser-contact-sent": _adviser_contact_sent,
    "health-checks": _goto("/health-checks/"),
    "privacy": _goto("/privacy"),
    "accessibility-statement": _goto("/accessibility"),
    "site-map": _goto("/sitemap"),
}
STAFF_PAGES = {
    "staff-home": _goto("/staff/"),
    "staff-queue": _goto("/staff/queue/legal-aid"),
    "staff-detail": _staff_detail,
    "staff-detail-with-errors": _staff_detail_with_errors,
}


def _desk_booking(page: Page, T, mobile: str) -> tuple[str, object]:
    """Desk staff book for someone on the public page (staff have no public navigation)."""
    page.goto("/consultations/book")
    day = choose_point_and_day(page, T, centre_name(T))
    fill_booking(page, T, name="Axe Desk", mobile=mobile, question="A question for the desk.")
    return send_booking(page, T), day


def _desk_day(page: Page, T, **_):
    """The desk's day view of a day with a booking (check-in and missed buttons, walk-in form)."""
    reference, day = _desk_booking(page, T, _mobile(T, 74))
    open_day_view(page, T, CENTRE_NAME_ZH, day)
    expect(page.get_by_role("row").filter(has_text=reference)).to_be_visible()


def _desk_booking_detail(page: Page, T, **_):
    """A booking of a later day (the desk checks in only on the day): its staff page, every
    action panel opened."""
    reference, day = _desk_booking(page, T, _mobile(T, 75))
    open_day_view(page, T, CENTRE_NAME_ZH, day)
    page.get_by_role("row").filter(has_text=reference).get_by_role(
        "link", name=starts_with("Axe Desk")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    for summary in page.locator("details > summary").all():
        summary.click()


def _desk_settings(page: Page, T, **_):
    page.goto("/staff/consultations/")
    row = page.get_by_role("row").filter(has_text=CENTRE_NAME_ZH)
    row.get_by_role("link", name=starts_with(T("Hours and closures"))).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(T("Hours and closures"))


def _adviser_staff_list(page: Page, T, **_):
    page.goto("/staff/")
    page.get_by_role(
        "link", name=T("Village legal advisers: advisers, villages, roster, service log"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Village legal advisers"))


def _roster_report(page: Page, T, tmp_path, **_):
    """The roster page after importing a file with one bad row: the row-by-row report."""
    page.goto("/staff/advisers/roster")
    roster = roster_csv(tmp_path / "roster.csv", roster_header_from_export(page), ROSTER_ROWS)
    field(page, T("Roster file")).set_input_files(str(roster))
    page.get_by_role("button", name=T("Check and import"), exact=True).click()
    expect(section(page, T("Report")).get_by_role("alert")).to_be_visible()


#: Staff pages of the two newer features, each with the account that works them.
FEATURE_STAFF_PAGES = {
    "desk-day": (DESK, _desk_day),
    "desk-booking-detail": (DESK, _desk_booking_detail),
    "desk-settings": (DESK, _desk_settings),
    "adviser-staff-list": (ADVISER_ADMIN, _adviser_staff_list),
    "adviser-roster-report": (ADVISER_ADMIN, _roster_report),
}

#: Violations that are app bugs reported to the developer: (page, language, rule) -> reason.
#: A case listed here xfails only while the violation is still there.
KNOWN_VIOLATIONS: dict[tuple[str, str, str], str] = {}


def run_axe(page: Page, axe_source: str) -> list[dict]:
    # A click that navigates can leave the old document going away (no <head>) when a
    # loaded machine is slow: check the page that has finished loading.
    page.wait_for_load_state("load")
    page.add_script_tag(content=axe_source)
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                                          summary: n.failureSummary}))}));
        }""",
        WCAG_TAGS,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node['html']}")
            lines.append("       " + (node["summary"] or "").replace("\n", "\n       "))
    return "\n".join(lines)


def check_axe(page: Page, axe_source: str, page_name: str, language: str) -> None:
    violations = run_axe(page, axe_source)
    if not violations:
        return
    known = {v["id"]: KNOWN_VIOLATIONS.get((page_name, language, v["id"])) for v in violations}
    report = f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {page_name} ({language}, {page.url}):\n"
    report += describe(violations)
    if all(known.values()):
        pytest.xfail("; ".join(sorted(set(known.values()))) + "\n" + report)
    pytest.fail(report, pytrace=False)


def test_axe_harness_reports_a_violation(new_context, axe_source):
    """The checks below are not vacuous: a broken page does fail them."""
    page = new_context(language=EN, bypass_csp=True).new_page()
    page.goto("/")
    page.evaluate("""() => {
        const img = document.createElement("img");  /* no alt text: WCAG 1.1.1 */
        img.src = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        document.querySelector("main").appendChild(img);
    }""")
    violations = run_axe(page, axe_source)
    assert [v["id"] for v in violations] == ["image-alt"], describe(violations)
    assert violations[0]["nodes"][0]["html"].startswith("<img")


#: Chinese, the residents' language, is checked on a narrow phone (mobile first, and WCAG
#: 1.4.10 Reflow at 320 CSS px); English on a desktop-sized window.
VIEWPORTS = {ZH: NARROW_PHONE, EN: DESKTOP}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page_name", list(PUBLIC_PAGES))
def test_public_page_has_no_axe_violations(page_name, language, new_context, labels, axe_source, pdf_file):
    page = new_context(language=language, bypass_csp=True, viewport=VIEWPORTS[language]).new_page()
    PUBLIC_PAGES[page_name](page, labels(language), pdf_file=pdf_file)
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == EN else "zh-Hans")
    check_axe(page, axe_source, page_name, language)
    if language == ZH:
        assert_no_sideways_scrolling(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page_name", list(STAFF_PAGES))
def test_staff_page_has_no_axe_violations(
    page_name, language, new_context, labels, axe_source, officer_state
):
    context = new_context(
        language=language, bypass_csp=True, storage_state=officer_state, viewport=VIEWPORTS[language]
    )
    page = context.new_page()
    STAFF_PAGES[page_name](page, labels(language))
    assert "/staff/login" not in page.url, "the officer's session did not carry over"
    check_axe(page, axe_source, page_name, language)


@pytest.fixture(scope="session")
def staff_state(browser, live_server, labels):
    """staff_state((username, password)) -> the cookies of that signed-in staff account."""
    states: dict[str, dict] = {}

    def get(account: tuple[str, str]) -> dict:
        if account[0] not in states:
            context = browser.new_context(base_url=live_server.base_url)
            try:
                page = context.new_page()
                page.goto("/staff/login")
                sign_in(page, labels(ZH), *account)
                page.wait_for_url("**/staff/")
                states[account[0]] = context.storage_state()
            finally:
                context.close()
        return states[account[0]]

    return get


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page_name", list(FEATURE_STAFF_PAGES))
def test_feature_staff_page_has_no_axe_violations(
    page_name, language, new_context, labels, axe_source, staff_state, tmp_path
):
    account, setup = FEATURE_STAFF_PAGES[page_name]
    context = new_context(
        language=language, bypass_csp=True, storage_state=staff_state(account), viewport=VIEWPORTS[language]
    )
    page = context.new_page()
    setup(page, labels(language), tmp_path=tmp_path)
    assert "/staff/login" not in page.url, f"the session of {account[0]} did not carry over"
    check_axe(page, axe_source, page_name, language)


def assert_no_sideways_scrolling(page: Page) -> None:
    """The page as a whole fits the narrow screen (a wide data table may scroll in its own box)."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1]:
        culprits = page.evaluate(
            """(limit) => [...document.querySelectorAll("body *")]
                .filter(el => el.getBoundingClientRect().right > limit + 1)
                .slice(0, 5).map(el => el.outerHTML.slice(0, 120))""",
            widths[1],
        )
        pytest.fail(
            f"{page.url} is {widths[0]}px wide on a {widths[1]}px screen (WCAG 1.4.10): {culprits}",
            pytrace=False,
        )


# --------------------------------------------------------------------------- keyboard


FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const label = (el.labels && el.labels.length) ? el.labels[0].innerText
        : (el.getAttribute("aria-label") || el.innerText || "");
    const option = el.tagName === "SELECT" && el.selectedOptions.length ? el.selectedOptions[0].text : null;
    const style = getComputedStyle(el);
    const legend = el.type === "radio" && el.closest("fieldset") ? el.closest("fieldset").querySelector("legend") : null;
    return {tag: el.tagName.toLowerCase(), type: el.type || "", label: label.trim().replace(/\\s+/g, " "),
            checked: !!el.checked, option: option, group: legend ? legend.innerText.trim() : null,
            focus_visible: el.matches(":focus-visible") && style.outlineStyle !== "none"
                           && parseFloat(style.outlineWidth) >= 2};
}"""


def test_keyboard_only_application(new_context, labels):
    """Tab, Space and typing only: every field is reachable with a visible focus, and the form sends."""
    T = labels(EN)
    page = new_context(language=EN).new_page()
    page.goto("/legal-aid/apply")
    keyboard = page.keyboard

    keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first and first["label"] == T("Skip to main content"), f"the first Tab stop is {first}"
    expect(page.get_by_role("link", name=T("Skip to main content"))).to_be_in_viewport()

    typed = {  # label -> what a person types there
        T("Full name"): "Keyboard User",
        T("Resident ID number"): VALID_ID,
        T("Mobile number"): "13900000301",
        T("Address"): "1 Kaiyuan Road, Xingsha",
        T("Township or street where you live"): "Quantang",
        T("What is the matter about?"): "Unpaid",
        T("Where does the matter stand?"): "Labour",
        T("Other party (person or organisation)"): "A building contractor",
        T(
            "What happened, and what do you want to achieve?"
        ): "The contractor has not paid eight months of wages.",
        T("People in your household"): "3",
        T("Household income per month (yuan)"): "2400",
    }
    picked = {  # question (a group of radio buttons) -> the answer chosen with the arrow keys
        T("Who needs legal aid?"): T("Myself"),
        T("What kind of matter is it?"): T("A dispute with a person or a business"),
        T("Who handles the case now?"): T("An arbitration commission"),
        T("Where is the case handled?"): T("In this county"),
        T("Is a lawyer or other agent already acting in this matter?"): T("No"),
        T("Is your claim one of these?"): T("None of these"),
        T("Does one of these describe you?"): T("None of these"),
    }
    declaration_starts = ("I promise", "I agree")  # the pledge and the consent, on the last page
    done: set[str] = set()
    for _step in range(600):  # 15 question pages (issue #30), each after the site's header
        keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused is not None, "focus left the page before the submit button"
        label = focused["label"]
        assert focused["focus_visible"], f"no visible focus indicator on {focused} (WCAG 2.4.7)"
        if focused["tag"] == "button" and label == T("Continue"):  # the next question page
            with page.expect_navigation():
                keyboard.press("Space")
            if page.get_by_role("heading", level=1).inner_text() == T("Check your answers before sending"):
                break
            continue
        question = next((q for q in picked if (focused["group"] or "").startswith(q)), None)
        if focused["type"] == "radio" and question and question not in done:
            for _arrow in range(12):  # arrows move through the group (and tick), Space ticks
                if page.evaluate(FOCUSED)["label"] == picked[question]:
                    break
                keyboard.press("ArrowDown")
            keyboard.press("Space")
            chosen = page.evaluate(FOCUSED)
            assert chosen["checked"] and chosen["label"] == picked[question], f"{question!r}: {chosen}"
            done.add(question)
            continue
        for wanted, text in typed.items():
            if label.startswith(wanted) and wanted not in done:
                keyboard.type(text)
                done.add(wanted)
                if focused["tag"] == "select":
                    selected = page.evaluate(FOCUSED)["option"]
                    assert selected.startswith(text), f"typing {text!r} in {wanted!r} chose {selected!r}"
                break
        else:
            if focused["type"] == "checkbox" and label.startswith(declaration_starts):
                keyboard.press("Space")
                assert page.evaluate(FOCUSED)["checked"], f"Space did not tick {label!r}"
                done.add(label)
    else:
        pytest.fail("600 presses of Tab never reached the check page")

    assert set(typed) | set(picked) <= done, f"never reached by Tab: {(set(typed) | set(picked)) - done}"
    assert len(done) == len(typed) + len(picked) + 2, (
        "both declarations must be reachable and ticked by keyboard"
    )
    # Check your answers, by keyboard too: Tab past each "Change" to "Accept and send".
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Check your answers before sending"))
    for _step in range(80):
        keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused is not None and focused["focus_visible"], f"focus lost or invisible: {focused}"
        if focused["tag"] == "button" and focused["label"] == T("Accept and send"):
            break
    else:
        pytest.fail("80 presses of Tab never reached Accept and send")
    with page.expect_navigation():
        keyboard.press("Space")
    confirm_mobile_if_asked(page, T)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Application received"))
    expect(page.get_by_text(re.compile(r"LA-\d{4}-\d{6}")).first).to_be_visible()


def test_error_summary_links_fields_and_title_counts_errors(new_context, labels):
    """After a bad submit: the summary first, links to each field, fields described by their
    error, and the error count in the page title."""
    T = labels(EN)
    page = new_context(language=EN).new_page()
    page.goto("/legal-aid/apply/contact")
    field(page, T("Resident ID number")).fill("36042619910102009X")  # wrong check digit (SPEC §8)
    page.get_by_role("button", name=T("Continue"), exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    count = links.count()
    assert count >= 5, f"an empty form has at least 5 problems, the summary lists {count}"
    expect(summary.get_by_role("heading")).to_have_text(T("There are %(num)d problems") % {"num": count})
    expect(page).to_have_title(starts_with(T("(%(num)d errors)") % {"num": count}))

    # At the top: before the form's first field, right under the page heading.
    summary_box = summary.bounding_box()
    assert summary_box["y"] < field(page, T("Full name")).bounding_box()["y"]
    assert summary_box["y"] > page.get_by_role("heading", level=1).bounding_box()["y"]

    for index in range(count):
        link = links.nth(index)
        href = link.get_attribute("href")
        assert href and href.startswith("#"), f"summary link {index} does not point into the page: {href}"
        target = page.locator(f"[id='{href[1:]}']")
        expect(target).to_have_count(1)
        described_by = (target.get_attribute("aria-describedby") or "").split()
        error_id = f"{href[1:]}-error"
        assert error_id in described_by, f"#{href[1:]} is not described by its error ({described_by})"
        message = link.inner_text().strip()  # the message alone, whole
        expect(page.locator(f"[id='{error_id}']")).to_contain_text(message)
        if target.evaluate("el => el.tagName") in ("INPUT", "SELECT", "TEXTAREA"):
            expect(target).to_have_attribute("aria-invalid", "true")

    # The ID number's own message, and the link takes the user to the field.
    id_field = field(page, T("Resident ID number"))
    expect(id_field).to_have_value("36042619910102009X")
    id_link = summary.locator(f"a[href='#{id_field.get_attribute('id')}']")
    id_link.click()
    assert page.url.endswith("#" + id_field.get_attribute("id"))
    expect(id_field).to_be_focused()
    expect(id_field).to_be_in_viewport()


@pytest.mark.parametrize("path", ["/legal-aid/", "/legal-aid/apply/contact"])
def test_shift_three_times_quick_exit_leaves_the_legal_aid_page(path, new_context, labels):
    """Shift pressed three times leaves at once for a neutral site and replaces the page in
    the history; never Esc, and not while typing in a field."""
    T = labels(ZH)
    page = new_context().new_page()
    page.goto("/")
    page.goto(path)
    exit_link = page.get_by_role("link", name=T("Quick exit"))
    expect(exit_link).to_be_visible()
    exit_url = exit_link.get_attribute("href")
    exit_host = urlsplit(exit_url).hostname
    assert exit_host and exit_host not in ("127.0.0.1", "localhost"), exit_url

    attempted = []

    def neutral_site(route):  # no internet here: answer in place of the neutral site
        attempted.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Weather</title><h1>Weather</h1>")

    page.route(lambda url: urlsplit(url).hostname == exit_host, neutral_site)
    page.keyboard.press("Escape")  # Esc closes pickers and lists: it must not leave
    page.wait_for_timeout(300)
    if path.endswith("contact"):
        name = field(page, T("Full name"))
        name.fill("某某")
        for _ in range(3):  # Chinese input methods switch 中/英 with Shift: typing never leaves
            name.press("Shift")
        page.wait_for_timeout(300)
        assert urlsplit(page.url).path == path and not attempted
        page.get_by_role("heading", level=1).click()  # out of the field
    else:
        assert not attempted
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(lambda url: urlsplit(url).hostname == exit_host)
    assert attempted and urlsplit(attempted[0]).hostname == exit_host

    # location.replace: Back does not return to the legal aid page.
    page.go_back()
    assert urlsplit(page.url).path == "/", f"Back returned to {page.url}"
