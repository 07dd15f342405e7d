"""A staff form sent after the session ended (issue #27): nothing is written, and after
signing in again the form comes back empty. Staff forms are never replayed or refilled
(unlike a resident's public form): a shared counter PC must not hand one officer's typing
to whoever signs in next, and a note must not be added without a fresh decision."""

import re
from datetime import UTC, timedelta

import pyotp
from deployed import staff_signed_in
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.models import InternalNote
from portal.extensions import db

from support import PASSWORD

TYPED = "当事人电话中说明下周一补交工资条"


def sign_in_again(staff, username: str, clock) -> None:
    """The password, then a TOTP code of a time step not used yet, on the portal's clock."""
    staff.visit("/staff/login")
    step = staff.send(None, {"login": username, "password": PASSWORD})
    assert step.status_code == 302, step.get_data(as_text=True)[:500]
    staff.visit(step.headers["Location"])
    user = db.session.scalars(select(User).where(User.username == username)).one()
    later = clock.utcnow().replace(tzinfo=UTC) + timedelta(seconds=30)
    done = staff.send(None, {"code": pyotp.TOTP(user.totp_secret).at(later)})
    assert done.status_code in (200, 302, 303), done.get_data(as_text=True)[:500]
    assert "/staff/login" not in (done.headers.get("Location") or "")


def notes_on(application) -> int:
    query = select(func.count()).select_from(InternalNote).where(InternalNote.request_id == application.id)
    return db.session.scalar(query)


def send_note(staff, detail: str):
    """The note form of the detail page as the browser sends it (its token, the typed text)."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', staff.last_html).group(1)
    return staff.post(f"{detail}/notes", data={"csrf_token": token, "body": TYPED})


def note_box(html: str) -> str:
    return re.search(r'<textarea[^>]*id="note_body"[^>]*>(.*?)</textarea>', html, re.S).group(1)


def test_a_staff_note_sent_after_the_idle_timeout_is_not_written_and_comes_back_empty(
    browser, make_staff, make_application, clock
):
    """Mutant seen red: the idle timeout applied to GETs only (the note was written)."""
    application = make_application()
    make_staff("officer", "legal_aid_officer")
    staff = staff_signed_in(browser, "officer")
    detail = f"/staff/requests/{application.reference}"
    assert staff.visit(detail).status_code == 200
    clock.travel(timedelta(minutes=31))  # the officer left the desk

    sent = send_note(staff, detail)
    assert sent.status_code == 302 and "/staff/login" in sent.headers["Location"]
    assert TYPED not in sent.get_data(as_text=True)
    assert notes_on(application) == 0

    sign_in_again(staff, "officer", clock)
    page = staff.visit(detail).get_data(as_text=True)
    assert TYPED not in page and note_box(page).strip() == ""
    assert notes_on(application) == 0


def test_a_staff_note_with_a_lost_session_cookie_is_refused_plainly(
    browser, make_staff, make_application, clock
):
    """The session cookie is gone (another browser, cleared cookies): the plain 400 page,
    nothing typed in it, nothing written; signed in again, the note box is empty. Mutant seen
    red: the note view marked as a public form (`keeps_typed_on_lost_token`) showed the note."""
    application = make_application()
    make_staff("officer", "legal_aid_officer")
    staff = staff_signed_in(browser, "officer")
    detail = f"/staff/requests/{application.reference}"
    staff.visit(detail)
    assert send_note(staff, detail).status_code == 303 and notes_on(application) == 1  # control
    staff.visit(detail)
    staff._cookies.clear()  # the session cookie is gone
    sent = send_note(staff, detail)
    assert sent.status_code == 400 and TYPED not in sent.get_data(as_text=True)
    assert notes_on(application) == 1
    sign_in_again(staff, "officer", clock)
    page = staff.visit(detail).get_data(as_text=True)
    assert note_box(page).strip() == "" and page.count(TYPED) == 1  # the control note, listed once
