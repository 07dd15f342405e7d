"""Village legal advisers in a real browser: search by pinyin and initials, a village and
its adviser, "Contact my adviser" (also without JavaScript), and the adviser
administrator's roster import that refuses a file with one bad row."""

import pytest
from playwright.sync_api import expect

from .browser_steps import (
    ADVISER_ADMIN,
    CONTACT_REFERENCE,
    EN,
    ROSTER_BAD_TOWNSHIP,
    ROSTER_GOOD_NAME,
    ROSTER_ROWS,
    XINGSHA_VILLAGES,
    ZH,
    check_answers_and_send,
    field,
    fill_contact,
    read_reference,
    roster_csv,
    roster_header_from_export,
    search_advisers,
    search_results,
    section,
    sign_in,
    starts_with,
    status,
    xingsha_name,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "javascript"),
    [pytest.param(ZH, True, id="zh"), pytest.param(EN, False, id="en-without-javascript")],
)
def test_resident_finds_the_adviser_by_pinyin_and_contacts_them(language, javascript, new_context, labels):
    """`xingsha` and the initials `xs` find the villages of 星沙街道; the village page shows
    its adviser; "Contact my adviser" sends a request with an AC reference to follow."""
    T = labels(language)
    page = new_context(language=language, javascript=javascript).new_page()
    page.goto("/")
    page.get_by_role("navigation", name=T("Main")).get_by_role(
        "link", name=T("Legal advisers"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Find my village legal adviser"))

    for query in ("xingsha", "xs"):
        search_advisers(page, T, query)
        results = search_results(page)
        for village in XINGSHA_VILLAGES:
            hit = results.filter(has=page.get_by_role("link", name=village, exact=True))
            expect(hit).to_have_count(1)
            expect(hit).to_contain_text(xingsha_name(T))
            expect(hit).to_contain_text(T("Adviser:"))
        expect(field(page, T("Village, township or adviser"))).to_have_value(query)
    # Full pinyin also names the township itself.
    search_advisers(page, T, "xingsha")
    township_line = page.get_by_role("paragraph").filter(has_text=starts_with(T("Township:")))
    expect(township_line.get_by_role("link", name=xingsha_name(T), exact=True)).to_be_visible()

    village = XINGSHA_VILLAGES[0]
    search_results(page).get_by_role("link", name=village, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(village)
    expect(page.get_by_role("heading", level=2, name=T("Your legal adviser"))).to_be_visible()
    adviser_name = (
        page.get_by_role("term")
        .filter(has_text=T("Adviser"))
        .first.locator("xpath=following-sibling::dd[1]/a")
        .inner_text()
        .strip()
    )
    assert adviser_name, "the village page names no adviser"

    page.get_by_role("link", name=T("Contact my adviser"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Contact my adviser"))
    expect(page.get_by_role("main")).to_contain_text(adviser_name)
    mobile = "13900000601" if language == ZH else "13900000602"
    fill_contact(
        page,
        T,
        name="钱大妈" if language == ZH else "Qian Xiuzhen",
        mobile=mobile,
        question="承包地被邻居占用，想请顾问帮忙调解。"
        if language == ZH
        else "A neighbour has fenced part of my contracted land.",
    )
    page.get_by_role("button", name=T("Send to my adviser"), exact=True).click()
    check_answers_and_send(page, T, "钱大妈" if language == ZH else "Qian Xiuzhen")

    expect(page.get_by_role("heading", level=1)).to_have_text(T("Your request was sent"))
    reference = read_reference(page, CONTACT_REFERENCE)
    expect(page.get_by_role("main")).to_contain_text(adviser_name)
    expect(page.get_by_role("main")).to_contain_text(T("Land, housing and contracts"))
    expect(page.get_by_role("main")).not_to_contain_text(mobile)  # masked

    page.get_by_role("link", name=T("Follow this request"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(status(page, T)).to_contain_text(T("Submitted"))
    expect(section(page, T("History"))).to_contain_text(T("Received"))


def test_roster_import_with_one_bad_row_imports_nothing(new_context, labels, tmp_path):
    """The adviser administrator downloads the export for its columns, uploads a file with
    an unknown township in one row, and reads row by row that nothing was imported."""
    T = labels(ZH)
    page = new_context().new_page()
    page.goto("/staff/login")
    sign_in(page, T, *ADVISER_ADMIN)
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Staff home"))
    page.get_by_role(
        "link", name=T("Village legal advisers: advisers, villages, roster, service log"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Village legal advisers"))
    tabs = page.get_by_role("navigation", name=T("Village legal advisers"))
    tabs.get_by_role("link", name=T("Roster import and export"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(T("Roster import and export"))

    header = roster_header_from_export(page)
    assert len(header) == 9 and header[1].startswith("姓名"), header
    roster = roster_csv(tmp_path / "roster.csv", header, ROSTER_ROWS)
    field(page, T("Roster file")).set_input_files(str(roster))
    page.get_by_role("button", name=T("Check and import"), exact=True).click()

    report = section(page, T("Report"))
    expect(report).to_be_visible()
    expect(report.get_by_role("alert")).to_have_text(
        T("%(num)d row has errors: nothing was imported.") % {"num": 1}
    )
    rows = report.get_by_role("row")
    expect(rows).to_have_count(1 + len(ROSTER_ROWS))
    good, bad = rows.nth(1), rows.nth(2)
    expect(good.get_by_role("cell").nth(0)).to_have_text("2")
    expect(good).to_contain_text(ROSTER_GOOD_NAME)
    expect(good).to_contain_text(T("New adviser"))
    expect(bad.get_by_role("cell").nth(0)).to_have_text("3")
    expect(bad).to_contain_text(T("Unknown township: %(value)s") % {"value": ROSTER_BAD_TOWNSHIP})
    expect(page.get_by_role("status")).to_have_count(0)  # no "Roster imported" message

    # Nothing was imported: not even the good row's adviser.
    tabs.get_by_role("link", name=T("Advisers"), exact=True).click()
    field(page, T("Name (start) or number")).fill(ROSTER_GOOD_NAME)
    page.get_by_role("search").get_by_role("button", name=T("Search"), exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(T("Nothing here."))
