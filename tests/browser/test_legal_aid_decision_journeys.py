"""An objection (Legal Aid Law, Art. 49) in a real browser: the officer refuses with reasons,
the applicant reads the written decision, objects on the tracking page, and the bureau's
reviewer, who finds it in the legal aid queue, upholds the refusal; the applicant is then
told of administrative reconsideration or a lawsuit. In Chinese and in English."""

import pytest
from playwright.sync_api import expect

from .browser_steps import (
    LANGUAGES,
    OFFICER,
    ZH,
    apply_for_legal_aid,
    field,
    open_action,
    open_request_from_queue,
    section,
    sign_in,
    status,
    text_field,
)
from .test_accessibility import check_axe

pytestmark = pytest.mark.browser

REVIEWER = ("reviewer", "reviewer-demo-2026")


def staff_page(new_context, language, T, login):
    page = new_context(language=language).new_page()
    page.goto("/staff/login")
    sign_in(page, T, *login)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Staff home"))
    return page


def done(page, T, action: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(T("Done: %(action)s.") % {"action": T(action)})


@pytest.mark.parametrize("language", LANGUAGES)
def test_refusal_objection_and_the_bureau_upholds_it(language, new_context, labels, axe_source):
    T = labels(language)
    mobile = "13900001301" if language == ZH else "13900001302"
    applicant = new_context(language=language, bypass_csp=True).new_page()
    reference = apply_for_legal_aid(
        applicant, T, name="周建国" if language == ZH else "Zhou Jianguo", mobile=mobile
    )
    applicant.get_by_role("link", name=T("Track this application")).click()

    # The officer takes the application and refuses it; reasons are required.
    officer = staff_page(new_context, language, T, OFFICER)
    open_request_from_queue(officer, T, reference)
    officer.get_by_role("button", name=T("Take this request"), exact=True).click()
    panel = open_action(officer, T("Refuse"))
    panel.get_by_role("button", name=T("Refuse"), exact=True).click()
    expect(officer.get_by_role("main")).to_contain_text(T("A refusal must give its reasons in writing."))
    panel = officer.get_by_role("group").filter(
        has=officer.locator("summary", has_text=T("Refuse"))
    )  # still open
    text_field(panel, T("Reasons for the refusal")).fill("家庭人均月收入超过经济困难标准")
    panel.get_by_role("button", name=T("Refuse"), exact=True).click()
    done(officer, T, "Refuse")

    # The applicant reads the decision in writing and objects on the tracking page.
    applicant.reload()
    expect(status(applicant, T)).to_contain_text(T("Refused"))
    applicant.get_by_role("link", name=T("Decision not to grant legal aid"), exact=True).click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text(T("Decision not to grant legal aid"))
    document = applicant.locator("#decision")
    expect(document).to_contain_text(reference)
    expect(document).to_contain_text("家庭人均月收入超过经济困难标准")
    expect(document).to_contain_text(T("Remedies"))
    expect(applicant.get_by_role("link", name=T("Download the PDF"))).to_be_visible()
    check_axe(applicant, axe_source, "legal-aid-refusal-decision", language)
    applicant.go_back()

    objection = section(applicant, T("Object to the decision (Art. 49)"))
    objection.get_by_role("button", name=T("Object to the decision (Art. 49)"), exact=True).click()
    expect(applicant.get_by_role("alert")).to_contain_text(T("Say why you disagree with the decision."))
    objection = section(applicant, T("Object to the decision (Art. 49)"))
    field(objection, T("Why you disagree with the decision")).fill("我家去年因病致贫，收入证明未被考虑")
    objection.get_by_role("button", name=T("Object to the decision (Art. 49)"), exact=True).click()
    expect(applicant.get_by_role("status")).to_contain_text(
        T("Your objection has been sent to the county justice bureau.")
    )
    expect(status(applicant, T)).to_contain_text(T("Objection under review"))
    expect(applicant.locator("#objection")).to_contain_text("我家去年因病致贫")

    # The officer cannot decide on an objection to their own decision.
    officer.reload()
    expect(
        officer.get_by_role("group").filter(has=officer.locator("summary", has_text=T("Uphold the refusal")))
    ).to_have_count(0)

    # The bureau's reviewer finds it in the legal aid queue and upholds the refusal.
    reviewer = staff_page(new_context, language, T, REVIEWER)
    open_request_from_queue(reviewer, T, reference)
    expect(reviewer.get_by_role("main")).to_contain_text("我家去年因病致贫")
    panel = open_action(reviewer, T("Uphold the refusal"))
    field(panel, T("Reasons for the review decision")).fill("经复核，原决定认定事实清楚，适用法律正确")
    panel.get_by_role("button", name=T("Uphold the refusal"), exact=True).click()
    done(reviewer, T, "Uphold the refusal")
    expect(reviewer.get_by_role("main")).to_contain_text(T("Refused"))

    applicant.reload()
    expect(status(applicant, T)).to_contain_text(T("Refused"))
    expect(applicant.locator("#decision-reasons")).to_contain_text(
        T(
            "The county justice bureau reviewed your objection and upheld this decision. If you disagree, you may apply for administrative reconsideration or bring an administrative lawsuit according to law."
        )
    )
    check_axe(applicant, axe_source, "legal-aid-objection-upheld", language)
