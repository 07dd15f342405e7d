"""Drafts (issue #30) as deployed: the SMS code read from the outbox, CSRF on, the movable
clock. A legal-aid draft is kept 7 days with its files, opens again only with a code to
its mobile or its PIN, goes with the quick exit's delete or after 7 days (a job), and is
never a request."""

import io
from datetime import timedelta
from pathlib import Path

from deployed import code_sent_to, hidden_inputs, new_mobile, texts_to
from sqlalchemy import func, select
from test_journeys_deployed import through_the_pages

from portal.core.intake_state import IntakeState
from portal.core.models import PendingUpload, ServiceRequest
from portal.extensions import db

from support import application_form

LEGAL_AID = "/legal-aid/apply"
CONTINUE = "/continue/legal_aid.apply"
CHECK = LEGAL_AID + "/check"
FACTS = "邻居家的狗咬伤了我的孩子，医药费两千三百元对方拒绝赔偿。"
PDF = b"%PDF-1.4\n%%EOF"


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def start(person, mobile: str, *, with_file: bool = False, **extra):
    """Fill the legal aid form and stop at the check page: a draft."""
    person.visit(LEGAL_AID)
    answers = application_form(mobile=mobile, facts=FACTS, **extra)
    kwargs = {}
    if with_file:
        answers["attachments"] = [(io.BytesIO(PDF), "工资条.pdf")]
        kwargs["content_type"] = "multipart/form-data"
    check = through_the_pages(person, answers, **kwargs)
    assert check.status_code == 200 and 'id="check-form"' in check.get_data(as_text=True)
    return check


def quick_exit(person, *, forget: bool):
    """The quick exit from the page this browser is on: the script's beacon (sent as the
    page leaves; it is answered with nothing, as a redirect would carry the beacon off-site
    against the CSP), or the delete button (a form: straight on to the weather)."""
    data = hidden_inputs(person.last_html, "quick-exit-form")
    assert data.get("csrf_token"), "the quick exit offers no delete on a form in progress"
    if forget:
        left = person.post("/leave", data={**data, "forget": "1"})
        assert left.status_code == 303 and "weather" in left.headers["Location"]
    else:
        left = person.post("/leave", data={**data, "beacon": "1"})
        assert left.status_code == 204 and "Location" not in left.headers


def shows_the_draft(person, path: str = LEGAL_AID + "/check") -> bool:
    html = person.visit(path).get_data(as_text=True)
    return FACTS in html or "Continue where you left off" in html or "从上次离开的地方继续" in html


def open_with_code(person, mobile: str, code: str | None = None):
    """Continue a draft: the mobile, then the code the phone received."""
    person.visit(CONTINUE)
    to_code = person.send(None, {"mobile": mobile})
    assert to_code.status_code == 303, to_code.get_data(as_text=True)[:2000]
    person.visit(to_code.headers["Location"])
    return person.send(None, {"code": code or code_sent_to(mobile)})


def test_a_legal_aid_draft_is_invisible_in_the_same_browser_until_the_code(browser):
    """Mutants caught: the quick exit leaving the draft on the browser (`leave` not
    detaching); a draft opened by the mobile alone (any code accepted)."""
    person, mobile = browser(), new_mobile()
    start(person, mobile)
    assert shows_the_draft(person)  # while the person is at it, "change" shows every answer
    quick_exit(person, forget=False)
    assert not shows_the_draft(person) and not shows_the_draft(person, LEGAL_AID)
    entry = person.visit(LEGAL_AID).get_data(as_text=True)
    stranger = browser()
    assert CONTINUE in entry and CONTINUE in stranger.visit(LEGAL_AID).get_data(
        as_text=True
    )  # the same for all
    refused = open_with_code(stranger, mobile, code="000000")  # the mobile alone opens nothing
    assert refused.status_code == 400 and FACTS not in refused.get_data(as_text=True)
    assert not shows_the_draft(stranger)
    opened = open_with_code(person, mobile)
    assert opened.status_code == 303 and opened.headers["Location"].startswith(LEGAL_AID)
    person.visit(opened.headers["Location"])
    assert FACTS in person.visit(CHECK).get_data(as_text=True)
    assert count(ServiceRequest) == 0


