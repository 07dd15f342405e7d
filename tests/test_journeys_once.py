"""One submission = one request, the code page, a lost session and elderly mode, as
deployed (issue #27; fixtures in tests/deployed.py)."""

import re

from deployed import BASE_URL, code_sent_to, new_mobile, texts_to
from sqlalchemy import func, select
from test_journeys_deployed import LEGAL_AID, at_the_code_page, legal_aid_answers, requests_made, typed

from portal.core.intake_state import IntakeState
from portal.core.models import PendingUpload
from portal.extensions import db

# One submission = one request


def test_a_double_tap_on_the_code_makes_one_request(browser):
    """Mutant caught: no one-time key (each tap with a right code made a request)."""
    person, mobile = browser(), new_mobile()
    at_the_code_page(person, mobile)
    code_page, code = person.last_html, code_sent_to(mobile)
    first = person.send("code-form", {"mobile_code": code})
    person.last_html = code_page  # the second tap, from the same page
    second = person.send("code-form", {"mobile_code": code})
    assert first.status_code == 303 and second.status_code == 409
    assert "已经提交过" in second.get_data(as_text=True)
    assert "LA-" not in second.get_data(as_text=True) or "/legal-aid/applied/" in second.get_data(
        as_text=True
    )
    assert requests_made() == 1


def test_back_and_resubmit_of_the_form_makes_one_request(browser):
    """Back to the filled form page and send it again (its one-time key is used): one
    request, "sent already". Seen red before: a second application."""
    person, mobile = browser(), new_mobile()
    form_page = at_the_code_page(person, mobile)
    assert person.send("code-form", {"mobile_code": code_sent_to(mobile)}).status_code == 303
    person.last_html, person.page_url = form_page, BASE_URL + LEGAL_AID  # Back, Back, Back
    again = person.send("intake-form", {**legal_aid_answers(mobile), "answers_checked": "1"})
    assert again.status_code == 409 and "已经提交过" in again.get_data(as_text=True)
    assert requests_made() == 1


def test_a_second_code_after_sending_makes_no_request_and_no_text(browser):
    person, mobile = browser(), new_mobile()
    at_the_code_page(person, mobile)
    code_page = person.last_html
    assert person.send("code-form", {"mobile_code": code_sent_to(mobile)}).status_code == 303
    texts = texts_to(mobile)
    person.last_html = code_page
    again = person.send("code-form", {}, press={"mobile_code_resend": "1"})
    assert again.status_code == 409 and "已经提交过" in again.get_data(as_text=True)
    assert requests_made() == 1 and texts_to(mobile) == texts


def test_a_stranger_sees_sent_already_but_never_the_receipt_without_proof(browser):
    """The "sent already" page shows the request only after a new code (or to the browser
    that made it): the receipt is never given away by resending a form."""
    person, mobile = browser(), new_mobile()
    at_the_code_page(person, mobile)
    code_page = person.last_html
    done = person.send("code-form", {"mobile_code": code_sent_to(mobile)})
    reference = done.headers["Location"].rsplit("/", 1)[1]
    with person.session_transaction() as session:
        session["tracked_requests"] = []  # the receipt is no longer this browser's to see
    person.last_html = code_page
    again = person.send("code-form", {"mobile_code": "123456"})
    html = again.get_data(as_text=True)
    assert again.status_code == 409 and reference not in html and 'value="proof"' in html
    from portal.extensions import limiter

    limiter.reset()  # a minute later: a new code may be sent (1 per minute per mobile)
    proof = person.send(None, {})
    assert proof.status_code == 200 and 'name="mobile_code"' in proof.get_data(as_text=True)
    shown = person.send("code-form", {"mobile_code": code_sent_to(mobile)})
    assert shown.status_code == 303 and shown.headers["Location"].endswith(reference)
    assert requests_made() == 1


