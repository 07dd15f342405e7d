"""Steps a person takes in the portal, written with what they see: labels, roles, text.

`T` is the gettext function of the page's language (see conftest.Labels), so a step
reads the same in English and Chinese.
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from .as_deployed import confirm_mobile_if_asked, enter_tracking_code_if_asked, pass_second_factor

# Demo accounts made by `flask seed-demo` (portal/demo.py), and one that the browser suite
# makes for the lockout test, so that locking it cannot disturb the other tests.
OFFICER = ("officer", "officer-demo-2026")
RESIDENT = ("13800000001", "resident-demo-2026")
LOCKOUT_USER = ("lockout-officer", "quiet-harbour-lantern-2026")
LAWYER_NAME = "陈律师（演示）"
DESK = ("desk", "desk-demo-2026")  # works the county centre and the 星沙 justice office
ADVISER_ADMIN = ("advisers", "advisers-demo-2026")

ZH = "zh_Hans"
EN = "en"
# The languages a journey that runs in both is run in. CI runs the browser suite in Chinese
# only (issue #26): English pages are covered over HTTP, and the English-only journeys below
# (no JavaScript, desktop) still run. BROWSER_LANGUAGES=zh_Hans,en runs both locally.
LANGUAGES = [code for code in os.environ.get("BROWSER_LANGUAGES", ZH).split(",") if code in (ZH, EN)] or [ZH]

DESKTOP = {"width": 1024, "height": 800}
# WCAG 1.4.10 (Reflow): content must work at 320 CSS pixels wide without scrolling sideways.
NARROW_PHONE = {"width": 320, "height": 640}

REFERENCE = re.compile(r"\bLA-(\d{4})-(\d{6})\b")
BOOKING_REFERENCE = re.compile(r"\bCB-\d{4}-\d{6}\b")
CONTACT_REFERENCE = re.compile(r"\bAC-\d{4}-\d{6}\b")
VALID_ID = "430121199001011237"  # SPEC §8
FACTS = "在工地务工八个月，包工头拖欠工资共计三万六千元，多次讨要未果。"
FACTS_EN = "I worked on a building site for eight months and the contractor never paid my wages."


def starts_with(text: str) -> re.Pattern:
    """A label that starts with `text`: "Full name (required)" but not "Their full name"."""
    return re.compile(r"^\s*" + re.escape(text))


def exactly(text: str) -> re.Pattern:
    return re.compile(r"^\s*" + re.escape(text) + r"\s*$")


def field(page: Page | Locator, label: str) -> Locator:
    """The form control whose label starts with `label`."""
    return page.get_by_label(starts_with(label))


def text_field(page: Page | Locator, label: str) -> Locator:
    """The text box whose label starts with `label` (not a select whose label merely
    begins the same way, e.g. 不予法律援助的理由 and 不予法律援助的理由类别)."""
    return page.get_by_role("textbox", name=starts_with(label))


def township_name(T) -> str:
    return "Quantang Subdistrict" if T.locale == "en" else "泉塘街道"


def centre_name(T) -> str:
    """The county public legal service centre as the public pages name it (demo data)."""
    return "Changsha County Public Legal Service Centre" if T.locale == "en" else CENTRE_NAME_ZH


#: Staff pages name service points in Chinese only.
CENTRE_NAME_ZH = "长沙县公共法律服务中心"
#: The demo villages of 星沙街道 (portal/advisers/demo.py).
XINGSHA_VILLAGES = ("松雅社区", "金茂社区", "星城村")


def xingsha_name(T) -> str:
    return "Xingsha Subdistrict" if T.locale == "en" else "星沙街道"


def switch_language(page: Page, to: str) -> None:
    """Use the header's language link, and check that the page came back in that language."""
    link_text = "English" if to == "en" else "中文"
    page.get_by_role("link", name=link_text, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en" if to == "en" else "zh-Hans")


def go_to_application_form(page: Page, T) -> None:
    """From the home page, as a resident would: Legal aid, then Apply for legal aid (its
    first question page)."""
    page.goto("/")
    page.get_by_role("navigation", name=T("Main")).get_by_role(
        "link", name=T("Legal aid"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Legal aid"))
    page.get_by_role("link", name=T("Apply for legal aid"), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Who needs legal aid"))


def next_page(page: Page, T, heading: str | None) -> None:
    """Press Continue: the next question page (its heading), or the check page (None)."""
    with page.expect_navigation():
        page.get_by_role("button", name=T("Continue"), exact=True).click()
    expected = heading if heading is not None else T("Check your answers before sending")
    expect(page.get_by_role("heading", level=1)).to_have_text(expected)


def fill_application(page: Page, T, *, name: str, mobile: str, attachments: list[Path] = ()) -> None:
    """Answer each question page of a complete, valid application for oneself about unpaid
    wages, from the first page to the check page."""
    page.get_by_role("radio", name=T("Myself"), exact=True).check()
    next_page(page, T, T("What kind of matter"))
    page.get_by_role("radio", name=T("A dispute with a person or a business"), exact=True).check()
    next_page(page, T, T("The matter"))
    field(page, T("What is the matter about?")).select_option(label=T("Unpaid pay"))
    page.get_by_role(
        "group", name=starts_with(T("Is a lawyer or other agent already acting in this matter?"))
    ).get_by_role("radio", name=T("No"), exact=True).check()
    next_page(page, T, T("Where the matter stands"))
    field(page, T("Where does the matter stand?")).select_option(label=T("Labour or other arbitration"))
    next_page(page, T, T("Who handles it now"))
    page.get_by_role("radio", name=T("An arbitration commission"), exact=True).check()
    page.get_by_role("radio", name=T("In this county"), exact=True).check()
    for title, question in (
        (T("When your money is not checked"), T("Is your claim one of these?")),
        (T("When your money need not be checked"), T("Does one of these describe you?")),
    ):
        next_page(page, T, title)
        page.get_by_role("group", name=starts_with(question)).get_by_role(
            "radio", name=T("None of these"), exact=True
        ).check()
    next_page(page, T, T("Household means"))
    field(page, T("People in your household")).fill("3")
    field(page, T("Household income per month (yuan)")).fill("2400")
    next_page(page, T, T("What happened and what you ask for"))
    field(page, T("Other party (person or organisation)")).fill("某建筑劳务公司")
    field(page, T("What happened, and what do you want to achieve?")).fill(
        FACTS if T.locale != "en" else FACTS_EN
    )
    next_page(page, T, T("Your contact details"))
    field(page, T("Full name")).fill(name)
    field(page, T("Resident ID number")).fill(VALID_ID)
    field(page, T("Mobile number")).fill(mobile)
    field(page, T("Address")).fill(
        "长沙县星沙街道开元路 1 号" if T.locale != "en" else "1 Kaiyuan Road, Xingsha"
    )
    field(page, T("Township or street where you live")).select_option(label=township_name(T))
    next_page(page, T, T("No text messages (safe contact)"))
    next_page(page, T, T("Documents"))
    if attachments:
        field(page, T("Supporting documents")).set_input_files([str(p) for p in attachments])
    next_page(page, T, T("Declaration"))
    for checkbox in declarations(page, T).all():
        checkbox.check()
    next_page(page, T, None)


def declarations(page: Page, T) -> Locator:
    """The truthful-statement pledge and the privacy consent (long sentences whose wording
    the developers refine, so they are found as the checkboxes of the declaration page)."""
    boxes = page.get_by_role("main").get_by_role("checkbox")
    expect(boxes).to_have_count(2)
    return boxes


def check_answers_and_send(page: Page, T, *answers: str) -> None:
    """The check-your-answers page every public form shows before sending: it lists the
    answers (each of `answers` must be there), then "Accept and send", then the SMS code
    when the code page asks for it."""
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Check your answers before sending"))
    for answer in answers:
        expect(
            page.get_by_role("main").get_by_role("definition").filter(has_text=answer).first
        ).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name=T("Accept and send"), exact=True).click()
    confirm_mobile_if_asked(page, T)


def send_application(page: Page, T) -> str:
    """Accept the answers on the check page, and read the reference number on the confirmation page."""
    check_answers_and_send(page, T)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Application received"))
    reference_text = page.get_by_text(REFERENCE).first.inner_text()
    match = REFERENCE.search(reference_text)
    assert match, f"no reference number on the confirmation page: {reference_text!r}"
    now = datetime.now(UTC)
    # The year is the year of receipt (UTC or China time: both are right around New Year).
    assert match.group(1) in {str(now.year), str((now + timedelta(hours=8)).year)}
    return match.group(0)


def apply_for_legal_aid(page: Page, T, *, name: str, mobile: str, attachments: list[Path] = ()) -> str:
    go_to_application_form(page, T)
    fill_application(page, T, name=name, mobile=mobile, attachments=attachments)
    return send_application(page, T)


def track(page: Page, T, reference: str, mobile: str) -> None:
    """Find a request at /track by its reference and the mobile number given with it."""
    page.goto("/")
    page.get_by_role("navigation", name=T("Main")).get_by_role(
        "link", name=T("Track a request"), exact=True
    ).click()
    field(page, T("Reference number")).fill(reference)
    field(page, T("Mobile number given with the request")).fill(mobile)
    page.get_by_role("button", name=T("Show my request"), exact=True).click()
    enter_tracking_code_if_asked(page, T, mobile)  # as deployed: the code texted by /track
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def status(page: Page, T) -> Locator:
    """The paragraph "Status: <state>" of a tracking page."""
    return page.get_by_role("paragraph").filter(has_text=starts_with(T("Status:")))


def section(page: Page, heading: str) -> Locator:
    """The <section> labelled by the heading `heading`."""
    return page.get_by_role("region", name=heading, exact=True)


def sign_in(page: Page, T, username: str, password: str) -> None:
    """Fill in the sign-in form and press Sign in, then the staff second factor when it is
    asked (the caller checks where it lands).

    Residents sign in at /account/login with their mobile number, staff at /staff/login
    with their username: each page asks for its own."""
    staff_page = "/staff/login" in page.url
    field(page, T("Username") if staff_page else T("Mobile number")).fill(username)
    field(page, T("Password")).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=T("Sign in"), exact=True).click()
    pass_second_factor(page, T, username)


def open_request_from_queue(page: Page, T, reference: str) -> None:
    """Staff home, the legal aid queue, then the request's row."""
    page.goto("/staff/")
    page.get_by_role("main").get_by_role("link", name=T("Legal aid"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{T('Queue')}: {T('Legal aid')}")
    # Found by its reference, as an officer would: in a long suite it is not on page 1.
    field(page, T("Search: reference, name or mobile")).fill(reference)
    page.get_by_role("button", name=T("Apply filters"), exact=True).click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def open_action(page: Page, label: str) -> Locator:
    """Open the <details> of a staff action by clicking its summary; return its panel."""
    panel = page.get_by_role("group").filter(has=page.locator("summary", has_text=exactly(label)))
    panel.locator("summary").click()
    # Its own button, or first "show the message before sending" (an action that texts, #31).
    expect(panel.get_by_role("button").first).to_be_visible()
    return panel


def write_pdf(path: Path, text: str) -> Path:
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def read_reference(page: Page, pattern: re.Pattern) -> str:
    """The first reference number matching `pattern` shown in the page's main content."""
    text = page.get_by_role("main").get_by_text(pattern).first.inner_text()
    match = pattern.search(text)
    assert match, f"no reference number like {pattern.pattern} in {text!r}"
    return match.group(0)


# --------------------------------------------------------------------------- consultations


def free_times(page: Page, T) -> Locator:
    """The radio buttons of the free times offered on the booking page."""
    return page.get_by_role("group", name=starts_with(T("Time"))).get_by_role("radio")


def go_to_booking(page: Page, T) -> None:
    """From the home page: Consultation booking, then Book a consultation."""
    page.goto("/")
    page.get_by_role("navigation", name=T("Main")).get_by_role(
        "link", name=T("Consultation booking"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Consultation booking"))
    page.get_by_role("link", name=T("Book a consultation"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Book a consultation"))


def choose_point_and_day(page: Page, T, point: str, days_ahead: int = 2) -> date:
    """Choose the service point, then the first weekday at least `days_ahead` days ahead
    (so that the 2-hour rule never interferes) that has free times; returns that day."""
    field(page, T("Service point")).select_option(label=point)
    days = (
        field(page, T("Day"))
        .locator("option")
        .evaluate_all("options => options.map(o => [o.value, o.textContent.trim()])")
    )
    for value, label in days[days_ahead:]:
        if date.fromisoformat(value).weekday() >= 5:
            continue
        field(page, T("Day")).select_option(label=label)
        page.get_by_role("button", name=T("Show free times"), exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]date=" + re.escape(value)))
        page.wait_for_load_state()
        if free_times(page, T).count():
            return date.fromisoformat(value)
    raise AssertionError(f"no weekday with free times at {point} in the next {len(days)} days")


def fill_booking(page: Page, T, *, name: str, mobile: str, question: str) -> str:
    """Choose the first free time and fill in the booking form; returns the time, e.g. "09:00"."""
    first = free_times(page, T).first
    time_label = first.evaluate("el => el.labels[0].innerText.trim()")
    first.check()
    page.get_by_role("radio", name=T("In person"), exact=True).check()
    field(page, T("Topic")).select_option(label=T("Labour and employment"))
    field(page, T("Your question in a few words")).fill(question)
    field(page, T("Full name")).fill(name)
    field(page, T("Mobile number")).fill(mobile)
    return time_label.split("–")[0].strip()


def send_booking(page: Page, T) -> str:
    """Press Book and read the CB reference on the confirmation page."""
    page.get_by_role("button", name=T("Book"), exact=True).click()
    check_answers_and_send(page, T)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Consultation booked"))
    return read_reference(page, BOOKING_REFERENCE)


def book_consultation(
    page: Page,
    T,
    *,
    name: str,
    mobile: str,
    point: str | None = None,
    question: str = "公司拖欠两个月工资，想咨询如何维权。",
) -> tuple[str, date, str]:
    """The whole booking from the home page; returns (reference, day, time)."""
    go_to_booking(page, T)
    day = choose_point_and_day(page, T, point or centre_name(T))
    time = fill_booking(page, T, name=name, mobile=mobile, question=question)
    return send_booking(page, T), day, time


def open_day_view(page: Page, T, point_name: str, day: date) -> None:
    """Staff home, Consultation desks, the point's day view, then Next day up to `day`."""
    page.get_by_role("navigation", name=T("Main")).get_by_role(
        "link", name=T("Staff home"), exact=True
    ).click()
    page.get_by_role(
        "link", name=T("Consultation desks: day view, walk-ins, opening hours"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Consultation desks"))
    row = page.get_by_role("row").filter(has_text=point_name)
    row.get_by_role("link", name=starts_with(T("Day view"))).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(point_name)
    shown = date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", heading.inner_text()).group(0))
    assert shown <= day, f"the day view opens on {shown}, after {day}"
    while shown < day:
        page.get_by_role("navigation", name=T("Days")).get_by_role(
            "link", name=starts_with(T("Next day"))
        ).click()
        shown += timedelta(days=1)
        expect(heading).to_contain_text(shown.isoformat())


def term_value(page: Page | Locator, term: str) -> Locator:
    """The <dd> after the <dt> `term` of a description list."""
    return (
        page.get_by_role("term")
        .filter(has_text=exactly(term))
        .first.locator("xpath=following-sibling::dd[1]")
    )


# --------------------------------------------------------------------------- advisers


def search_advisers(page: Page, T, query: str) -> None:
    """Type in the directory's one search box and press Search."""
    field(page, T("Village, township or adviser")).fill(query)
    page.get_by_role("search").get_by_role("button", name=T("Search"), exact=True).click()
    expect(page.get_by_role("heading", level=2, name=T("Results for “%(q)s”") % {"q": query})).to_be_visible()


def search_results(page: Page) -> Locator:
    """The items of the directory's result list (one village each)."""
    return page.get_by_role("main").get_by_role("listitem").filter(has=page.get_by_role("link"))


def fill_contact(page: Page, T, *, name: str, mobile: str, question: str) -> None:
    field(page, T("What is it about?")).select_option(label=T("Land, housing and contracts"))
    field(page, T("Describe your question briefly")).fill(question)
    field(page, T("Your name")).fill(name)
    field(page, T("Mobile number")).fill(mobile)
    field(page, T("When may the adviser call you?")).select_option(label=T("Weekday afternoons"))
    field(
        page,
        T(
            "I agree that the justice bureau and the adviser use my name and number only to answer "
            "this request."
        ),
    ).check()


def roster_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A roster file as the export writes it: UTF-8 with BOM, the export's header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return path


#: A roster of two rows, the second one wrong (unknown township): nothing may be imported.
ROSTER_GOOD_NAME = "测试顾问甲"
ROSTER_ROWS = [
    [
        "",
        ROSTER_GOOD_NAME,
        "律师",
        "浏阳河律师事务所（测试）",
        "13900003001",
        "星沙街道",
        "测试新村",
        "每周一上午",
        "合同纠纷",
    ],
    ["", "测试顾问乙", "律师", "浏阳河律师事务所（测试）", "13900003002", "火星镇", "测试二村", "", ""],
]
ROSTER_BAD_TOWNSHIP = "火星镇"


def roster_header_from_export(page: Page) -> list[str]:
    """Download the roster export (CSV link of the roster page) and read its header row."""
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return next(csv.reader(io.StringIO(text)))
