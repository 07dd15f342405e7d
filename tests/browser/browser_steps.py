"""Steps a person takes in the portal, written with what they see: labels, roles, text.

`T` is the gettext function of the page's language (see conftest.Labels), so a step
reads the same in English and Chinese.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

# Demo accounts made by `flask seed-demo` (portal/demo.py), and one that the browser suite
# makes for the lockout test, so that locking it cannot disturb the other tests.
OFFICER = ("officer", "officer-demo-2026")
RESIDENT = ("13800000001", "resident-demo-2026")
LOCKOUT_USER = ("lockout-officer", "lockout-officer-pass-2026")
LAWYER_NAME = "陈律师（演示）"

ZH = "zh_Hans"
EN = "en"

DESKTOP = {"width": 1024, "height": 800}
# WCAG 1.4.10 (Reflow): content must work at 320 CSS pixels wide without scrolling sideways.
NARROW_PHONE = {"width": 320, "height": 640}

REFERENCE = re.compile(r"\bLA-(\d{4})-(\d{6})\b")
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


def township_name(T) -> str:
    return "Quantang Subdistrict" if T.locale == "en" else "泉塘街道"


def switch_language(page: Page, to: str) -> None:
    """Use the header's language link, and check that the page came back in that language."""
    link_text = "English" if to == "en" else "中文"
    page.get_by_role("link", name=link_text, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en" if to == "en" else "zh-Hans")


def go_to_application_form(page: Page, T) -> None:
    """From the home page, as a resident would: Legal aid, then Apply for legal aid."""
    page.goto("/")
    page.get_by_role("navigation", name=T("Main")).get_by_role("link", name=T("Legal aid"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Legal aid"))
    page.get_by_role("link", name=T("Apply for legal aid"), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Apply for legal aid"))


def fill_application(page: Page, T, *, name: str, mobile: str, attachments: list[Path] = ()) -> None:
    """Fill in a complete, valid application for oneself about unpaid wages."""
    field(page, T("Full name")).fill(name)
    field(page, T("Resident ID number")).fill(VALID_ID)
    field(page, T("Mobile number")).fill(mobile)
    field(page, T("Address")).fill("长沙县星沙街道开元路 1 号" if T.locale != "en" else "1 Kaiyuan Road, Xingsha")
    field(page, T("Township or street where you live")).select_option(label=township_name(T))
    page.get_by_role("radio", name=T("Myself"), exact=True).check()
    field(page, T("What is the matter about?")).select_option(
        label=T("Confirming an employment relationship or claiming unpaid pay")
    )
    field(page, T("Where does the matter stand?")).select_option(label=T("Labour or other arbitration"))
    field(page, T("Other party (person or organisation)")).fill("某建筑劳务公司")
    field(page, T("What happened, and what do you want to achieve?")).fill(
        FACTS if T.locale != "en" else FACTS_EN
    )
    field(page, T("People in your household")).fill("3")
    field(page, T("Household income per month (yuan)")).fill("2400")
    if attachments:
        field(page, T("Supporting documents")).set_input_files([str(p) for p in attachments])
    for checkbox in declarations(page, T).all():
        checkbox.check()


def declarations(page: Page, T) -> Locator:
    """The truthful-statement pledge and the privacy consent (long sentences whose wording
    the developers refine, so they are found as the checkboxes of "Declarations")."""
    boxes = page.get_by_role("group", name=T("Declarations"), exact=True).get_by_role("checkbox")
    expect(boxes).to_have_count(2)
    return boxes


def send_application(page: Page, T) -> str:
    """Submit the form and read the reference number on the confirmation page."""
    page.get_by_role("button", name=T("Send the application"), exact=True).click()
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
    page.get_by_role("navigation", name=T("Main")).get_by_role("link", name=T("Track a request"), exact=True).click()
    field(page, T("Reference number")).fill(reference)
    field(page, T("Mobile number given with the request")).fill(mobile)
    page.get_by_role("button", name=T("Show my request"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def status(page: Page, T) -> Locator:
    """The paragraph "Status: <state>" of a tracking page."""
    return page.get_by_role("paragraph").filter(has_text=starts_with(T("Status:")))


def section(page: Page, heading: str) -> Locator:
    """The <section> labelled by the heading `heading`."""
    return page.get_by_role("region", name=heading, exact=True)


def sign_in(page: Page, T, username: str, password: str) -> None:
    """Fill in the sign-in form and press Sign in (the caller checks where it lands)."""
    field(page, T("Mobile number or staff username")).fill(username)
    field(page, T("Password")).fill(password)
    page.get_by_role("button", name=T("Sign in"), exact=True).click()


def open_request_from_queue(page: Page, T, reference: str) -> None:
    """Staff home, the legal aid queue, then the request's row."""
    page.goto("/staff/")
    page.get_by_role("main").get_by_role("link", name=T("Legal aid"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{T('Queue')}: {T('Legal aid')}")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def open_action(page: Page, label: str) -> Locator:
    """Open the <details> of a staff action by clicking its summary; return its panel."""
    panel = page.get_by_role("group").filter(has=page.locator("summary", has_text=exactly(label)))
    panel.locator("summary").click()
    expect(panel.get_by_role("button", name=label, exact=True)).to_be_visible()
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
