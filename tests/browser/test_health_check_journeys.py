"""Enterprise legal health check in a real browser: an enterprise clerk registers and gets
verified, requests a check; the coordinator assigns a team and schedules the visit; the
lead lawyer declares no conflict, accepts the pledge and records findings; the coordinator publishes; the clerk downloads the PDF and
the Excel file (read back here), marks a finding fixed and asks for a follow-up, which the
lawyer records. axe-core checks the health-check pages on the way."""

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .browser_steps import (
    LANGUAGES,
    ZH,
    check_answers_and_send,
    field,
    next_page,
    open_action,
    read_reference,
    section,
    sign_in,
    status,
)
from .enterprise_steps import COORDINATOR, register_enterprise_clerk, uscc, verify_enterprise
from .test_accessibility import VIEWPORTS, check_axe

pytestmark = pytest.mark.browser

CHECK_REFERENCE = re.compile(r"\bHC-\d{4}-\d{6}\b")
LAWYER = ("lawyer", "lawyer-demo-2026")
LAWYER_NAME = "陈律师（演示）"


def staff_page(new_context, language, account, T) -> Page:
    page = new_context(language=language, bypass_csp=True, viewport=VIEWPORTS[language]).new_page()
    page.goto("/staff/login")
    sign_in(page, T, *account)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Staff home"))
    return page


