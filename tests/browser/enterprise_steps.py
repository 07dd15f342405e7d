"""An enterprise clerk registers through the visible pages and the health-check coordinator
verifies the enterprise: used by the health-check journey and by the page-height test
(whose clerk's enterprise is not known yet, so that its page is asked)."""

from playwright.sync_api import Page, expect

from .as_deployed import confirm_mobile_if_asked
from .browser_steps import field, sign_in

COORDINATOR = ("healthcheck", "healthcheck-demo-2026")
PDF_FILE_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def uscc(n: int) -> str:
    """A valid unified social credit code, different for each n."""
    from portal.core.identity import uscc_check_char

    body = f"91430121MA4L{n:05d}"
    return body + uscc_check_char(body)


def register_enterprise_clerk(
    clerk: Page, T, mobile: str, company: str, code: str, tmp_path, check=None
) -> None:
    """Register as the clerk of a new enterprise and send it for verification, on the
    pages a person sees (`check`, if given, runs on the register and My enterprise pages)."""
    clerk.goto("/account/register")
    clerk.get_by_role("radio", name=T("An enterprise"), exact=True).check()
    field(clerk, T("Your full name")).fill("唐会计")
    field(clerk, T("Mobile number")).fill(mobile)
    field(clerk, T("Company name")).fill(company)
    field(clerk, T("Unified social credit code")).fill(code)
    field(clerk, T("Password")).first.fill("a-long-password-2026")
    field(clerk, T("Password again")).fill("a-long-password-2026")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name=T("Create account"), exact=True).click()
    confirm_mobile_if_asked(clerk, T)
    expect(clerk.get_by_role("heading", level=1)).to_have_text(T("My enterprise"))
    if check is not None:
        check(clerk, "my-enterprise")
    licence = tmp_path / "licence.pdf"
    licence.write_bytes(PDF_FILE_BYTES)
    field(clerk, T("Business licence")).set_input_files(str(licence))
    field(clerk, T("Authorisation letter")).set_input_files(str(licence))
    clerk.get_by_role("button", name=T("Send for verification"), exact=True).click()
    expect(clerk.get_by_role("status")).to_be_visible()


def coordinator_page(new_context, T, **context) -> Page:
    """The health-check coordinator signed in on the staff pages."""
    page = new_context(bypass_csp=True, **context).new_page()
    page.goto("/staff/login")
    sign_in(page, T, *COORDINATOR)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Staff home"))
    return page


def verify_enterprise(coordinator: Page, T, company: str, check=None) -> None:
    """The coordinator opens the enterprise waiting for verification and verifies it."""
    coordinator.get_by_role(
        "link", name=T("Enterprise accounts waiting for verification"), exact=True
    ).click()
    coordinator.get_by_role("link", name=company, exact=True).click()
    if check is not None:
        check(coordinator, "verify-member")
    coordinator.get_by_role("button", name=T("Verify"), exact=True).click()
