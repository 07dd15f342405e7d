"""Mobile verification and the password reset by SMS code in a real browser, on a server
run as the local demo runs it (PORTAL_DEMO=1, the log SMS backend): the person reads
the code from the marked demo notice, as a newcomer trying `make run` would (issue #15)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .as_deployed import code_sent_to, confirm_mobile_if_asked, pass_second_factor, server_of
from .browser_steps import OFFICER, ZH, field, fill_application, go_to_application_form

pytestmark = pytest.mark.browser

DEMO_RESIDENT = "13800000001"
NEW_PASSWORD = "spring-river-lantern-8"


@pytest.fixture
def demo_page(browser, verifying_server):
    context = browser.new_context(base_url=verifying_server.base_url, locale="zh-CN")
    context.add_cookies([{"name": "lang", "value": ZH, "url": verifying_server.base_url}])
    context.route(lambda url: not url.startswith(verifying_server.base_url), lambda route: route.abort())
    yield context.new_page()
    context.close()


def code_from_demo_notice(page: Page, T) -> str:
    notice = page.get_by_role("note").filter(has_text=T("Demo only:"))
    expect(notice).to_be_visible()
    return re.search(r"(\d{6})", notice.inner_text()).group(1)


def test_a_newcomer_registers_with_the_code_from_the_demo_notice(demo_page, labels):
    T, page = labels(ZH), demo_page
    page.goto("/account/register")
    field(page, T("Your full name")).first.fill("钱七")
    field(page, T("Mobile number")).first.fill("13900000031")
    field(page, T("Password")).first.fill(NEW_PASSWORD)
    field(page, T("Password again")).first.fill(NEW_PASSWORD)
    page.get_by_role("button", name=T("Create account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Confirm your mobile number"))
    code = code_from_demo_notice(page, T)
    field(page, T("Code from the text message to %(mobile)s") % {"mobile": "139****0031"}).fill(code)
    page.get_by_role("button", name=T("Confirm and send")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("My requests"))


def test_a_forgotten_password_is_reset_with_the_code(demo_page, labels):
    T, page = labels(ZH), demo_page
    page.goto("/account/login")
    page.get_by_role("link", name=T("Forgotten your password?")).click()
    field(page, T("Mobile number")).first.fill(DEMO_RESIDENT)
    page.get_by_role("button", name=T("Send the code")).click()
    code = code_from_demo_notice(page, T)
    field(page, T("Code from the text message")).first.fill(code)
    field(page, T("New password")).first.fill(NEW_PASSWORD)
    field(page, T("New password again")).first.fill(NEW_PASSWORD)
    page.get_by_role("button", name=T("Set the new password")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Sign in"))
    field(page, T("Mobile number")).first.fill(DEMO_RESIDENT)
    field(page, T("Password")).first.fill(NEW_PASSWORD)
    page.get_by_role("button", name=T("Sign in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("My requests"))


def test_the_journeys_server_runs_as_deployed(new_context, labels):
    """The journeys' server asks an anonymous applicant for the texted code (a wrong one is
    refused) and staff for the second factor. Red if conftest turns MOBILE_VERIFICATION or
    STAFF_TWO_FACTOR off again: every other journey would pass by skipping those steps."""
    T = labels(ZH)
    page = new_context().new_page()
    go_to_application_form(page, T)
    fill_application(page, T, name="孙验证", mobile="13900000041")
    page.get_by_role("button", name=T("Accept and send"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Confirm your mobile number"))
    code = page.get_by_label(T("Code from the text message to %(mobile)s") % {"mobile": "139****0041"})
    code.fill("000000" if code_sent_to(server_of(page), "139****0041") != "000000" else "111111")
    page.get_by_role("button", name=T("Confirm and send"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert confirm_mobile_if_asked(page, T), "the code page went away after a wrong code"
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Application received"))

    staff = new_context().new_page()
    staff.goto("/staff/login")
    field(staff, T("Username")).fill(OFFICER[0])
    field(staff, T("Password")).fill(OFFICER[1])
    staff.get_by_role("button", name=T("Sign in"), exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(T("Second step of signing in"))
    assert pass_second_factor(staff, T, OFFICER[0])
    expect(staff.get_by_role("heading", level=1)).to_have_text(T("Staff home"))
