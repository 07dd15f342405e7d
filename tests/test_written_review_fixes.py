"""The reviewer's findings on written consultations (issue #39 review), each as deployed:
SMS codes from the outbox, CSRF on, staff signed in with a TOTP code."""

import re
from datetime import datetime

import pytest
from deployed import new_mobile
from sqlalchemy import select
from test_reports import figures_of, section_html
from test_written_consultations import (
    ANSWER,
    NAME,
    answer,
    ask,
    post_form_by_action,
    read_on_track,
    set_clock_to,
    staff_signed_in,
)
from test_written_round_two import WAGES, asked_directly

from portal.extensions import db
from portal.written_consultations.models import WrittenQuestion


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


def test_the_answer_form_offers_publication_only_with_consent_and_no_generic_comment(browser, make_staff):
    """Without the asker's consent the answer form says so instead of offering "suitable";
    neither the answer form nor the follow-up form shows the generic comment box. Seen red
    on: the checkbox offered for every question; the comment box beside the answer."""
    make_staff("duty1", "duty_lawyer")
    mobile = new_mobile()
    with_consent = ask(browser(), mobile, consent=True)
    without = asked_directly(WAGES)
    duty = staff_signed_in(browser, "duty1")
    refused = duty.visit(f"/staff/requests/{without.reference}").get_data(as_text=True)
    assert 'name="answer-suitable"' not in refused and "提问人未同意公开" in refused
    assert not re.search(r'<textarea[^>]*name="answer-comment"', refused)
    offered = duty.visit(f"/staff/requests/{with_consent.reference}").get_data(as_text=True)
    assert 'name="answer-suitable"' in offered and "提问人未同意公开" not in offered
    assert answer(duty, with_consent, suitable=True).status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(WrittenQuestion, with_consent.id).suitable
    tracker = browser()
    shown = read_on_track(lambda: tracker, with_consent, mobile)
    assert 'name="ask_follow_up-follow_up_question"' in shown
    assert not re.search(r'<textarea[^>]*name="ask_follow_up-comment"', shown) and "说明（选填）" not in shown
    asked = post_form_by_action(
        tracker,
        f"/track/{with_consent.reference}",
        "/actions/ask_follow_up",
        {"ask_follow_up-follow_up_question": "仲裁要交费吗？"},
    )
    assert asked.status_code == 303
    follow_up = duty.visit(f"/staff/requests/{with_consent.reference}").get_data(as_text=True)
    assert 'name="answer_follow_up-follow_up_answer"' in follow_up
    assert not re.search(r'<textarea[^>]*name="answer_follow_up-comment"', follow_up)


def test_a_written_question_is_addressed_to_its_asker_alone(browser, make_staff):
    """A kind without other parties: the audit trail's "addressed to" never names one,
    for the submission recorded now and for one recorded to both sides before. Seen red on:
    every submission addressed to the applicant and the other party."""
    make_staff("duty1", "duty_lawyer")
    asked = ask(browser(), new_mobile(), consent=False)
    older = asked_directly(WAGES)
    from portal.core.models import AuditEvent

    submitted = db.session.scalars(select(AuditEvent.audience).where(AuditEvent.request_id == asked.id)).all()
    assert submitted == ["applicant"]
    db.session.execute(
        AuditEvent.__table__.update().where(AuditEvent.request_id == older.id).values(audience="both")
    )
    db.session.commit()
    duty = staff_signed_in(browser, "duty1")
    for question in (asked, older):
        html = duty.visit(f"/staff/requests/{question.reference}").get_data(as_text=True)
        trail = html[html.index('id="audit-title"') :]
        assert "申请人和对方当事人" not in trail and "<td>申请人</td>" in trail


