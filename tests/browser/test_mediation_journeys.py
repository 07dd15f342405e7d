"""People's mediation in a real browser, as the four people involved do it: the applicant
applies, the coordinator accepts and assigns a mediator, the other party agrees, the
mediator schedules a session and records the agreement, and both parties see it. axe-core
checks every mediation page on the way, in Chinese on a phone and in English on a desktop."""

import re

import pytest
from playwright.sync_api import Page, expect

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
    track,
)
from .test_accessibility import VIEWPORTS, check_axe

pytestmark = pytest.mark.browser

MEDIATION_REFERENCE = re.compile(r"\bMD-\d{4}-\d{6}\b")
COORDINATOR = ("mediation", "mediation-demo-2026")
MEDIATOR = ("mediator", "mediator-demo-2026")
MEDIATOR_NAME = "何调解员（演示）"


def staff_page(new_context, language, account, T) -> Page:
    page = new_context(language=language, bypass_csp=True, viewport=VIEWPORTS[language]).new_page()
    page.goto("/staff/login")
    sign_in(page, T, *account)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Staff home"))
    return page


def open_case(page: Page, T, reference: str) -> None:
    page.get_by_role("main").get_by_role("link", name=T("People's mediation"), exact=True).click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


@pytest.mark.parametrize("language", LANGUAGES)
def test_apply_accept_agree_schedule_and_agree_seen_by_both_parties(
    language, new_context, labels, axe_source
):
    T = labels(language)
    mine, theirs = ("13900000701", "13900000711") if language == ZH else ("13900000702", "13900000712")
    other_name = "冯建军" if language == ZH else "Feng Jianjun"
    terms = (
        "冯建军三日内清理通道杂物。"
        if language == ZH
        else "Feng Jianjun clears the passage within three days."
    )
    summary = (
        "邻里之间因公共通道堆放物品发生纠纷。"
        if language == ZH
        else "A dispute between neighbours over things left in a shared passage."
    )

    applicant = new_context(language=language, bypass_csp=True, viewport=VIEWPORTS[language]).new_page()
    applicant.goto("/")
    applicant.get_by_role("navigation", name=T("Main")).get_by_role(
        "link", name=T("Mediation"), exact=True
    ).click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text(T("People's mediation"))
    check_axe(applicant, axe_source, "mediation", language)
    applicant.get_by_role("link", name=T("Apply for mediation"), exact=True).click()
    # The application's question pages (issue #30), each with its own heading.
    expect(applicant.get_by_role("heading", level=1)).to_have_text(T("About you"))
    field(applicant, T("Your full name")).fill("冯桂兰" if language == ZH else "Feng Guilan")
    next_page(applicant, T, T("The other party"))
    field(applicant, T("The other party's name")).fill(other_name)
    field(applicant, T("The other party's mobile (if you know it)")).fill(mine)  # a slip: their own number
    next_page(applicant, T, T("The dispute"))
    field(applicant, T("What is the dispute about?")).select_option(label=T("Neighbours"))
    field(applicant, T("Township or street where the dispute arose")).select_option(index=1)
    next_page(applicant, T, T("What happened and what you ask for"))
    field(applicant, T("What happened")).fill(
        "邻居在通道上堆放杂物。" if language == ZH else "The neighbour blocks our passage."
    )
    field(applicant, T("What you ask for")).fill("清理通道。" if language == ZH else "Clear the passage.")
    next_page(applicant, T, T("A court or arbitration"))
    applicant.get_by_role("radio", name=T("No"), exact=True).check()
    next_page(applicant, T, T("Choosing a mediator"))
    next_page(applicant, T, T("Your contact details"))
    field(applicant, T("Your mobile number")).fill(mine)
    next_page(applicant, T, T("No text messages (safe contact)"))
    next_page(applicant, T, T("Your rights, and who attends"))
    # Rights and duties first (issue 34): read above the choice of non-public mediation.
    expect(applicant.get_by_role("heading", name=T("Your rights and duties in mediation"))).to_be_visible()
    applicant.get_by_role(
        "radio", name=T("Not public: only the parties and the mediators attend"), exact=True
    ).check()
    next_page(applicant, T, T("Declaration"))
    field(applicant, T("I have read my rights and duties in mediation.")).check()
    field(
        applicant,
        T(
            "I agree that the committee uses these details to mediate, and tells the other party my name and a summary of the dispute."
        ),
    ).check()
    # The slip is found once both numbers are known: the other party's page again, kept.
    next_page(applicant, T, T("The other party"))
    expect(applicant.get_by_role("alert")).to_contain_text(
        T("The other party's mobile cannot be your own mobile number.")
    )
    expect(field(applicant, T("The other party's name"))).to_have_value(other_name)
    check_axe(applicant, axe_source, "mediation-apply-with-errors", language)
    field(applicant, T("The other party's mobile (if you know it)")).fill(theirs)
    next_page(applicant, T, None)
    check_answers_and_send(applicant, T, other_name)
    expect(applicant.get_by_role("heading", level=1)).to_have_text(T("Your mediation application was sent"))
    reference = read_reference(applicant, MEDIATION_REFERENCE)
    check_axe(applicant, axe_source, "mediation-applied", language)

    coordinator = staff_page(new_context, language, COORDINATOR, T)
    open_case(coordinator, T, reference)
    check_axe(coordinator, axe_source, "mediation-staff-detail", language)
    panel = open_action(coordinator, T("Accept and assign a mediator"))
    field(panel, T("Mediation committee")).select_option(index=1)
    field(panel, T("Mediator")).first.select_option(label=MEDIATOR_NAME)
    field(panel, T("Summary of the dispute for the other party")).fill(summary)
    panel.get_by_role("button", name=T("Accept and assign a mediator"), exact=True).click()
    expect(coordinator.get_by_role("status")).to_contain_text(
        T("Done: %(action)s.") % {"action": T("Accept and assign a mediator")}
    )
    expect(coordinator.get_by_role("main")).to_contain_text(MEDIATOR_NAME)

    other = new_context(language=language, bypass_csp=True, viewport=VIEWPORTS[language]).new_page()
    track(other, T, reference, theirs)
    expect(status(other, T)).to_contain_text(T("Accepted"))
    expect(other.get_by_role("main")).not_to_contain_text(mine)
    check_axe(other, axe_source, "mediation-other-party", language)
    expect(other.get_by_role("main")).to_contain_text(summary)
    answer = section(other, T("I agree to mediation"))
    answer.get_by_role(
        "radio", name=T("Not public: only the parties and the mediators attend"), exact=True
    ).check()
    field(answer, T("I have read my rights and duties in mediation.")).check()
    answer.get_by_role("button", name=T("I agree to mediation"), exact=True).click()
    expect(status(other, T)).to_contain_text(T("Mediating"))

    mediator = staff_page(new_context, language, MEDIATOR, T)
    open_case(mediator, T, reference)
    panel = open_action(mediator, T("Schedule a session"))
    day = re.search(
        r"\d{4}-\d{2}-\d{2}", mediator.evaluate("new Date(Date.now() + 3*86400000).toISOString()")
    ).group(0)
    field(panel, T("Date")).fill(day)
    field(panel, T("Starts at")).fill("09:30")
    field(panel, T("Place")).fill("星沙司法所调解室")
    panel.get_by_role("button", name=T("Schedule a session"), exact=True).click()
    expect(mediator.get_by_role("main")).to_contain_text("星沙司法所调解室")
    for person in (applicant, other):  # both parties see the session and take it to their calendar
        person.reload()
        expect(person.get_by_role("main")).to_contain_text("星沙司法所调解室")
        with person.expect_download() as download:
            person.get_by_role("link", name=re.compile("^" + re.escape(T("Add to my calendar")))).click()
        assert download.value.suggested_filename.startswith(reference)
    # Issue 35: a written agreement with its terms, in effect once signed and sealed, then
    # confirmed by the court the parties chose, with its document number.
    panel = open_action(mediator, T("Record the agreement"))
    panel.get_by_role("radio", name=T("Written agreement, signed by both parties"), exact=True).check()
    field(panel, T("Session that reached it")).select_option(label=T("Not at a scheduled session"))
    field(panel, T("Party who performs")).fill(other_name)
    field(panel, T("Does what")).fill(terms)
    field(panel, T("How and when the agreement is performed")).fill(
        "调解员到场查看。" if language == ZH else "The mediator comes to see it done."
    )
    panel.get_by_role("button", name=T("Record the agreement"), exact=True).click()
    expect(mediator.get_by_role("status")).to_contain_text(
        T("Done: %(action)s.") % {"action": T("Record the agreement")}
    )
    mediator.get_by_role("link", name=T("The agreement: signatures, confirmation, performance")).click()
    expect(mediator.get_by_role("heading", level=1)).to_contain_text(T("Mediation agreement"))
    expect(mediator.get_by_role("table", name=T("Terms of the agreement"))).to_contain_text(terms)
    with mediator.expect_download() as download:
        mediator.get_by_role("link", name=T("The agreement to print (PDF)"), exact=True).click()
    assert download.value.suggested_filename.endswith(".pdf")
    signing = section(mediator, T("Record a signature or the seal"))
    for _signer in range(4):  # the applicant, the other party, the mediator, the seal
        expect(mediator.get_by_role("region", name=T("Judicial confirmation"))).to_have_count(0)
        field(signing, T("Signature or seal")).select_option(index=1)
        signing.get_by_role("button", name=T("Record it"), exact=True).click()
    expect(mediator.get_by_role("status")).to_contain_text(
        T("Signed and sealed: the agreement is in effect.")
    )
    check_axe(mediator, axe_source, "mediation-agreement", language)
    court = "长沙县人民法院"
    confirming = section(mediator, T("Judicial confirmation"))
    confirming.get_by_role("radio", name=re.compile("^" + court)).check()
    confirming.get_by_role("button", name=T("Record the application"), exact=True).click()
    deciding = section(mediator, T("The court's decision"))
    deciding.get_by_role("radio", name=T("Confirmed valid: enforceable"), exact=True).check()
    field(deciding, T("The court's document number")).fill("（2026）湘0121民特123号")
    deciding.get_by_role("button", name=T("Record the decision"), exact=True).click()
    expect(mediator.get_by_role("main")).to_contain_text("（2026）湘0121民特123号")

    for person in (applicant, other):
        if person is applicant:
            applicant.get_by_role("link", name=T("Follow this mediation"), exact=True).click()
        else:
            other.reload()
        expect(status(person, T)).to_contain_text(T("Agreement reached"))
        expect(person.get_by_role("region", name=T("Agreement"), exact=True)).to_contain_text(terms)
        # The session still to come was cancelled when the agreement ended the mediation.
        # (its message stays in the history; the session and its calendar link are gone).
        expect(
            person.get_by_role("link", name=re.compile("^" + re.escape(T("Add to my calendar"))))
        ).to_have_count(0)
    check_axe(other, axe_source, "mediation-outcome", language)


