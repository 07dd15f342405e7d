"""The legal aid application as question pages (issue #30), as deployed: the SMS code read
from the outbox, CSRF, Secure cookies. Each branch (for oneself, for someone else, with and
without the means page) reaches a reference in Chinese and in English; Back keeps answers;
"修改" returns to the check page; the self-check leaves no answer in any address."""

import re

import pytest
from deployed import code_sent_to, hidden_inputs, new_mobile
from test_journeys_deployed import LEGAL_AID, requests_made, through_the_pages, typed
from test_legal_aid_who_and_where import ADULT_ID, CHILD_ID

from support import application_form

SOMEONE_ELSE = {"represented_name": "周小明", "relation": "child"}
BRANCHES = {
    # for oneself, unpaid pay: the means page is asked
    "self": ({}, {"means"}, {"person"}),
    # a parent for a child of 11: the page about that person, the guardian question
    "guardian": (
        {
            **SOMEONE_ELSE,
            "applying_for": "guardian",
            "guardian_basis": "by_law",
            "represented_id_number": CHILD_ID,
        },
        {"person", "means"},
        set(),
    ),
    # for an adult who signed an authorisation, accused of a crime: no means page
    "agent": (
        {
            **SOMEONE_ELSE,
            "applying_for": "agent",
            "relation": "not_related",
            "agent_authorised": "y",
            "represented_id_number": ADULT_ID,
            "matter_type": "criminal_defence",
            "stage": "investigation",
            "handling_authority": "police",
        },
        {"person"},
        {"means"},
    ),
    # a victim of domestic violence: free of the means test, no means page
    "abuse": (
        {"matter_type": "family_support", "claim_exemption": "abuse_victim", "stage": "pre_litigation"},
        set(),
        {"means", "person"},
    ),
}
TITLES = {"zh_Hans": "谁需要法律援助", "en": "Who needs legal aid"}


def apply_through_pages(person, answers: dict, language: str = "zh_Hans"):
    """Visit the form, answer each page, accept, type the code: (pages seen, response)."""
    if language == "en":
        person.visit("/language/en")
    first = person.visit(LEGAL_AID).get_data(as_text=True)
    assert TITLES[language] in first
    seen: list[str] = []
    check = through_the_pages(person, answers, seen)
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and 'id="check-form"' in html, html[:3000]
    code_page = person.send("check-form", {}, press={"answers_checked": "1"})
    assert 'name="mobile_code"' in code_page.get_data(as_text=True) and requests_made() == 0
    return seen, person.send("code-form", {"mobile_code": code_sent_to(answers["mobile"])})


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
@pytest.mark.parametrize("branch", list(BRANCHES))
def test_each_branch_reaches_a_reference_through_its_own_pages(browser, branch, language):
    """Mutants caught: a page's `when` ignored (the means page asked of a domestic-violence
    victim or the person page of someone applying for themselves), the check page not
    reached after the last page, a page's answers not kept for the commit."""
    overrides, asked, skipped = BRANCHES[branch]
    person, mobile = browser(), new_mobile()
    seen, done = apply_through_pages(person, application_form(mobile=mobile, **overrides), language)
    assert done.status_code == 303 and "/legal-aid/applied/LA-" in done.headers["Location"]
    names = {location.rsplit("/", 1)[1] for location in seen}
    assert asked <= names and not (skipped & names), names
    assert all("?" not in location for location in seen)  # nothing but the page in an address
    from portal.extensions import db
    from portal.legal_aid.models import LegalAidApplication

    application = db.session.scalars(db.select(LegalAidApplication)).one()
    assert application.applicant_role == overrides.get("applying_for", "self")
    assert application.matter_type == overrides.get("matter_type", "labour")