@pytest.mark.parametrize(
    ("referral", "start", "name_page", "mobile_page"),
    [
        ("legal_aid", "/legal-aid/apply", "contact", "contact"),
        ("mediation", "/mediation/apply", "you", "contact"),
    ],
)
def test_the_carried_over_form_says_where_the_question_came_from_and_keeps_name_and_mobile(
    browser, make_staff, referral, start, name_page, mobile_page
):
    """The target form says the question comes from the written question (its reference),
    not from the self-check, and has the asker's name and proven mobile filled in. Seen red
    on: the self-check banner; empty name and mobile."""
    make_staff("duty1", "duty_lawyer")
    mobile = new_mobile()
    question = ask(browser(), mobile, consent=False, question=WAGES)
    duty = staff_signed_in(browser, "duty1")
    assert post_form_by_action(
        duty,
        f"/staff/requests/{question.reference}",
        "/actions/answer",
        {"answer-answer": ANSWER, "answer-referral": referral},
    ).status_code in (302, 303)
    tracker = browser()
    read_on_track(lambda: tracker, question, mobile)
    started = post_form_by_action(tracker, f"/track/{question.reference}", "/carry-over", {})
    assert started.status_code == 303 and mobile not in started.headers["Location"]
    form = tracker.visit(started.headers["Location"]).get_data(as_text=True)
    assert "您在自测中的回答已填入下表" not in form
    assert f"您的留言咨询 {question.reference} 已填入下表" in form
    # The forms are question pages (issue #30): the name and the mobile wait on their own pages.
    on_page = tracker.visit(f"{start}/{mobile_page}").get_data(as_text=True)
    assert re.search(rf'<input[^>]*name="mobile"[^>]*value="{mobile}"', on_page)
    on_page = tracker.visit(f"{start}/{name_page}").get_data(as_text=True)
    assert re.search(rf'<input[^>]*name="applicant_name"[^>]*value="{NAME}"', on_page)


def test_the_answered_text_carries_a_full_address_or_no_link(browser, deployed, make_staff):
    """The text that a question is answered invites the rating with the portal's full
    address (PUBLIC_BASE_URL), or without a link when none is configured: never a bare
    path. Shared by every kind (core/services). Seen red on: "评价本次服务：/track"."""
    from test_written_consultations import texts_to

    make_staff("duty1", "duty_lawyer")
    first, second = asked_directly(WAGES), asked_directly("邻居占用我家宅基地，怎么办？")
    duty = staff_signed_in(browser, "duty1")
    answer(duty, first, suitable=False)
    bare = [t for t in texts_to(first.applicant_mobile) if "评价" in t]
    assert bare and not any("/track" in t for t in bare)
    deployed.config["PUBLIC_BASE_URL"] = "https://fl.example.gov.cn/"
    try:
        answer(duty, second, suitable=False)
    finally:
        deployed.config["PUBLIC_BASE_URL"] = None
    full = [t for t in texts_to(second.applicant_mobile) if "评价" in t]
    assert full and all("https://fl.example.gov.cn/track" in t for t in full)


def test_a_rejected_log_entry_focuses_the_first_field_in_error(browser, make_staff):
    """The log form opens on the first channel; after a rejected entry the focus is on the
    first field with an error, and nowhere else. Seen red on: the first radio focused again."""
    make_staff("duty1", "duty_lawyer")
    duty = staff_signed_in(browser, "duty1")
    opened = duty.visit("/staff/consultation-log/").get_data(as_text=True)
    assert re.findall(r"<input[^>]*autofocus[^>]*>", opened)[0].count('value="call"') == 1
    rejected = duty.send("log-form", {"channel": "call", "topic": "labour", "summary": ""})
    assert rejected.status_code == 400
    focused = re.findall(r"<(?:input|select)[^>]*autofocus[^>]*>", rejected.get_data(as_text=True))
    assert len(focused) == 1 and 'name="summary"' in focused[0]
    rejected = duty.send("log-form", {"topic": "", "summary": "询问仲裁", "mobile": "123"})
    focused = re.findall(r"<(?:input|select)[^>]*autofocus[^>]*>", rejected.get_data(as_text=True))
    assert len(focused) == 1 and 'name="channel"' in focused[0]


@pytest.mark.parametrize(("consent", "shown"), [(True, "是"), (False, "否")])
def test_the_check_page_shows_the_consent_to_publish_either_way(browser, consent, shown):
    """Seen red on: the choice left off the check page (unticked), as every unticked box."""
    from test_written_round_two import fill_ask_form

    extra = {"consent": "y"} if consent else {}
    check = fill_ask_form(browser(), new_mobile(), WAGES, **extra).get_data(as_text=True)
    assert 'id="check-form"' in check
    rows = dict(re.findall(r"<dt>([^<]*)</dt>\s*<dd class=\"prose\">([^<]*)</dd>", check))
    label = next((k for k in rows if "咨询答复库" in k), None)
    assert label, rows
    assert rows[label] == shown


def test_the_duty_list_shows_each_status_and_puts_the_pending_first(browser, make_staff):
    """Seen red on: answered and pending questions mixed, without their status."""
    make_staff("duty1", "duty_lawyer")
    set_clock_to(datetime(2027, 3, 1, 2, 0))
    answered = asked_directly(WAGES)
    set_clock_to(datetime(2027, 3, 1, 3, 0))
    pending = asked_directly("邻居占用我家宅基地，怎么办？")
    duty = staff_signed_in(browser, "duty1")
    assert answer(duty, answered, suitable=False).status_code in (302, 303)
    html = duty.visit("/staff/written-questions/").get_data(as_text=True)
    table = html[html.index('id="mine-title"') : html.index('id="roster-title"')]
    assert '<th scope="col">状态</th>' in table
    assert table.index(pending.reference) < table.index(answered.reference)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert "待值班律师答复" in next(r for r in rows if pending.reference in r)
    assert "已答复" in next(r for r in rows if answered.reference in r)


