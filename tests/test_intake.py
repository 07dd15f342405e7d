"""The shared intake steps (SPEC §13): files staged and kept, language switched by the form."""

import io
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from portal.core import attachments
from portal.core.models import Attachment, PendingUpload, ServiceRequest
from portal.extensions import db

from support import application_form

PDF = b"%PDF-1.4\n%%EOF"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def staged_tokens(html: str) -> list[str]:
    return re.findall(r'name="staged_upload" value="([0-9a-f]{32})"', html)


FILES = "/legal-aid/apply/files"


def attach(client, name: str) -> str:
    """Attach a file on the files page: the token of the file staged (shown on the page again)."""
    data = {"attachments": [(io.BytesIO(PDF), name)], "csrf_token": client.csrf_token(FILES)}
    sent = client.post(FILES, data=data, content_type="multipart/form-data")
    assert sent.status_code == 303  # on to the next page
    html = client.get(FILES).get_data(as_text=True)
    assert name in html and len(staged_tokens(html)) == 1
    return staged_tokens(html)[0]


def test_a_file_attached_on_its_page_is_kept_and_claimed_by_the_application(client, app):
    token = attach(client, "工资条.pdf")
    assert count(ServiceRequest) == 0 and count(PendingUpload) == 1
    again = client.submit("/legal-aid/apply", {**application_form(), "staged_upload": token})
    assert again.status_code == 303
    files = db.session.scalars(select(Attachment)).all()
    assert [f.original_name for f in files] == ["工资条.pdf"]
    assert count(PendingUpload) == 0  # claimed: no orphan row, and the file is the attachment's
    assert Path(app.config["UPLOAD_FOLDER"], files[0].stored_name).read_bytes() == PDF


def test_another_browser_cannot_claim_a_staged_file(client, make_client):
    token = attach(client, "mine.pdf")
    stranger = make_client()
    refused = stranger.submit("/legal-aid/apply", {**application_form(), "staged_upload": token})
    assert refused.status_code == 400  # the file is not theirs: "attach it again", nothing created
    assert 'id="attachments-error"' in refused.get_data(as_text=True)
    assert count(Attachment) == 0 and count(PendingUpload) == 1 and count(ServiceRequest) == 0


def test_a_file_removed_while_the_form_was_open_is_asked_for_again_not_dropped(client, app):
    token = attach(client, "工资条.pdf")
    row = db.session.scalar(select(PendingUpload))
    # A draft holds its files 7 days (issue #30): a week and an hour later the file is gone.
    assert attachments.purge_unclaimed(row.created_at + timedelta(days=7, hours=1)) == 1
    again = client.submit("/legal-aid/apply", {**application_form(), "staged_upload": token})
    assert again.status_code == 400
    html = again.get_data(as_text=True)
    assert "no longer kept" in html.split('id="attachments-error"', 1)[1][:300] or "不再保留" in html
    assert count(ServiceRequest) == 0


def test_unclaimed_files_are_removed_once_no_draft_holds_them(client, app):
    """A file on a page of a form in progress is held by its draft for 7 days (issue #30),
    then removed like any file that nobody claimed."""
    attach(client, "left.pdf")
    row = db.session.scalar(select(PendingUpload))
    path = Path(app.config["UPLOAD_FOLDER"], row.stored_name)
    assert path.exists()
    assert attachments.purge_unclaimed(row.created_at + timedelta(hours=49)) == 0
    assert attachments.purge_unclaimed(row.created_at + timedelta(days=7, hours=1)) == 1
    assert not path.exists() and count(PendingUpload) == 0


def test_switching_language_on_a_form_keeps_what_was_typed_and_submits_nothing(client):
    data = {"opposing_party": "周建国", "facts": "八个月工资未付。", "switch_language": "en"}
    response = client.submit("/legal-aid/apply/facts", data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="en"' in html.split(">", 2)[1] or '<html lang="en">' in html
    assert 'value="周建国"' in html and "八个月工资未付。" in html
    assert "This field is required" not in html  # no validation on a switch
    assert "lang=en" in response.headers["Set-Cookie"]
    assert count(ServiceRequest) == 0
    assert 'name="switch_language" value="zh_Hans"' in html  # and back, again through the form


def test_the_switch_is_a_button_of_each_public_form(client):
    for url in ("/legal-aid/apply",):
        html = client.get(url).get_data(as_text=True)
        assert 'form="intake-form" name="switch_language" value="en"' in html
        assert 'id="intake-form"' in html


def test_purge_uploads_keeps_the_files_of_a_live_intake(client, app):
    """A file staged by an intake still in progress (its check or code page open) is kept
    past a day; once the intake is idle for its life (a draft's 7 days, issue #30) it goes. Mutant caught: purge_unclaimed
    ignoring intake_state.held_tokens (the file went while its form waited for the code)."""
    from portal.core.intake_state import IntakeState

    data = application_form()
    data["attachments"] = [(io.BytesIO(PDF), "工资条.pdf")]
    check = client.submit("/legal-aid/apply", data, answers_checked=False, content_type="multipart/form-data")
    assert check.status_code == 200 and count(PendingUpload) == 1
    row = db.session.scalar(select(PendingUpload))
    state = db.session.scalar(select(IntakeState))
    assert state.staged == [row.token]
    day_later = row.created_at + timedelta(hours=25)
    state.updated_at = day_later - timedelta(hours=1)  # the person is still on the check page
    db.session.commit()
    assert attachments.purge_unclaimed(day_later) == 0 and count(PendingUpload) == 1
    assert attachments.purge_unclaimed(day_later + timedelta(days=6)) == 0  # a draft keeps it
    assert attachments.purge_unclaimed(day_later + timedelta(days=7)) == 1  # idle for 7 days
    assert count(IntakeState) == 0