def test_back_keeps_the_answers_of_the_page_before(browser):
    """Mutant caught: a page shown without the stored answers (an empty page after Back)."""
    person = browser()
    person.visit(LEGAL_AID)
    person.send("intake-form", {"applying_for": "self"})
    matter = person.visit(f"{LEGAL_AID}/matter")
    person.send("intake-form", {"matter_type": "work_injury", "counsel_retained": "no"})
    office = person.visit(f"{LEGAL_AID}/office").get_data(as_text=True)
    back = re.search(r'<a class="back-link" href="([^"]+)"', office).group(1)
    assert back == f"{LEGAL_AID}/matter" and matter.status_code == 200
    page = person.visit(back).get_data(as_text=True)
    assert re.search(r'<option selected value="work_injury">', page)
    assert re.search(r'<input[^>]*checked[^>]*value="no"|<input[^>]*value="no"[^>]*checked', page)
    # the criminal stages are not offered for an injury at work
    assert 'value="investigation"' not in office and 'value="arbitration"' in office


def test_change_returns_straight_to_the_check_page(browser):
    """Mutants caught: "修改" going on page by page to the end; a new branch (someone else)
    skipped on the way back, leaving the check page with unanswered questions."""
    person, mobile = browser(), new_mobile()
    answers = application_form(mobile=mobile)
    person.visit(LEGAL_AID)
    check = through_the_pages(person, answers).get_data(as_text=True)
    change = re.search(r'href="(/legal-aid/apply/facts\?return=check)"', check)
    assert change and "修改" in check
    person.visit(change.group(1))
    back = person.send("intake-form", typed(person, {**answers, "opposing_party": "另一家公司"}))
    assert back.status_code == 303 and back.headers["Location"] == f"{LEGAL_AID}/check"
    assert "另一家公司" in person.visit(back.headers["Location"]).get_data(as_text=True)
    # Changed to someone else: the page about that person comes first, then the check page.
    person.visit(f"{LEGAL_AID}/who?return=check")
    to_check = person.send("intake-form", {"applying_for": "relative"})
    person_page = person.visit(to_check.headers["Location"])
    assert person_page.request.path == f"{LEGAL_AID}/person"
    extra = {"relation": "parent", "represented_name": "周父", "represented_id_number": ADULT_ID}
    done = person.send("intake-form", extra)
    assert done.headers["Location"] == f"{LEGAL_AID}/check"
    html = person.visit(done.headers["Location"]).get_data(as_text=True)
    assert "周父" in html and 'id="check-form"' in html


def test_the_self_check_leaves_no_answer_in_any_address(browser):
    """Mutants caught: the self-check as a GET form again; "Apply with these answers" as a
    link carrying the answers; the answers not reaching the application."""
    person = browser()
    addresses: list[str] = []

    def log(response):
        # the access log's request line ("%(r)s" of gunicorn, nginx's $request)
        addresses.append(f"{response.request.method} {response.request.full_path.rstrip('?')} HTTP/1.1")
        addresses.append(response.headers.get("Location", ""))
        return response

    page = log(person.visit("/legal-aid/")).get_data(as_text=True)
    assert re.search(r'<form method="post"[^>]*id="self-check-form"', page)
    answers = {
        "matter": "labour",
        "claim_exemption": "none",
        "means_waiver": "migrant_worker",
        "place": "here",
    }
    result = log(person.send("self-check-form", answers))
    html = result.get_data(as_text=True)
    assert result.status_code == 200 and "result-" in html and "/legal-aid/apply?" not in html
    pressed = {**hidden_inputs(person.last_html, "self-check-form"), **answers}
    started = log(person.post("/legal-aid/apply-with-answers", data=pressed))
    assert started.status_code == 303 and started.headers["Location"] == LEGAL_AID
    log(person.visit(started.headers["Location"]))
    matter = log(person.visit(f"{LEGAL_AID}/matter")).get_data(as_text=True)
    assert re.search(r'<option selected value="labour">', matter)
    claims = log(person.visit(f"{LEGAL_AID}/claims")).get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="migrant_worker"', claims)
    for line in addresses:
        assert "?" not in line and not any(value in line for value in answers.values()), line
    # An address with answers in it (an old bookmark) neither checks nor fills anything.
    old = person.visit("/legal-aid/?matter=labour&claim_exemption=none&means_waiver=none").get_data(
        as_text=True
    )
    assert "result-" not in old