def test_coordinator_registers_a_dispute_brought_in_person(new_context, labels, axe_source):
    T = labels(ZH)
    page = staff_page(new_context, ZH, COORDINATOR, T)
    page.get_by_role("link", name=T("Register a dispute brought in person"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Register a dispute brought in person"))
    check_axe(page, axe_source, "mediation-register", ZH)
    field(page, T("How the dispute came")).select_option(label=T("Taken up by a committee on its own"))
    field(page, T("Applicant's full name")).fill("许大爷")
    field(page, T("Applicant's mobile number")).fill("13900000721")
    field(page, T("The other party's name")).fill("某物业公司")
    field(page, T("What is the dispute about?")).select_option(label=T("Neighbours"))
    field(page, T("Township or street where the dispute arose")).select_option(index=2)
    field(page, T("What happened")).fill("小区漏水多次报修未处理。")
    field(page, T("What you ask for")).fill("维修漏水。")
    page.get_by_role("radio", name=T("No"), exact=True).check()
    page.get_by_role("radio", name=T("Public: others may attend"), exact=True).check()
    field(page, T("The applicant was told their rights and duties in mediation.")).check()
    field(page, T("The applicant agreed that the committee uses these details to mediate.")).check()
    page.get_by_role("button", name=T("Register the dispute"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"MD-\d{4}-\d{6}"))
    expect(page.get_by_role("main")).to_contain_text(T("Taken up by a committee on its own"))