def open_check(page: Page, T, reference: str) -> None:
    page.goto("/staff/")
    page.get_by_role("main").get_by_role("link", name=T("Enterprise legal health check"), exact=True).click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_verify_request_publish_download_fix_and_follow_up(
    language, new_context, labels, axe_source, tmp_path
):
    T = labels(language)
    mobile, code = ("13900000801", uscc(801)) if language == ZH else ("13900000802", uscc(802))
    company = "长沙县示例精工有限公司" if language == ZH else "Changsha Sample Works Ltd"
    finding_text = "员工未签书面劳动合同。" if language == ZH else "Staff work without written contracts."

    clerk = new_context(language=language, bypass_csp=True, viewport=VIEWPORTS[language]).new_page()
    clerk.goto("/health-checks/")
    check_axe(clerk, axe_source, "health-checks", language)
    register_enterprise_clerk(
        clerk,
        T,
        mobile,
        company,
        code,
        tmp_path,
        check=lambda p, name: check_axe(p, axe_source, name, language),
    )

    coordinator = staff_page(new_context, language, COORDINATOR, T)
    verify_enterprise(coordinator, T, company, check=lambda p, name: check_axe(p, axe_source, name, language))

    clerk.goto("/")
    clerk.get_by_role("main").get_by_role("link", name=T("Enterprise legal health check"), exact=True).click()
    clerk.get_by_role("link", name=T("Request a legal health check"), exact=True).click()
    # The request's question pages (issue #30): what, how and when, the self-assessment, the enterprise.
    expect(clerk.get_by_role("heading", level=1)).to_have_text(T("What the lawyers should check"))
    clerk.get_by_role("checkbox", name=T("Labour and employment"), exact=True).check()
    next_page(clerk, T, T("How and when"))
    clerk.get_by_role("radio", name=T("Visit at our premises"), exact=True).check()
    next_page(clerk, T, T("Quick self-assessment (optional)"))
    clerk.get_by_role("group", name=T("Does every employee have a written labour contract?")).get_by_role(
        "radio", name=T("No"), exact=True
    ).check()
    check_axe(clerk, axe_source, "health-check-request", language)
    next_page(clerk, T, T("About the enterprise"))
    field(clerk, T("Industry")).fill("机械制造")
    field(clerk, T("Number of employees")).fill("80")
    field(clerk, T("Township or street")).select_option(index=1)
    next_page(clerk, T, None)
    check_answers_and_send(clerk, T, "机械制造")
    expect(clerk.get_by_role("heading", level=1)).to_have_text(T("Your request was sent"))
    reference = read_reference(clerk, CHECK_REFERENCE)

    open_check(coordinator, T, reference)
    expect(coordinator.get_by_role("main")).to_contain_text(T("likely risk"))
    check_axe(coordinator, axe_source, "health-check-detail", language)
    open_action(coordinator, T("Accept")).get_by_role("button", name=T("Accept"), exact=True).click()
    panel = open_action(coordinator, T("Assign the lawyer team"))
    lead = field(panel, T("Lead lawyer"))
    lead.select_option(value=lead.locator("option", has_text=LAWYER_NAME).get_attribute("value"))
    panel.get_by_role("button", name=T("Assign the lawyer team"), exact=True).click()
    panel = open_action(coordinator, T("Schedule the visit"))
    field(panel, T("Date")).fill(date.today().replace(year=date.today().year + 1).isoformat())
    field(panel, T("Starts at")).fill("09:30")
    field(panel, T("Place")).fill("星沙开元路 1 号")
    panel.get_by_role("button", name=T("Schedule the visit"), exact=True).click()
    expect(coordinator.get_by_role("main")).to_contain_text("星沙开元路 1 号")

    lawyer = staff_page(new_context, language, LAWYER, T)
    open_check(lawyer, T, reference)
    lawyer.get_by_role("main").get_by_role("link", name=T("Declare and pledge"), exact=True).click()
    no_conflict = "I have no conflict: no paid retainer with the enterprise or its group, and no current matter against it."
    lawyer.get_by_role("radio", name=T(no_conflict), exact=True).check()
    lawyer.get_by_role("checkbox", name=T("I accept the pledge above."), exact=True).check()
    lawyer.get_by_role("button", name=T("Send"), exact=True).click()
    open_check(lawyer, T, reference)
    open_action(lawyer, T("Visit done: write the report")).get_by_role(
        "button", name=T("Visit done: write the report"), exact=True
    ).click()
    lawyer.get_by_role("link", name=re.compile("^" + re.escape(T("Findings")))).click()
    field(lawyer, T("Area")).select_option(label=T("Labour and employment"))
    field(lawyer, T("Risk level")).select_option(label=T("High (urgent)"))
    field(lawyer, T("Finding")).fill(finding_text)
    field(lawyer, T("Legal basis (law and article)")).fill("《劳动合同法》第十条")
    field(lawyer, T("Recommendation")).fill("一个月内补签。")
    lawyer.get_by_role("button", name=T("Add the finding"), exact=True).click()
    expect(lawyer.get_by_role("main")).to_contain_text(finding_text)
    check_axe(lawyer, axe_source, "health-check-findings", language)

    open_check(coordinator, T, reference)
    panel = open_action(coordinator, T("Publish the report"))
    field(panel, T("Documents the team saw")).fill("劳动合同 20 份")
    panel.get_by_role("button", name=T("Publish the report"), exact=True).click()
    expect(coordinator.get_by_role("main")).to_contain_text(T("Report published"))

    clerk.goto(f"/track/{reference}")
    clerk.get_by_role("link", name=T("Read the report"), exact=True).click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text(T("Legal health check report"))
    check_axe(clerk, axe_source, "health-check-report", language)
    with clerk.expect_download() as pdf:
        clerk.get_by_role("link", name=T("Download the PDF"), exact=True).click()
    pdf_path = tmp_path / "report.pdf"
    pdf.value.save_as(pdf_path)
    text = "".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert finding_text.replace(" ", "") in text.replace("\n", "").replace(" ", "")
    with clerk.expect_download() as xlsx:
        clerk.get_by_role("link", name=T("Download the Excel file"), exact=True).click()
    xlsx_path = tmp_path / "report.xlsx"
    xlsx.value.save_as(xlsx_path)
    rows = list(load_workbook(xlsx_path).worksheets[1].iter_rows(min_row=2, values_only=True))
    assert rows[0][2] == finding_text

    fixes = section(clerk, T("Fixing the findings"))
    fixes.get_by_label(T("What you did about finding %(num)s") % {"num": 1}).fill("已补签全部合同。")
    fixes.get_by_role("button", name=T("Mark finding %(num)s as fixed") % {"num": 1}, exact=True).click()
    expect(clerk.get_by_role("main")).to_contain_text("已补签全部合同。")
    clerk.get_by_role("link", name=T("Go to the tracking page"), exact=True).click()
    section(clerk, T("Ask for a follow-up visit")).get_by_role(
        "button", name=T("Ask for a follow-up visit"), exact=True
    ).click()
    expect(status(clerk, T)).to_contain_text(T("Follow-up requested"))

    open_check(lawyer, T, reference)
    panel = open_action(lawyer, T("Schedule the follow-up visit"))
    field(panel, T("Date")).fill(date.today().replace(year=date.today().year + 1).isoformat())
    field(panel, T("Starts at")).fill("14:00")
    field(panel, T("Place")).fill("星沙开元路 1 号")
    panel.get_by_role("button", name=T("Schedule the follow-up visit"), exact=True).click()
    lawyer.get_by_role("link", name=re.compile("^" + re.escape(T("Findings")))).click()
    lawyer.get_by_role("radio", name=T("Resolved"), exact=True).check()
    lawyer.get_by_role("button", name=T("Save the follow-up result"), exact=True).click()
    lawyer.get_by_role("link", name=reference).click()
    open_action(lawyer, T("Follow-up done: close")).get_by_role(
        "button", name=T("Follow-up done: close"), exact=True
    ).click()
    expect(lawyer.get_by_role("main")).to_contain_text(T("Closed"))
    clerk.reload()
    expect(status(clerk, T)).to_contain_text(T("Closed"))


