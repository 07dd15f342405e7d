"""The staff detail page reads its audit trail, notes, files and the viewers of the ID
number as the rows it shows (issue #40): every one of them on the page, and none loaded as
an object with its author's, actor's or viewer's whole account joined (the old template's
lazy loads did, a fifth of the page's CPU)."""

from statement_count import counted_statements

from portal.core.events import record_event
from portal.core.models import Attachment, InternalNote, ReadAudit
from portal.core.workflow import APPLICANT, STAFF
from portal.extensions import db

LISTS = ("audit_event", "internal_note", "attachment", "read_audit")


def test_the_detail_page_lists_the_request_from_rows(make_client, make_staff, make_application):
    """Mutants seen red: the template's `request_obj.events` and `request_obj.notes` put
    back (an account joined per list); the staff audience left out of the audit trail."""
    found = make_application()
    officer = make_staff("officer-rows", "legal_aid_officer", name="钱办理")
    supervisor = make_staff("boss-rows", "supervisor", name="王主任")
    record_event(found, "claim", user=officer, audience=APPLICANT)
    record_event(found, "note", user=officer, comment="内部：核对收入证明", audience=STAFF)
    db.session.add(InternalNote(request_id=found.id, author_id=officer.id, body="申请人下午来电"))
    db.session.add(
        Attachment(
            request_id=found.id,
            stored_name="rows-test-file",
            original_name="收入证明.pdf",
            content_type="application/pdf",
            size=4096,
        )
    )
    db.session.add(ReadAudit(request_id=found.id, user_id=supervisor.id, what="id_number"))
    db.session.commit()
    client = make_client()
    client.set_cookie("lang", "en")
    client.sign_in("boss-rows")
    page = f"/staff/requests/{found.reference}"
    assert client.get(page).status_code == 200

    with counted_statements(db.engine) as sent:
        html = client.get(page).get_data(as_text=True)
    trail = html.split('id="audit-title"')[1]
    assert "Taken by 钱办理" in trail  # the actor's name joined to the event's row
    assert "内部：核对收入证明" in trail  # an event addressed to staff only: staff see it
    assert "申请人下午来电" in html and "收入证明.pdf" in html and "4 KB" in html
    assert "王主任" in trail.split("Full ID number viewed by")[1]  # who saw the ID number
    lists = [s for s in sent if any(f"FROM {table}" in s for table in LISTS)]
    assert len(lists) == 4, sent
    assert not [s for s in lists if "password_hash" in s], lists
