"""Written questions, round two (issue #39): similar answers before sending, the referral
that carries the question over, the duty lawyer's text, the figures, the home card's
answer time, the withdrawal's field message, attachments, and the staff-area guard (#38).

As deployed (tests/deployed.py): the SMS code read from the outbox, CSRF with the Referer,
staff two-factor. Each test names the broken implementation it was seen red on.
"""

import io
import re
from datetime import datetime

import pytest
from deployed import hidden_inputs, new_mobile
from sqlalchemy import select
from test_written_consultations import (
    ANSWER,
    ask,
    post_form_by_action,
    read_on_track,
    set_clock_to,
    staff_signed_in,
    texts_to,
)

from portal.core.clock import utcnow
from portal.core.intake_state import IntakeState
from portal.core.models import Attachment, Township
from portal.core.services import submit
from portal.extensions import db
from portal.written_consultations import archive
from portal.written_consultations.models import ArchiveUse, WrittenQuestion

ASK = "/consultations/ask"
WAGES = "老板拖欠我三个月工资不发，可以去哪里投诉？"
PUBLISHED_WAGES = "公司拖欠工资两个月，怎么讨回工资？"
PUBLISHED_DIVORCE = "协议离婚需要准备哪些材料？"
PDF = b"%PDF-1.4\n%%EOF\n"


def published(question_text: str, answer_text: str) -> WrittenQuestion:
    """A question answered, consented, reviewed and in the archive."""
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    question = WrittenQuestion(
        applicant_name="赵某",
        applicant_mobile="13700000000",
        township_id=township.id,
        topic="labour",
        question=question_text,
        consent_to_publish=True,
    )
    submit(question)
    question.answer = question.public_answer = answer_text
    question.public_question = question_text
    question.answered_at = question.published_at = utcnow()
    question.suitable = True
    archive.index(question)
    db.session.commit()
    return question


def asked_directly(text: str) -> WrittenQuestion:
    """A question received now (its deadline from the clock), without the intake's pages."""
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    question = WrittenQuestion(
        applicant_name="钱某",
        applicant_mobile=new_mobile(),
        township_id=township.id,
        topic="labour",
        question=text,
    )
    submit(question)
    db.session.commit()
    return question


def fill_ask_form(person, mobile: str, question: str, **extra):
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    person.visit(ASK)
    answers = {"topic": "labour", "township_id": str(township.id), "question": question}
    return person.send("intake-form", {**answers, "name": "王小明", "mobile": mobile, **extra})


def test_similar_answered_questions_are_shown_on_the_check_page(browser):
    """The check-your-answers page shows the archive's closest answers (no JavaScript: it
    is the server's page), only published ones, counted as archive use without who or what.
    Seen red on: the page without the include (nothing shown); `similar` ignoring the
    withdrawn flag (a withdrawn answer shown)."""
    wages = published(PUBLISHED_WAGES, "可以向劳动监察大队投诉。")
    published(PUBLISHED_DIVORCE, "身份证、户口簿和结婚证。")
    gone = published("工资被拖欠了三个月怎么办？", "已撤回的答复。")
    gone.withdrawn_at = utcnow()
    db.session.commit()
    person = browser()
    check = fill_ask_form(person, new_mobile(), WAGES)
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and 'id="check-form"' in page
    assert "与您的问题相似的已答复问题" in page
    assert wages.public_answer in page
    assert PUBLISHED_DIVORCE not in page and "已撤回的答复" not in page
    uses = db.session.scalars(select(ArchiveUse)).all()
    assert [(u.what, u.count) for u in uses] == [("similar", 1)]
    assert set(ArchiveUse.__table__.c.keys()) == {"id", "day", "what", "count"}  # nothing of whom


