"""Consultations on a phone and a desk view that matches its day (issue 18), in a real browser:
book after filtering the offices by township, move a booking to another office, the desk
refusing a future check-in, a call-back recorded as called, and axe on these pages in both
languages."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from .browser_steps import (
    CENTRE_NAME_ZH,
    DESK,
    EN,
    LANGUAGES,
    ZH,
    book_consultation,
    centre_name,
    choose_point_and_day,
    field,
    fill_booking,
    open_day_view,
    section,
    send_booking,
    sign_in,
    starts_with,
    status,
    term_value,
    track,
    xingsha_name,
)
from .test_accessibility import check_axe
from .test_consultation_journeys import book_for_today

pytestmark = pytest.mark.browser


def xingsha_office(T) -> str:
    return "Xingsha Justice Office" if T.locale == "en" else "星沙司法所"


def filter_by_township(page: Page, T) -> None:
    page.goto("/consultations/")
    field(page, T("Your township or street")).select_option(label=xingsha_name(T))
    page.get_by_role("button", name=T("Show service points"), exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]township=\d+"))


def test_resident_filters_the_offices_by_township_and_books_there(new_context, labels):
    T = labels(EN)
    page = new_context(language=EN).new_page()
    filter_by_township(page, T)
    offices = page.get_by_role("heading", level=3)
    expect(offices).to_have_text([xingsha_office(T), centre_name(T)])  # its own office first, then the centre
    office = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=xingsha_office(T), exact=True)
    )
    expect(office.get_by_role("link", name=starts_with(T("Map")))).to_have_attribute(
        "href", re.compile(r"^https://uri\.amap\.com/search\?keyword=")
    )
    office.get_by_role("link", name=T("Book here"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Book a consultation"))
    expect(field(page, T("Service point")).locator("option:checked")).to_have_text(xingsha_office(T))
    day = choose_point_and_day(page, T, xingsha_office(T))
    fill_booking(page, T, name="Li Xingsha", mobile="13900000601", question="My neighbour blocks the lane.")
    reference = send_booking(page, T)
    expect(page.get_by_text(reference, exact=True)).to_be_visible()
    expect(term_value(page, T("Where"))).to_contain_text(xingsha_office(T))
    expect(term_value(page, T("When"))).to_contain_text(day.isoformat())
    expect(page.get_by_role("main")).to_contain_text(T("What to bring"))


def test_resident_moves_a_booking_to_another_office_without_javascript(new_context, labels):
    T = labels(EN)
    first = new_context(language=EN, javascript=False).new_page()
    reference, _day, _time = book_consultation(
        first, T, name="Ou Yang", mobile="13900000602", question="Deposit not returned by the landlord."
    )
    page = new_context(language=EN, javascript=False).new_page()
    track(page, T, reference, "13900000602")
    expect(term_value(page, T("Where"))).to_contain_text(centre_name(T))

    where = section(page, T("Change the time: where and which day"))
    field(where, T("Service point")).select_option(label=xingsha_office(T))
    where.get_by_role("button", name=T("Show free times"), exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]point=\d+"))
    days = field(where, T("Day")).locator("option").evaluate_all("options => options.map(o => o.value)")
    later = [d for d in days if (date.fromisoformat(d) - date.today()).days >= 2]
    assert later, f"no free day at the office: {days}"
    field(where, T("Day")).select_option(value=later[0])
    where.get_by_role("button", name=T("Show free times"), exact=True).click()

    change = section(page, T("Change the time"))
    new_time = field(change, T("New time"))
    chosen = new_time.locator("option").filter(has_text=later[0]).first.inner_text()
    new_time.select_option(label=chosen)
    change.get_by_role("button", name=T("Change the time"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(T("Your booking has been moved to the new time."))
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)  # the same reference
    expect(status(page, T)).to_contain_text(T("Booked"))
    expect(term_value(page, T("Where"))).to_contain_text(xingsha_office(T))
    expect(term_value(page, T("When"))).to_contain_text(later[0])


def test_the_desk_refuses_to_check_in_a_booking_of_a_later_day(new_context, labels):
    T = labels(EN)
    applicant = new_context(language=EN).new_page()
    reference, day, _time = book_consultation(
        applicant, T, name="Gao Wei", mobile="13900000603", question="Unpaid overtime at the factory."
    )
    desk = new_context(language=EN).new_page()
    desk.goto("/staff/login")
    sign_in(desk, T, *DESK)
    open_day_view(desk, T, CENTRE_NAME_ZH, day)
    row = desk.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text(T("Booked"))
    expect(row.get_by_role("button", name=starts_with(T("Check in")))).to_have_count(0)
    expect(row.get_by_role("button", name=starts_with(T("Mark as missed")))).to_have_count(0)
    expect(row).to_contain_text(
        T("This booking is for %(day)s: it can be checked in or marked only on that day.")
        % {"day": day.isoformat()}
    )
    # Walk-ins and closing are for today only.
    expect(desk.get_by_role("heading", name=T("Register a walk-in"))).to_have_count(0)
    expect(desk.get_by_role("button", name=T("Close today"), exact=True)).to_have_count(0)


def test_the_desk_calls_back_a_phone_booking_of_today(new_context, labels):
    T = labels(EN)
    page = new_context(language=EN).new_page()
    reference, today = book_for_today(
        page,
        T,
        name="Phone Caller",
        mobile="13900000604",
        question="Please call me about a debt.",
        phone=True,
    )

    desk = new_context(language=EN).new_page()
    desk.goto("/staff/login")
    sign_in(desk, T, *DESK)
    open_day_view(desk, T, CENTRE_NAME_ZH, today)
    row = desk.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text(T("Number to call"))
    expect(row.get_by_role("link", name="13900000604")).to_have_attribute("href", "tel:13900000604")
    expect(row.get_by_role("button", name=starts_with(T("Check in")))).to_have_count(0)
    row.get_by_role("button", name=starts_with(T("Called"))).click()
    expect(desk.get_by_role("status")).to_contain_text(T("Done: %(action)s.") % {"action": T("Called")})
    expect(desk.get_by_role("row").filter(has_text=reference)).to_contain_text(T("Checked in"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_consultation_pages_pass_axe(new_context, labels, axe_source, language):
    T = labels(language)
    page = new_context(language=language, bypass_csp=True).new_page()  # axe is injected inline
    filter_by_township(page, T)
    check_axe(page, axe_source, "consultations-by-township", language)
    mobile = "13900000605" if language == ZH else "13900000606"
    reference, day, _time = book_consultation(page, T, name="Axe Reader", mobile=mobile)
    check_axe(page, axe_source, "consultation-booked", language)
    page.get_by_role("link", name=T("Change or cancel"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    check_axe(page, axe_source, "consultation-reschedule", language)
    desk = new_context(language=language, bypass_csp=True).new_page()
    desk.goto("/staff/login")
    sign_in(desk, T, *DESK)
    open_day_view(desk, T, CENTRE_NAME_ZH, day)
    check_axe(desk, axe_source, "desk-day-later", language)
    desk.get_by_role("navigation", name=T("Days")).get_by_role("link", name=T("Today"), exact=True).click()
    check_axe(desk, axe_source, "desk-day-today", language)