def test_the_review_page_shows_the_question_and_answer_as_they_were(browser, make_staff):
    """Seen red on: only the editable copy shown, the original nowhere to compare with."""
    make_staff("duty1", "duty_lawyer")
    make_staff("duty2", "duty_lawyer")
    question = ask(browser(), new_mobile(), consent=True)
    duty = staff_signed_in(browser, "duty1")
    assert answer(duty, question, suitable=True).status_code in (302, 303)
    second = staff_signed_in(browser, "duty2")
    page = second.visit(f"/staff/written-questions/review/{question.reference}").get_data(as_text=True)
    start = page.index('id="original-title"')
    original = page[start : page.index("</section>", start)]
    assert question.question in original and ANSWER in original


def test_similar_answers_are_counted_once_per_question_however_often_checked(browser):
    """Back to the form and to the check page again (or a reload): still one use. Seen red
    on: one use per render of the check page."""
    from test_written_round_two import PUBLISHED_WAGES, fill_ask_form, published

    from portal.core.models import Township
    from portal.written_consultations.models import ArchiveUse

    published(PUBLISHED_WAGES, "可以向劳动监察大队投诉。")
    person, mobile = browser(), new_mobile()
    check = fill_ask_form(person, mobile, WAGES)
    assert "可以向劳动监察大队投诉。" in check.get_data(as_text=True)
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    answers = {"topic": "labour", "township_id": str(township.id), "name": NAME, "mobile": mobile}
    again = person.send("check-form", {}, press={"change_answer": "question"})
    assert 'id="intake-form"' in again.get_data(as_text=True)
    rechecked = person.send("intake-form", {**answers, "question": WAGES + "谢谢。"})
    assert "可以向劳动监察大队投诉。" in rechecked.get_data(as_text=True), re.findall(
        r"error[^>]*>([^<]+)<", rechecked.get_data(as_text=True)
    )
    db.session.expire_all()
    assert [(u.what, u.count) for u in db.session.scalars(select(ArchiveUse))] == [("similar", 1)]
    other = browser()
    fill_ask_form(other, new_mobile(), WAGES)
    db.session.expire_all()
    assert [(u.what, u.count) for u in db.session.scalars(select(ArchiveUse))] == [("similar", 2)]


def test_the_duty_lawyer_sees_the_askers_mobile_masked(browser, make_staff):
    """The answer goes out by SMS by itself: the detail page shows 137****1234, never the
    whole number. Seen red on: the full mobile in the summary."""
    make_staff("duty1", "duty_lawyer")
    question = asked_directly(WAGES)
    mobile = question.applicant_mobile
    duty = staff_signed_in(browser, "duty1")
    html = duty.visit(f"/staff/requests/{question.reference}").get_data(as_text=True)
    assert mobile not in html and f"{mobile[:3]}****{mobile[-4:]}" in html


def test_a_question_may_ask_for_safe_contact_and_is_texted_nothing(browser, make_staff):
    """The ask form offers safe contact (SPEC §14) as the other public forms do: no code,
    no text when answered, the answer read on /track with the PIN. Seen red on: the form
    without the offer."""
    from test_safe_contact import SAFE, outbox_rows
    from test_written_round_two import fill_ask_form

    from portal.core.models import OutboxMessage

    make_staff("duty1", "duty_lawyer")
    person, mobile = browser(), new_mobile()
    assert 'name="no_texts"' in person.visit("/consultations/ask").get_data(as_text=True)
    check = fill_ask_form(person, mobile, WAGES, **SAFE)
    assert 'id="check-form"' in check.get_data(as_text=True), check.get_data(as_text=True)[:3000]
    done = person.send("check-form", {}, press={"answers_checked": "1"})
    assert done.status_code == 303 and "/consultations/asked/WQ-" in done.headers["Location"]
    asked = person.visit(done.headers["Location"]).get_data(as_text=True)
    assert "不发送短信" in asked and "答复后短信通知您" not in asked
    db.session.expire_all()
    question = db.session.scalar(select(WrittenQuestion))
    assert question.safe_contact
    duty = staff_signed_in(browser, "duty1")
    assert answer(duty, question, suitable=False).status_code in (302, 303)
    assert not db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == mobile)).all()
    assert outbox_rows() == 0
