"""The reviewer's findings on written consultations (issue #39 review), each as deployed:
SMS codes from the outbox, CSRF on, staff signed in with a TOTP code."""

from datetime import datetime

from deployed import new_mobile
from test_reports import figures_of, section_html
from test_written_consultations import (
    post_form_by_action,
    set_clock_to,
    staff_signed_in,
)
from test_written_round_two import WAGES, asked_directly


def test_the_report_counts_every_channel_and_links_each_to_its_list(browser, make_staff):
    """The front page and the annual report show one linked figure per channel (SPEC §14),
    over the report's period. Seen red on: the front page with the total and referrals only."""
    make_staff("planner", "supervisor")
    set_clock_to(datetime(2027, 3, 1, 2, 0))
    asked_directly(WAGES)
    supervisor = staff_signed_in(browser, "planner")
    supervisor.visit("/staff/consultation-log/")
    assert (
        supervisor.send("log-form", {"channel": "call", "topic": "labour", "summary": "询问仲裁"}).status_code
        == 303
    )
    for page in ("/staff/reports/", "/staff/reports/annual?start=2027-03&end=2027-03"):
        html = supervisor.visit(page).get_data(as_text=True)
        figures = figures_of(section_html(html, "consultation_channels").split('class="report-table"')[0])
        for label in ("预约咨询", "留言咨询", "12348热线来电", "来访", "普法宣传活动"):
            assert label in figures, (page, label, list(figures))
        assert figures["留言咨询"][0] == 1 and "from=2027-0" in figures["留言咨询"][1]
        number, link = figures["12348热线来电"]
        assert number == 1 and "channel=call" in link and "start=2027-0" in link
        written = figures_of(section_html(html, "written_questions"))
        assert written["收到的留言咨询"][0] == 1 and "from=2027-0" in written["收到的留言咨询"][1]
        listed = supervisor.visit(link).get_data(as_text=True)
        assert listed.count("<td>2027-03-01</td>") == 1
