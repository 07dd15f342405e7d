"""The tracking page reads its history and messages as the rows it shows (issue #40): an
event addressed to staff and another party's message never leave the database, and no
account is loaded with them (the old page joined each event's whole actor account)."""

from statement_count import counted_statements
from test_ratings import request_in  # noqa: F401  (the fixture: a request and its tracker)

from portal.core.events import record_event
from portal.core.models import InboxMessage, RequestParty
from portal.core.workflow import APPLICANT, BOTH, PARTY, STAFF
from portal.extensions import db


def test_the_tracking_page_shows_its_side_of_the_history_from_rows(client, request_in, make_staff):  # noqa: F811
    """Mutants seen red: the audience left out of the statement (the staff event read), the
    actor's name not joined ("Taken by —")."""
    found = request_in(client, status="under_review")
    officer = make_staff("officer-rows", "legal_aid_officer", name="钱办理")
    record_event(found, "claim", user=officer, audience=APPLICANT)
    record_event(found, "note", user=officer, comment="staff only: the applicant's debts", audience=STAFF)
    record_event(found, "message", user=officer, comment="Please bring your ID card.", audience=BOTH)
    party = RequestParty(request=found, name="对方", mobile="13900002222")
    db.session.add(party)
    db.session.flush()
    db.session.add(InboxMessage(request_id=found.id, subject="s", body="For the applicant"))
    db.session.add(
        InboxMessage(request_id=found.id, party_id=party.id, subject="s", body="For the other party")
    )
    record_event(found, "message", user=officer, comment="to the other party", audience=PARTY)
    db.session.commit()

    with counted_statements(db.engine) as sent:
        page = client.get(f"/track/{found.reference}").get_data(as_text=True)
    assert "Taken by 钱办理" in page and "Please bring your ID card." in page and "For the applicant" in page
    assert "staff only" not in page and "For the other party" not in page and "to the other party" not in page
    reads = [s for s in sent if "audit_event" in s or "inbox_message" in s]
    assert len(reads) == 2 and not [s for s in reads if "password_hash" in s], reads
    assert all("audience IN" in s for s in reads if "audit_event" in s), reads
