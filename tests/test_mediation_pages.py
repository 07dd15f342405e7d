# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""The mediation application as question pages (issue #30), as deployed (the SMS code read
from the outbox, CSRF, Secure cookies): who you are → the other party → the dispute → what
happened → a court → a mediator → contact → safe contact → rights → declaration, then the
check page grouped by page and a reference, in Chinese and in English; "修改" returns to the
check page."""

import re

import pytest
from deployed import code_sent_to, new_mobile
from test_journeys_deployed import requests_made, through_the_pages, typed
from test_mediation import form, people  # noqa: F401

from portal.mediation.apply_pages import PAGES

APPLY = "/mediation/apply"
TITLES = {
    "zh_Hans": ("申请人信息", "对方当事人", "选择调解员", "声明与同意"),
    "en": ("About you", "The other party", "Choosing a mediator", "Declaration"),
}


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_application_reaches_a_reference_through_its_pages(browser, people, language):
    """Mutants caught: a page left out of the flow (its answers missing at the check page,
    which sends the person back to it), the check page not grouped by page."""
    person, mobile = browser(), new_mobile()
    if language == "en":
        person.visit("/language/en")
    first = person.visit(APPLY).get_data(as_text=True)
    assert TITLES[language][0] in first and 'name="applicant_name"' in first and 'name="facts"' not in first
    seen: list[str] = []
    check = through_the_pages(person, form(people, mobile=mobile, other_mobile=new_mobile()), seen)
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and 'id="check-form"' in html, html[:3000]
    assert [location.rsplit("/", 1)[1] for location in seen] == [p.name for p in PAGES.pages[1:]] + ["check"]
    assert all(title in html for title in TITLES[language])
    assert all("?" not in location for location in seen)  # nothing but the page in an address
    code_page = person.send("check-form", {}, press={"answers_checked": "1"})
    assert 'name="mobile_code"' in code_page.get_data(as_text=True) and requests_made() == 0
    done = person.send("code-form", {"mobile_code": code_sent_to(mobile)})
    assert done.status_code == 303 and "/mediation/applied/MD-" in done.headers["Location"]
    assert requests_made() == 1


def test_change_returns_straight_to_the_check_page(browser, people):
    """Mutant caught: "修改" going on page by page to the end."""
    person, mobile = browser(), new_mobile()
    answers = form(people, mobile=mobile, other_mobile=new_mobile())
    person.visit(APPLY)
    check = through_the_pages(person, answers).get_data(as_text=True)
    change = re.search(rf'href="({APPLY}/what-happened\?return=check)"', check)
    assert change and "修改" in check
    person.visit(change.group(1))
    back = person.send("intake-form", typed(person, {**answers, "claims": "赔偿修理费五百元。"}))
    assert back.status_code == 303 and back.headers["Location"] == f"{APPLY}/check"
    assert "赔偿修理费五百元" in person.visit(back.headers["Location"]).get_data(as_text=True)
