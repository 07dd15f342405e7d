"""The health-check request as question pages (issue #30), as deployed (the clerk proved by
the code, the coordinator by TOTP, CSRF, Secure cookies): what to check → how and when →
the self-assessment → the enterprise, then the check page and a reference, in Chinese and
in English; "修改" returns to the check page; an enterprise already known is not asked again."""

import re

import pytest
from test_health_checks import request_form
from test_journeys_deployed import requests_made, through_the_pages, typed, verified_enterprise_browser

REQUEST = "/health-checks/request"
TITLES = {
    "zh_Hans": ("律师体检的内容", "体检方式和时间", "企业情况"),
    "en": ("What the lawyers should check", "How and when", "About the enterprise"),
}


def request_through_pages(clerk, answers: dict, seen: list):
    """From the first page to the check page: its response."""
    clerk.visit(REQUEST)
    check = through_the_pages(clerk, answers, seen)
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and 'id="check-form"' in html, html[:3000]
    return check


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_request_reaches_a_reference_through_its_pages(browser, make_staff, language):
    """Mutants caught: the self-assessment page's `when` ignored (asked with no area), the
    enterprise page asked of an enterprise "My enterprise" already knows, a page's answers
    not kept for the commit."""
    clerk = verified_enterprise_browser(browser, make_staff)
    if language == "en":
        clerk.visit("/language/en")
    first = clerk.visit(REQUEST).get_data(as_text=True)
    assert TITLES[language][0] in first and 'name="areas"' in first and 'name="mode"' not in first
    seen: list[str] = []
    check = request_through_pages(clerk, request_form(), seen).get_data(as_text=True)
    names = [location.rsplit("/", 1)[1] for location in seen]
    assert names == ["how", "self-assessment", "enterprise", "check"], names
    assert all(title in check for title in TITLES[language])
    assert requests_made() == 0  # nothing kept before the answers are accepted
    done = clerk.send("check-form", {}, press={"answers_checked": "1"})
    assert done.status_code == 303 and "/health-checks/requested/HC-" in done.headers["Location"]
    assert requests_made() == 1
    # The enterprise's details are known now: a second request does not ask them again.
    again: list[str] = []
    request_through_pages(clerk, request_form(areas=["tax"]), again)
    # Tax is on the self-assessment's second page (a few areas a page): only that page is asked.
    assert [location.rsplit("/", 1)[1] for location in again] == ["how", "self-assessment-2", "check"]
    sent = clerk.send("check-form", {}, press={"answers_checked": "1"})
    assert sent.status_code == 303 and "/health-checks/requested/HC-" in sent.headers["Location"]
    assert requests_made() == 2
    assert clerk.visit(f"{REQUEST}/enterprise").request.path == f"{REQUEST}/areas"


def test_change_returns_straight_to_the_check_page(browser, make_staff):
    """Mutant caught: "修改" going on page by page to the end."""
    clerk = verified_enterprise_browser(browser, make_staff)
    check = request_through_pages(clerk, request_form(), []).get_data(as_text=True)
    change = re.search(rf'href="({REQUEST}/how\?return=check)"', check)
    assert change and "修改" in check
    clerk.visit(change.group(1))
    back = clerk.send("intake-form", typed(clerk, {**request_form(), "preferred_dates": "四月上旬"}))
    assert back.status_code == 303 and back.headers["Location"] == f"{REQUEST}/check"
    assert "四月上旬" in clerk.visit(back.headers["Location"]).get_data(as_text=True)


def test_the_code_page_of_an_unproved_account_number_leads_to_the_account_not_a_dead_end(browser, make_staff):
    """The request asks no mobile (it is the enterprise account's): when that number still
    needs its code, "wrong number?" leads to the account's own change of number, never to a
    form with no number on it (the #30 review's dead end). Mutant seen red: change_url
    giving the form's address for a form without a mobile question."""
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.extensions import db

    clerk = verified_enterprise_browser(browser, make_staff)
    account = db.session.scalars(select(User).where(User.display_name == "唐会计")).one()
    account.mobile_verified_at = None  # e.g. an account handed over by the bureau, not proved yet
    db.session.commit()
    request_through_pages(clerk, request_form(), [])
    code_page = clerk.send("check-form", {}, press={"answers_checked": "1"}).get_data(as_text=True)
    assert 'name="mobile_code"' in code_page, code_page[:3000]
    assert "change=1" not in code_page and "返回修改" not in code_page
    link = re.search(r'<a href="(/account/mobile)">号码不对？修改账户的手机号码</a>', code_page)
    assert link and "这是您账户的手机号码。" in code_page
    assert clerk.visit(link.group(1)).status_code == 200