def test_two_submissions_of_one_key_at_the_same_moment_make_one_request(browser, monkeypatch):
    """Both passed the "already sent?" check before either committed: the key's unique
    constraint refuses the second commit. Mutant caught: recording the key outside the
    request's transaction (or not at all)."""
    from portal.core import intake_state

    person, mobile = browser(), new_mobile()
    at_the_code_page(person, mobile)
    code_page, code = person.last_html, code_sent_to(mobile)
    answers = db.session.scalar(select(IntakeState.answers))
    assert person.send("code-form", {"mobile_code": code}).status_code == 303
    # The second request read the state before the first committed: it saw no reference.
    state = db.session.scalar(select(IntakeState))
    state.reference, state.step, state.answers = None, "code", answers
    db.session.commit()
    monkeypatch.setattr(intake_state, "submitted", lambda key: None)
    from portal.accounts import verification

    monkeypatch.setattr(verification, "needs_verification", lambda mobile: False)  # its code was right too
    person.last_html = code_page
    second = person.send("code-form", {"mobile_code": code})
    assert second.status_code == 409 and requests_made() == 1


# The code page


def test_change_the_number_keeps_every_answer(browser):
    """Mutant caught: the link going to an empty form (answers not read back from the
    intake state). Before this change the code page had no such link."""
    person, wrong, right = browser(), new_mobile(), new_mobile()
    at_the_code_page(person, wrong)
    link = re.search(r'<a href="([^"]+)">号码填错了？返回修改</a>', person.last_html)
    assert link, person.last_html[:3000]
    form = person.visit(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    for value in ("周建国", "430121199001011237", wrong):  # the page of the mobile, every answer kept
        assert value in form
    answers = legal_aid_answers(right)
    back = person.send("intake-form", typed(person, answers))
    assert back.status_code == 303 and back.headers["Location"] == "/legal-aid/apply/check"  # straight back
    check = person.visit(back.headers["Location"])
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and right in html and "包工头拖欠工资共计三万六千元" in html
    person.send("check-form", {}, press={"answers_checked": "1"})
    done = person.send("code-form", {"mobile_code": code_sent_to(right)})
    assert done.status_code == 303 and requests_made() == 1


def test_one_message_at_a_time_and_when_a_new_code_can_be_sent(browser):
    person, mobile = browser(), new_mobile()
    at_the_code_page(person, mobile)
    html = person.last_html
    assert "我们已向" in html and re.search(r"\d\d:\d\d 起可以重新发送验证码", html)
    again = person.send("code-form", {}, press={"mobile_code_resend": "1"})  # 1 per minute
    html = again.get_data(as_text=True)
    assert again.status_code == 429 and "我们已向" not in html and re.search(r"\d\d:\d\d", html)


# A lost session, elderly mode


def test_an_expired_token_keeps_the_typed_text_for_this_site_only(browser):
    """Same-site: the form again as typed with a plain message, 400, nothing written.
    Cross-site: the plain 400 page, nothing typed in it. Seen red before: a bare 400."""
    person, mobile = browser(), new_mobile()
    person.visit(LEGAL_AID + "/facts")
    answers = {**legal_aid_answers(mobile), "csrf_token": "expired"}
    kept = person.send("intake-form", answers)
    html = kept.get_data(as_text=True)
    assert kept.status_code == 400 and "页面停留时间较长，请核对后重新提交" in html
    assert "包工头拖欠工资共计三万六千元" in html and 'id="intake-form"' in html
    assert requests_made() == 0 and db.session.scalar(select(func.count()).select_from(IntakeState)) == 0
    elsewhere = person.send(
        "intake-form", answers, headers={"Origin": "https://evil.example", "Referer": "https://evil.example/"}
    )
    assert elsewhere.status_code == 400 and "包工头" not in elsewhere.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0


def test_elderly_mode_keeps_a_half_filled_form(browser):
    """Mutant caught: the switch as its own form (a reload that lost the typing)."""
    person = browser()
    person.visit(LEGAL_AID + "/facts")
    assert re.search(r'<button type="submit" form="intake-form" name="switch_elderly"', person.last_html)
    half = {"opposing_party": "周建国", "facts": "工地拖欠工资两个月"}
    shown = person.send("intake-form", half, press={"switch_elderly": "1"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'class="elderly"' in html
    assert "周建国" in html and "工地拖欠工资两个月" in html and 'class="field-error"' not in html
    assert "elderly=1" in shown.headers.get("Set-Cookie", "")
    assert requests_made() == 0
