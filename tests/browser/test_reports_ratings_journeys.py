"""Ratings (好差评) and reports in a real browser: the applicant rates a refused application
"very dissatisfied" on the tracking page, the supervisor finds the follow-up from the staff
home and answers it, the applicant reads the answer; the supervisor opens the reports, a
bad range is refused next to its field, and the report pages pass axe. In Chinese and English."""

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

SUPERVISOR = ("supervisor", "supervisor-demo-2026")


def row(table_area, heading: str):
    """The table row whose row header is exactly `heading`."""
    return table_area.get_by_role("row").filter(
        has=table_area.page.get_by_role("rowheader", name=heading, exact=True)
    )


def staff_page(new_context, language, T, login):
    page = new_context(language=language, bypass_csp=True).new_page()
    page.goto("/staff/login")
    sign_in(page, T, *login)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Staff home"))
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_poor_rating_is_answered_and_the_reports_count_it(language, new_context, labels, axe_source):
    T = labels(language)
    mobile = "13900001901" if language == ZH else "13900001902"
    applicant = new_context(language=language, bypass_csp=True).new_page()
    reference = apply_for_legal_aid(
        applicant, T, name="欧阳秀英" if language == ZH else "Ouyang Xiuying", mobile=mobile
    )
    applicant.get_by_role("link", name=T("Track this application")).click()
    expect(applicant.get_by_role("heading", name=T("Rate this service"))).to_have_count(0)  # not decided yet

    officer = staff_page(new_context, language, T, OFFICER)
    open_request_from_queue(officer, T, reference)
    officer.get_by_role("button", name=T("Take this request"), exact=True).click()
    panel = open_action(officer, T("Refuse"))
    text_field(panel, T("Reasons for the refusal")).fill("家庭人均月收入超过经济困难标准")
    panel.get_by_role("button", name=T("Refuse"), exact=True).click()
    expect(officer.get_by_role("status")).to_contain_text(T("Done: %(action)s.") % {"action": T("Refuse")})

    # The applicant rates the refusal: the level is required, then "very dissatisfied".
    applicant.reload()
    expect(status(applicant, T)).to_contain_text(T("Refused"))
    rating = section(applicant, T("Rate this service"))
    field(rating, T("Comment (optional)")).fill("电话一直无人接听")
    rating.get_by_role("button", name=T("Send my rating"), exact=True).click()
    expect(applicant.get_by_role("alert")).to_contain_text(T("Choose how satisfied you are."))
    rating = section(applicant, T("Rate this service"))
    expect(field(rating, T("Comment (optional)"))).to_have_value("电话一直无人接听")
    rating.get_by_role("radio", name=T("Very dissatisfied"), exact=True).check()
    rating.get_by_role("button", name=T("Send my rating"), exact=True).click()
    expect(applicant.get_by_role("status")).to_contain_text(T("Thank you: your rating is recorded."))
    rating = section(applicant, T("Rate this service"))
    expect(rating).to_contain_text(T("Very dissatisfied"))
    expect(rating.get_by_role("button", name=T("Send my rating"))).to_have_count(0)  # once
    check_axe(applicant, axe_source, "rating-panel", language)

    # The supervisor answers it from the staff home.
    supervisor = staff_page(new_context, language, T, SUPERVISOR)
    supervisor.get_by_role("link", name=T("Rating follow-ups"), exact=True).click()
    expect(supervisor.get_by_role("heading", level=1)).to_have_text(T("Rating follow-ups"))
    check_axe(supervisor, axe_source, "rating-follow-ups", language)
    supervisor.get_by_role("link", name=reference, exact=True).click()
    expect(supervisor.get_by_role("main")).to_contain_text("电话一直无人接听")
    supervisor.get_by_role("button", name=T("Send the answer"), exact=True).click()
    expect(supervisor.get_by_role("alert")).to_contain_text(T("Write the answer the person will read."))
    check_axe(supervisor, axe_source, "rating-follow-up", language)
    field(supervisor, T("Answer to the person")).fill("已核实，已增设专人接听咨询电话，向您致歉")
    supervisor.get_by_role("button", name=T("Send the answer"), exact=True).click()
    expect(supervisor.get_by_role("status")).to_contain_text(T("Your answer is sent to the person."))

    applicant.reload()
    rating = section(applicant, T("Rate this service"))
    expect(rating).to_contain_text(T("Answer from the justice bureau"))
    expect(rating).to_contain_text("已核实，已增设专人接听咨询电话，向您致歉")

    # Reports: the dashboard from the staff home, then the annual report.
    supervisor.goto("/staff/")
    supervisor.get_by_role("link", name=T("Reports"), exact=True).click()
    expect(supervisor.get_by_role("heading", level=1)).to_have_text(T("Reports dashboard"))
    expect(section(supervisor, T("Service ratings"))).to_be_visible()
    check_axe(supervisor, axe_source, "reports-dashboard", language)
    supervisor.get_by_role("link", name=T("Annual report for any period and township"), exact=True).click()
    field(supervisor, T("From (month)")).fill("2026-06")
    field(supervisor, T("To (month)")).fill("2026-01")
    supervisor.get_by_role("button", name=T("Show the report"), exact=True).click()
    expect(supervisor.get_by_role("alert")).to_contain_text(
        T("The end month must not be before the start month.")
    )
    expect(field(supervisor, T("To (month)"))).to_have_value("2026-01")
    check_axe(supervisor, axe_source, "annual-report-error", language)
    field(supervisor, T("From (month)")).fill("2026-01")
    field(supervisor, T("To (month)")).fill("2026-12")
    supervisor.get_by_role("button", name=T("Show the report"), exact=True).click()
    ratings = section(supervisor, T("Service ratings"))
    expect(row(ratings, T("Legal aid"))).to_contain_text("0.0%")
    legal_aid = section(supervisor, T("Legal aid"))
    expect(legal_aid.get_by_role("img", name=T("Received per month"))).to_be_visible()
    check_axe(supervisor, axe_source, "annual-report", language)
    # A figure opens the queue it counts: the refused application is in it.
    row(legal_aid, T("Refused")).get_by_role("link").click()
    expect(supervisor.get_by_role("heading", level=1)).to_have_text(f"{T('Queue')}: {T('Legal aid')}")
    expect(supervisor.get_by_role("link", name=reference, exact=True)).to_be_visible()