def test_a_draft_left_alone_closes_and_a_new_browser_opens_it_with_its_file(browser, clock):
    """After OPEN_IDLE the same browser sees nothing; a new browser proves the mobile and
    gets the answers and the staged file. Mutant caught: `_open` not detaching an idle
    draft (the answers showed to whoever used the browser next)."""
    person, mobile = browser(), new_mobile()
    start(person, mobile, with_file=True)
    clock(timedelta(minutes=31))
    assert not shows_the_draft(person)
    again = browser()  # the session lost: another browser, or cookies cleared
    opened = open_with_code(again, mobile)
    assert opened.status_code == 303
    again.visit(opened.headers["Location"])
    check = again.visit(CHECK)
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and FACTS in html and "工资条.pdf" in html  # this browser's now
    done = again.send("check-form", {}, press={"answers_checked": "1"})  # the mobile proved a moment ago
    assert done.status_code == 303 and count(ServiceRequest) == 1 and count(PendingUpload) == 0
    assert db.session.scalar(select(ServiceRequest.mobile_proven))


def test_quick_exit_delete_removes_the_draft_and_its_files(browser, deployed):
    """Mutant caught: `leave(forget=True)` only detaching (the draft still opened by code)."""
    person, mobile = browser(), new_mobile()
    start(person, mobile, with_file=True)
    stored = Path(deployed.config["UPLOAD_FOLDER"], db.session.scalar(select(PendingUpload.stored_name)))
    assert stored.exists()
    quick_exit(person, forget=True)
    assert count(IntakeState) == 0 and count(PendingUpload) == 0 and not stored.exists()
    person.visit(CONTINUE)
    person.visit(person.send(None, {"mobile": mobile}).headers["Location"])
    assert texts_to(mobile) == 0  # no draft: no code sent, and the page says the same as ever
    assert "6-digit code" in person.last_html or "6 位验证码" in person.last_html


def run_jobs(app):
    result = app.test_cli_runner().invoke(
        args=["run-jobs", "--force", "--job", "purge-uploads", "--job", "purge-drafts"]
    )
    assert result.exit_code == 0, result.output


def test_a_draft_and_its_files_stay_7_days_then_the_job_removes_them(browser, deployed, clock):
    """The staged file outlives the 24 h purge while its draft lives; after 7 days the job
    removes both. Mutants caught: held_tokens still cut at 24 hours (the file went on day
    2); the lifetime left at 24 hours (no draft to open on day 6)."""
    person, mobile = browser(), new_mobile()
    start(person, mobile, with_file=True)
    stored = Path(deployed.config["UPLOAD_FOLDER"], db.session.scalar(select(PendingUpload.stored_name)))
    clock(timedelta(days=6))
    run_jobs(deployed)
    assert count(IntakeState) == 1 and count(PendingUpload) == 1 and stored.exists()
    later = browser()
    opened = open_with_code(later, mobile)
    assert opened.status_code == 303
    later.visit(opened.headers["Location"])
    assert FACTS in later.visit(CHECK).get_data(as_text=True)
    clock(timedelta(days=7, hours=1))  # opened on day 6, untouched for 7 days since
    run_jobs(deployed)
    assert count(IntakeState) == 0 and count(PendingUpload) == 0 and not stored.exists()
    assert open_with_code(browser(), mobile, code="000000").status_code == 400


def test_a_safe_contact_draft_opens_with_its_pin_and_texts_nothing(browser):
    """A draft that asked for no texts: no code is ever sent; its PIN opens it, a wrong
    one does not. Mutant caught: `opens_with_pin` accepting any PIN."""
    person, mobile = browser(), new_mobile()
    safe = {
        "no_texts": "y",
        "contact_how": "工作日下午",
        "tracking_pin": "482913",
        "tracking_pin_again": "482913",
    }
    start(person, mobile, **safe)
    quick_exit(person, forget=False)
    other = browser()
    other.visit(CONTINUE)
    wrong = other.send(None, {"mobile": mobile, "pin": "111222"})
    assert wrong.status_code == 400 and FACTS not in wrong.get_data(as_text=True)
    other.visit(CONTINUE)
    asked_code = other.send(None, {"mobile": mobile})  # the code way: nothing texted
    assert asked_code.status_code == 303 and texts_to(mobile) == 0
    other.visit(CONTINUE)
    opened = other.send(None, {"mobile": mobile, "pin": "４８２９１３"})  # full-width digits
    assert opened.status_code == 303
    other.visit(opened.headers["Location"])
    assert FACTS in other.visit(CHECK).get_data(as_text=True)
    assert texts_to(mobile) == 0


def test_the_quick_exit_delete_needs_the_form_token(browser):
    """A POST to /leave from elsewhere (no token) deletes nothing."""
    person, mobile = browser(), new_mobile()
    start(person, mobile)
    refused = person.post("/leave", data={"forget": "1"})
    assert refused.status_code == 400 and count(IntakeState) == 1
    assert shows_the_draft(person)