def test_similar_ranks_by_shared_bigrams(app):
    """The closest first, at most three, none sharing fewer than two bigrams. Seen red on:
    the order by publication date only (the divorce answer first)."""
    wages = published(PUBLISHED_WAGES, "可以向劳动监察大队投诉。")
    published(PUBLISHED_DIVORCE, "身份证、户口簿和结婚证。")
    for n in range(3):
        published(f"拖欠工资第{n}问，怎么办？", "投诉。")
    found = archive.similar("公司拖欠工资，怎么讨回工资？")
    assert len(found) == 3 and found[0].id == wages.id
    assert archive.similar("离婚") == [] and archive.similar("") == []


@pytest.mark.parametrize(
    ("referral", "start", "field", "page"),
    [
        ("legal_aid", "/legal-aid/apply", "facts", "facts"),
        ("mediation", "/mediation/apply", "facts", "what-happened"),
        ("booking", "/consultations/book", "description", None),
    ],
)
def test_the_referral_carries_the_question_into_the_target_form(
    browser, make_staff, referral, start, field, page
):
    """The person referred presses one button on the tracking page: the legal aid or
    mediation application, or the booking, opens with the question in its facts (or
    question) field; the text never travels in an address. Another browser cannot do it
    for them. Seen red on: the state written for the wrong form (an empty field); the
    proof check skipped (another browser got in)."""
    make_staff("duty1", "duty_lawyer")
    person, mobile = browser(), new_mobile()
    question = ask(person, mobile, consent=False, question=WAGES)
    duty = staff_signed_in(browser, "duty1")
    assert post_form_by_action(
        duty,
        f"/staff/requests/{question.reference}",
        "/actions/answer",
        {"answer-answer": ANSWER, "answer-referral": referral},
    ).status_code in (302, 303)

    stranger = browser()
    stranger.visit(ASK)
    token = hidden_inputs(stranger.last_html, "intake-form")["csrf_token"]
    refused = stranger.post(f"/consultations/{question.reference}/carry-over", data={"csrf_token": token})
    assert refused.status_code == 403
    assert db.session.scalar(select(IntakeState.id)) is None or not any(
        WAGES in str(s.answers) for s in db.session.scalars(select(IntakeState))
    )

    tracker = browser()
    tracking = read_on_track(lambda: tracker, question, mobile)
    assert "/carry-over" in tracking
    started = post_form_by_action(tracker, f"/track/{question.reference}", "/carry-over", {})
    assert started.status_code == 303
    target = started.headers["Location"]
    assert target.startswith(start) and "工资" not in target and "%E5" not in target
    form = tracker.visit(target).get_data(as_text=True)
    if referral == "booking":  # first the place and day (its form keeps the answers kept)
        from test_consultations import day_of, make_point, make_slot

        assert '<input type="hidden" name="change" value="1">' in form
        point = make_point()
        slot = make_slot(point, 48)
        form = tracker.visit(f"{start}?point={point.id}&date={day_of(slot)}&change=1").get_data(as_text=True)
    if page:  # a form of question pages (issue #30): the question is on the page asking for it
        form = tracker.visit(f"{start}/{page}").get_data(as_text=True)
    typed = re.search(rf'<textarea[^>]*name="{field}"[^>]*>(.*?)</textarea>', form, re.S)
    assert typed and WAGES in typed.group(1)


def test_the_duty_lawyer_is_texted_when_a_question_arrives(browser, make_staff):
    """The roster's mobile gets a text with the reference (not the question: it may be
    private). Seen red on: no text queued on submit."""
    lawyer = make_staff("duty1", "duty_lawyer", name="钱律师")
    make_staff("planner", "supervisor")
    set_clock_to(datetime(2027, 1, 5, 2, 0))  # a Tuesday
    supervisor = staff_signed_in(browser, "planner")
    duty_mobile = new_mobile()
    sent = post_form_by_action(
        supervisor,
        "/staff/written-questions/",
        "/roster",
        {"day": "2027-01-05", "user_id": str(lawyer.id), "mobile": duty_mobile},
    )
    assert sent.status_code == 303
    question = ask(browser(), new_mobile(), consent=False, question=WAGES)
    assert question.handler_id == lawyer.id
    told = texts_to(duty_mobile)
    assert len(told) == 1 and question.reference in told[0] and "工资" not in told[0]