def test_the_team_pledges_before_opening_anything_and_the_enterprise_objects(new_context, labels, axe_source):
    """The demo check waiting for its team (enterprise 2, 刘律师 leading): the lawyer is
    refused the findings until they declare no conflict and pledge; the clerk sees the
    pledge and objects to the lawyer; the coordinator decides with reasons the clerk reads.
    Mutant caught: `team.may_open` true for any member on the team (seen red: the findings
    opened before the pledge)."""
    language = ZH
    T = labels(language)
    clerk = new_context(language=language, bypass_csp=True, viewport=VIEWPORTS[language]).new_page()
    clerk.goto("/account/login")
    sign_in(clerk, T, "13800000012", "enterprise-demo-2026")
    clerk.goto("/account/requests")
    reference = read_reference(clerk, CHECK_REFERENCE)

    lawyer = staff_page(new_context, language, ("lawyer2", "lawyer2-demo-2026"), T)
    lawyer.goto(f"/staff/health-checks/{reference}/findings")
    expect(lawyer.get_by_role("heading", level=1)).to_have_text(T("Declare and pledge first"))
    lawyer.get_by_role("main").get_by_role("link", name=T("Declare and pledge"), exact=True).click()
    lawyer.get_by_role("button", name=T("Send"), exact=True).click()
    expect(lawyer.get_by_role("main")).to_contain_text(T("Say whether you have a conflict of interest."))
    check_axe(lawyer, axe_source, "health-check-pledge", language)
    no_conflict = "I have no conflict: no paid retainer with the enterprise or its group, and no current matter against it."
    lawyer.get_by_role("radio", name=T(no_conflict), exact=True).check()
    lawyer.get_by_role("checkbox", name=T("I accept the pledge above."), exact=True).check()
    lawyer.get_by_role("button", name=T("Send"), exact=True).click()
    expect(lawyer.get_by_role("heading", level=1)).to_contain_text(T("Findings"))

    clerk.goto(f"/track/{reference}")
    expect(clerk.get_by_role("main")).to_contain_text("已作出保密和不招揽业务承诺")
    clerk.locator("summary", has_text=T("Object to %(name)s") % {"name": "刘律师（演示）"}).click()
    field(clerk, T("Why this lawyer should not be on the team")).fill("该律师曾代理我司的诉讼对方。")
    clerk.get_by_role("button", name=T("Send the objection"), exact=True).click()
    expect(clerk.get_by_role("main")).to_contain_text("该律师曾代理我司的诉讼对方。")

    coordinator = staff_page(new_context, language, COORDINATOR, T)
    open_check(coordinator, T, reference)
    decision = coordinator.get_by_role(
        "group", name=T("Decide on the objection to %(name)s") % {"name": "刘律师（演示）"}
    )
    decision.get_by_role("radio", name=T("Dismissed: the lawyer stays"), exact=True).check()
    field(coordinator, T("Reasons, told to the enterprise")).fill("该案件已于三年前结案，不构成利益冲突。")
    coordinator.get_by_role("button", name=T("Decide"), exact=True).click()
    expect(coordinator.get_by_role("main")).to_contain_text("该案件已于三年前结案，不构成利益冲突。")
    clerk.reload()
    expect(clerk.get_by_role("main")).to_contain_text("该案件已于三年前结案，不构成利益冲突。")
