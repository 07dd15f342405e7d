"""From the eligibility self-check into a pre-filled application, in a real browser: a
migrant worker owed wages answers the self-check, is told the means check is waived and
which proof to bring, carries the answers into the form, completes it and sees the
exemption with its proof on the confirmation. axe-core checks each page, in Chinese on a
phone and in English on a desktop."""

import pytest
from playwright.sync_api import Page, expect

from .browser_steps import (
    LANGUAGES,
    REFERENCE,
    ZH,
    check_answers_and_send,
    declarations,
    field,
    next_page,
    read_reference,
    starts_with,
    township_name,
)
from .test_accessibility import VIEWPORTS, assert_no_sideways_scrolling, check_axe

pytestmark = pytest.mark.browser


def answer(page: Page, question: str, choice: str) -> None:
    """Tick `choice` among the radio buttons of `question`."""
    page.get_by_role("group", name=starts_with(question)).get_by_role(
        "radio", name=choice, exact=True
    ).check()


def ticked(page: Page, question: str, choice: str):
    return expect(
        page.get_by_role("group", name=starts_with(question)).get_by_role("radio", name=choice, exact=True)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_self_check_then_apply_with_the_answers_carried_over(language, new_context, labels, axe_source):
    T = labels(language)
    mobile = "13900000801" if language == ZH else "13900000802"
    page = new_context(language=language, bypass_csp=True, viewport=VIEWPORTS[language]).new_page()
    page.goto("/")
    page.get_by_role("navigation", name=T("Main")).get_by_role(
        "link", name=T("Legal aid"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Legal aid"))

    # Pressing Check untouched gives no verdict: nothing is answered in advance.
    page.get_by_role("button", name=T("Check"), exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(T("Choose what the matter is about."))
    expect(page.get_by_role("status")).to_have_count(0)

    field(page, T("What is the matter about?")).select_option(label=T("Unpaid pay"))
    answer(page, T("Is your claim one of these?"), T("None of these"))
    answer(page, T("Does one of these describe you?"), T("Migrant worker claiming pay or a work injury"))
    answer(page, T("Where is the case handled?"), T("In this county"))
    field(page, T("Township or street where you live")).select_option(label=township_name(T))
    page.get_by_role("button", name=T("Check"), exact=True).click()

    result = page.get_by_role("status")
    expect(result.get_by_role("heading")).to_have_text(T("Likely eligible"))
    expect(result).to_contain_text(
        T("The means check is waived when you show proof of your situation (Art. 42).")
    )
    expect(result).to_contain_text(
        T(
            "Proof that you are a migrant worker, and of the work (contract, pay records or work-injury documents)"
        )
    )
    check_axe(page, axe_source, "legal-aid-self-check-waiver", language)
    if language == ZH:
        assert_no_sideways_scrolling(page)

    # "Apply with these answers" posts them: no answer in any address, ever.
    result.get_by_role("button", name=T("Apply with these answers"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Who needs legal aid"))
    assert "?" not in page.url
    notice = T(
        "Your answers from the self-check are filled in below: check them before you send the application."
    )
    expect(page.get_by_text(notice)).to_be_visible()
    ticked(page, T("Who needs legal aid?"), T("Myself")).not_to_be_checked()  # not a self-check question
    check_axe(page, axe_source, "legal-aid-apply-who", language)
    answer(page, T("Who needs legal aid?"), T("Myself"))
    # Civil, administrative and criminal matters asked apart: the kind first, in plain words.
    next_page(page, T, T("What kind of matter"))
    answer(page, T("What kind of matter is it?"), T("A dispute with a person or a business"))
    check_axe(page, axe_source, "legal-aid-apply-kind", language)
    next_page(page, T, T("The matter"))
    # The self-check's answers are there; the rest is not answered for the person.
    expect(field(page, T("What is the matter about?")).locator("option:checked")).to_have_text(
        T("Unpaid pay")
    )
    # Only the matters of that kind: no criminal case among them.
    expect(
        field(page, T("What is the matter about?")).locator("option", has_text=T("Victim of a crime"))
    ).to_have_count(0)
    answer(page, T("Is a lawyer or other agent already acting in this matter?"), T("No"))
    next_page(page, T, T("Where the matter stands"))
    # Only the stages of a civil matter: no criminal investigation next to arbitration.
    stages = field(page, T("Where does the matter stand?"))
    expect(stages.locator("option", has_text=T("Criminal investigation"))).to_have_count(0)
    stages.select_option(label=T("Labour or other arbitration"))
    next_page(page, T, T("Who handles it now"))
    ticked(page, T("Where is the case handled?"), T("In this county")).to_be_checked()
    answer(page, T("Who handles the case now?"), T("An arbitration commission"))
    check_axe(page, axe_source, "legal-aid-apply-office", language)
    next_page(page, T, T("When your money is not checked"))
    ticked(page, T("Is your claim one of these?"), T("None of these")).to_be_checked()
    next_page(page, T, T("When your money need not be checked"))
    ticked(
        page, T("Does one of these describe you?"), T("Migrant worker claiming pay or a work injury")
    ).to_be_checked()
    # The article behind a plain option is one click away, in the "Legal basis" disclosure.
    expect(page.locator("details.legal-basis").first).not_to_have_attribute("open", "")
    check_axe(page, axe_source, "legal-aid-apply-claims", language)
    if language == ZH:
        assert_no_sideways_scrolling(page)
    # The means check is waived: no page about the household's money.
    next_page(page, T, T("What happened and what you ask for"))
    field(page, T("What happened, and what do you want to achieve?")).fill(
        "在工地务工八个月，包工头拖欠工资共计三万六千元，多次讨要未果。"
        if language == ZH
        else "I worked on a building site for eight months and the contractor never paid my wages."
    )
    # Back keeps what was answered on the page before.
    with page.expect_navigation():
        page.get_by_role("link", name=T("Back"), exact=True).click()
    ticked(
        page, T("Does one of these describe you?"), T("Migrant worker claiming pay or a work injury")
    ).to_be_checked()
    next_page(page, T, T("What happened and what you ask for"))
    field(page, T("What happened, and what do you want to achieve?")).fill(
        "在工地务工八个月，包工头拖欠工资共计三万六千元，多次讨要未果。"
        if language == ZH
        else "I worked on a building site for eight months and the contractor never paid my wages."
    )
    next_page(page, T, T("Your contact details"))
    expect(field(page, T("Township or street where you live")).locator("option:checked")).to_have_text(
        township_name(T)
    )
    field(page, T("Full name")).fill("周建国" if language == ZH else "Zhou Jianguo")
    field(page, T("Resident ID number")).fill(
        "４３０１２１ １９９００１０１ １２３７"
    )  # as a Chinese keyboard types it
    field(page, T("Mobile number")).fill(mobile)
    field(page, T("Address")).fill("长沙县黄兴镇某村" if language == ZH else "A village of Huangxing Town")
    check_axe(page, axe_source, "legal-aid-apply-contact", language)
    next_page(page, T, T("No text messages (safe contact)"))
    next_page(page, T, T("Documents"))
    next_page(page, T, T("Declaration"))
    for checkbox in declarations(page, T).all():
        checkbox.check()
    next_page(page, T, None)
    check_axe(page, axe_source, "legal-aid-apply-check", language)
    # "Change" opens the page and comes straight back here.
    page.get_by_role("link", name=f"{T('Change')} {T('What happened and what you ask for')}").click()
    field(page, T("Other party (person or organisation)")).fill("某建筑劳务公司")
    next_page(page, T, None)
    expect(page.get_by_role("main")).to_contain_text("某建筑劳务公司")
    check_answers_and_send(page, T)

    expect(page.get_by_role("heading", level=1)).to_have_text(T("Application received"))
    read_reference(page, REFERENCE)
    main = page.get_by_role("main")
    expect(main).to_contain_text(T("Means check waived"))
    expect(main).to_contain_text(T("Migrant worker claiming pay or a work injury"))
    expect(main).to_contain_text("4301**********1237")
    expect(page.locator("#materials-to-bring")).to_contain_text(
        T(
            "Proof that you are a migrant worker, and of the work (contract, pay records or work-injury documents)"
        )
    )
    expect(page.locator("#materials-to-bring")).not_to_contain_text(
        T("Proof of household income or an economic-hardship statement")
    )
    check_axe(page, axe_source, "legal-aid-applied-waiver", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_case_handled_elsewhere_is_pointed_to_that_centre(language, new_context, labels):
    T = labels(language)
    page = new_context(language=language, viewport=VIEWPORTS[language]).new_page()
    page.goto("/legal-aid/")
    field(page, T("What is the matter about?")).select_option(label=T("Accused of a crime, with no lawyer"))
    answer(page, T("Is your claim one of these?"), T("None of these"))
    answer(page, T("Does one of these describe you?"), T("None of these"))
    answer(page, T("Where is the case handled?"), T("In another county or city"))
    page.get_by_role("button", name=T("Check"), exact=True).click()
    result = page.get_by_role("status")
    expect(result.get_by_role("heading")).to_have_text(T("May be eligible"))  # never "not eligible on income"
    expect(result).to_contain_text(
        T(
            "A suspect or defendant without a lawyer may apply because of economic hardship or for other reasons (Art. 24)."
        )
    )
    expect(page.locator("#other-centre")).to_contain_text("12348")
    expect(result.get_by_role("button", name=T("Apply with these answers"))).to_have_count(0)