def report_figures(staff, period: str) -> dict[str, tuple[int, str]]:
    from test_reports import figures_of, section_html

    html = staff.visit(f"/staff/reports/annual?{period}").get_data(as_text=True)
    return {
        **figures_of(section_html(html, "written_questions")),
        **figures_of(section_html(html, "consultation_channels")),
    }


def test_figures_count_answer_time_referrals_and_archive_use_with_period_links(browser, make_staff):
    """Answered within the time and late, the median, the referrals, the archive's use and
    the booked and written channels: each figure links to the list it counts over the
    report's period. Seen red on: "within the time" comparing with the deadline cleared on
    answering (every answer late); the channel links without the period."""
    make_staff("duty1", "duty_lawyer")
    make_staff("planner", "supervisor")
    set_clock_to(datetime(2027, 3, 1, 2, 0))  # Monday 1 March 2027
    in_time = asked_directly(WAGES)
    late = asked_directly("邻居占用我家宅基地，怎么办？")
    duty = staff_signed_in(browser, "duty1")
    for question, referral in ((in_time, "legal_aid"), (late, "")):
        if question is late:
            set_clock_to(datetime(2027, 3, 10, 2, 0))  # after its two working days
            duty = staff_signed_in(browser, "duty1")
        answered = post_form_by_action(
            duty,
            f"/staff/requests/{question.reference}",
            "/actions/answer",
            {"answer-answer": ANSWER, "answer-referral": referral},
        )
        assert answered.status_code in (302, 303)
    duty.visit("/staff/consultation-log/")
    logged = duty.send(
        "log-form",
        {"channel": "walk_in", "topic": "family", "summary": "老人咨询赡养", "referral": "mediation"},
    )
    assert logged.status_code == 303
    duty.visit("/staff/consultation-log/")
    assert (
        duty.send("log-form", {"channel": "call", "topic": "labour", "summary": "询问仲裁"}).status_code
        == 303
    )
    reader = browser()
    reader.visit("/consultations/answers")
    reader.visit("/consultations/answers?q=工资")
    supervisor = staff_signed_in(browser, "planner")
    figures = report_figures(supervisor, "start=2027-03&end=2027-03")
    assert figures["收到的留言咨询"][0] == 2
    assert figures["按时答复"][0] == 1 and figures["逾期答复"][0] == 1
    assert figures["引导至：申请法律援助"][0] == 1
    assert figures["答复库被打开"][0] == 1 and figures["答复库被搜索"][0] == 1
    number, link = figures["按时答复"]
    assert "from=2027-03-01" in link and "to=2027-03-31" in link and "answered=in_time" in link
    listed = supervisor.visit(link).get_data(as_text=True)
    assert in_time.reference in listed and late.reference not in listed
    for label in ("逾期答复", "引导至：申请法律援助"):
        assert "from=2027-03-01" in figures[label][1]
    written = next(v for k, v in figures.items() if k == "留言咨询")
    assert written[0] == 2 and "from=2027-03-01" in written[1] and "to=2027-03-31" in written[1]
    booked = next(v for k, v in figures.items() if k == "预约咨询")
    assert "from=2027-03-01" in booked[1]
    number, link = figures["来电来访后引导至：人民调解"]
    assert number == 1 and "start=2027-03" in link and "referral=mediation" in link
    entries = supervisor.visit(link).get_data(as_text=True)
    assert entries.count("<td>2027-03-10</td>") == 1
    # Another period counts none of them, and its links carry that period.
    other = report_figures(supervisor, "start=2027-04&end=2027-04")
    assert other["收到的留言咨询"][0] == 0 and "from=2027-04-01" in other["按时答复"][1]


def test_the_home_card_follows_the_answer_time_setting(browser, deployed):
    """Seen red on: the card's fixed "two working days"."""
    deployed.config["WRITTEN_ANSWER_WORKING_DAYS"] = 3
    page = browser().visit("/").get_data(as_text=True)
    assert "值班律师3个工作日内答复" in page
    deployed.config["WRITTEN_ANSWER_WORKING_DAYS"] = 2
    assert "值班律师2个工作日内答复" in browser().visit("/").get_data(as_text=True)


def test_withdrawing_without_a_reason_is_a_message_next_to_the_field(browser, make_staff):
    """Seen red on: the former flash and redirect (no message at the field, 303)."""
    make_staff("duty2", "duty_lawyer")
    question = published(PUBLISHED_WAGES, "可以向劳动监察大队投诉。")
    staff = staff_signed_in(browser, "duty2")
    refused = post_form_by_action(
        staff, "/staff/written-questions/review", f"/review/{question.reference}/withdraw", {"reason": "  "}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert re.search(rf'id="reason-{question.id}-error"[^>]*>.*?请说明原因', page, re.S)
    assert f'aria-describedby="reason-{question.id}-error"' in page
    long = "法" * 301
    kept = post_form_by_action(
        staff, "/staff/written-questions/review", f"/review/{question.reference}/withdraw", {"reason": long}
    )
    assert kept.status_code == 400 and f'value="{long}"' in kept.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(WrittenQuestion, question.id).in_archive


def test_a_question_may_carry_attachments(browser, make_staff):
    """Files staged by the shared intake reach the question (and the staff detail page).
    Seen red on: `send` not claiming the staged files."""
    make_staff("duty1", "duty_lawyer")
    person, mobile = browser(), new_mobile()
    check = fill_ask_form(person, mobile, WAGES, attachments=(io.BytesIO(PDF), "劳动合同.pdf"))
    assert check.status_code == 200 and "劳动合同.pdf" in check.get_data(as_text=True)
    code_page = person.send("check-form", {}, press={"answers_checked": "1"})
    from test_written_consultations import last_code

    assert 'name="mobile_code"' in code_page.get_data(as_text=True)
    done = person.send("code-form", {"mobile_code": last_code(mobile)})
    assert done.status_code == 303
    question = db.session.scalar(select(WrittenQuestion))
    files = db.session.scalars(select(Attachment).where(Attachment.request_id == question.id)).all()
    assert [f.original_name for f in files] == ["劳动合同.pdf"]
    duty = staff_signed_in(browser, "duty1")
    assert "劳动合同.pdf" in duty.visit(f"/staff/requests/{question.reference}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("consultation_desk", "/staff/written-questions/", 403),
        ("consultation_desk", "/staff/written-questions/review", 403),
        ("consultation_desk", "/staff/consultation-log/", 403),
        ("legal_aid_officer", "/staff/written-questions/review", 403),
        ("duty_lawyer", "/staff/written-questions/review", 200),
        ("supervisor", "/staff/written-questions/", 200),
    ],
)
def test_the_staff_area_guard_keeps_other_roles_out(browser, make_staff, role, path, status):
    """The pages rely on the roles declared for their blueprint (#38). Seen red on: the
    capability's staff_areas entry removed (a desk clerk got the duty pages)."""
    make_staff("someone", role)
    assert staff_signed_in(browser, "someone").get(path).status_code == status


def test_a_duty_lawyer_may_not_plan_the_roster(browser, make_staff):
    """Planning stays a supervisor's (a 403, nothing added)."""
    lawyer = make_staff("duty1", "duty_lawyer")
    duty = staff_signed_in(browser, "duty1")
    page = duty.visit("/staff/written-questions/").get_data(as_text=True)
    assert 'action="/staff/written-questions/roster"' not in page
    token = hidden_inputs(duty.visit("/staff/consultation-log/").get_data(as_text=True), "log-form")
    refused = duty.post(
        "/staff/written-questions/roster",
        data={"csrf_token": token["csrf_token"], "day": "2027-01-05", "user_id": str(lawyer.id)},
    )
    assert refused.status_code == 403
