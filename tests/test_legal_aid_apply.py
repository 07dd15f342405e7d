"""Applying for legal aid over HTTP: validation next to the field, reference, confirmation."""

import io
import re
from datetime import date

from sqlalchemy import select

from portal.core.models import Attachment, AuditEvent, InboxMessage, OutboxMessage
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication

from support import application_form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_HEADER = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR"


def png(width: int, height: int) -> bytes:
    return (
        PNG_HEADER
        + width.to_bytes(4, "big")
        + height.to_bytes(4, "big")
        + b"\x08\x02\x00\x00\x00"
        + b"\x00" * 64
    )


def test_a_complete_application_gets_a_reference_and_a_confirmation(client):
    response = client.submit("/legal-aid/apply", application_form())
    assert response.status_code == 303
    year = date.today().year
    assert response.headers["Location"].endswith(f"/legal-aid/applied/LA-{year}-000001")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"LA-{year}-000001" in page
    assert "4301**********1237" in page  # the confirmation never shows the full ID
    application = db.session.scalar(select(LegalAidApplication))
    assert application.status == "submitted"
    assert application.applicant_mobile == "13900000011"  # normalised
    assert (application.birth_date, application.gender) == (date(1990, 1, 1), "male")
    assert application.decision_due_at is not None
    assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["submit"]
    inbox = db.session.scalar(select(InboxMessage))
    assert f"LA-{year}-000001" in inbox.body
    outbox = db.session.scalar(select(OutboxMessage))
    assert (outbox.recipient, outbox.status) == ("13900000011", "pending")
    assert outbox.body.startswith("【长沙县司法局】")


def test_references_count_up_per_type_and_year(client, make_application):
    first = make_application()
    second = make_application()
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1
    assert re.fullmatch(r"LA-\d{4}-\d{6}", second.reference)


def test_a_wrong_id_number_is_shown_next_to_the_field_and_input_is_kept(client):
    response = client.submit(
        "/legal-aid/apply", application_form(id_number="36042619910102009X", applicant_name="王小明")
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="id_number-error"' in page
    assert 'aria-describedby="id_number-hint id_number-error"' in page
    assert 'value="王小明"' in page  # what the user typed is kept
    assert 'value="36042619910102009X"' in page
    assert 'href="#id_number"' in page  # the error summary links to the field
    assert db.session.scalar(select(LegalAidApplication)) is None


def test_errors_are_in_english_for_english_users(client):
    client.get("/language/en")
    response = client.submit("/legal-aid/apply", application_form(mobile="12345"))
    assert response.status_code == 400
    assert "Enter an 11-digit mobile number" in response.get_data(as_text=True)


def test_pledge_and_consent_are_required(client):
    response = client.submit("/legal-aid/apply", application_form(pledge=None, consent=None))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="pledge-error"' in page and 'id="consent-error"' in page


def test_applying_for_a_relative_needs_their_details(client):
    response = client.submit("/legal-aid/apply", application_form(applying_for="relative"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("represented_name", "represented_id_number"):  # the page about them
        assert f'id="{field}-error"' in page
    named = client.submit(
        "/legal-aid/apply",
        application_form(
            applying_for="relative", represented_name="周父", represented_id_number="11010519491231002X"
        ),
    )
    assert named.status_code == 400 and 'id="relation-error"' in named.get_data(as_text=True)  # the next page
    ok = client.submit(
        "/legal-aid/apply",
        application_form(
            applying_for="relative",
            relation="parent",
            represented_name="周父",
            represented_id_number="11010519491231002X",
        ),
    )
    assert ok.status_code == 303
    application = db.session.scalar(select(LegalAidApplication))
    assert application.for_relative and application.represented_id_number == "11010519491231002X"


def test_income_questions_are_needed_unless_an_exemption_applies(client):
    response = client.submit("/legal-aid/apply", application_form(household_size="", monthly_income=""))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="household_size-error"' in page and 'id="monthly_income-error"' in page
    exempt = client.submit(
        "/legal-aid/apply",
        application_form(
            matter_type="family_support", household_size="", monthly_income="", claim_exemption="abuse_victim"
        ),
    )
    assert exempt.status_code == 303
    application = db.session.scalar(select(LegalAidApplication))
    assert (application.claim_exemption, application.exemption, application.household_size) == (
        "abuse_victim",
        None,
        None,
    )


def test_urgent_applications_sort_first(client, make_application):
    make_application()
    urgent = make_application(urgent=True)
    assert urgent.priority == 0


def test_attachments_are_sniffed_and_stored_privately(client, app):
    data = application_form()
    data["attachments"] = [(io.BytesIO(PDF), "合同.pdf"), (io.BytesIO(png(100, 100)), "photo.png")]
    response = client.submit("/legal-aid/apply", data, content_type="multipart/form-data")
    assert response.status_code == 303
    stored = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
    assert [a.content_type for a in stored] == ["application/pdf", "image/png"]
    assert all(re.fullmatch(r"[0-9a-f]{32}\.(pdf|png)", a.stored_name) for a in stored)
    assert "static" not in app.config["UPLOAD_FOLDER"]


def test_a_script_renamed_pdf_is_refused_with_a_clear_message(client):
    data = application_form()
    data["attachments"] = [(io.BytesIO(b"#!/bin/sh\nrm -rf /\n"), "invoice.pdf")]
    response = client.submit("/legal-aid/apply", data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "invoice.pdf" in response.get_data(as_text=True)
    assert db.session.scalar(select(LegalAidApplication)) is None


def test_an_oversized_file_is_refused(client, app):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    data = application_form()
    data["attachments"] = [(io.BytesIO(PDF + b"0" * 2048), "big.pdf")]
    response = client.submit("/legal-aid/apply", data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'id="attachments-error"' in response.get_data(as_text=True)


def test_an_image_bomb_is_refused_by_its_header(client):
    data = application_form()
    data["attachments"] = [(io.BytesIO(png(100_000, 100_000)), "bomb.png")]
    response = client.submit("/legal-aid/apply", data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'id="attachments-error"' in response.get_data(as_text=True)


def test_more_than_five_files_are_refused(client):
    data = application_form()
    data["attachments"] = [(io.BytesIO(PDF), f"f{i}.pdf") for i in range(6)]
    response = client.submit("/legal-aid/apply", data, content_type="multipart/form-data")
    assert response.status_code == 400


def test_a_request_body_over_the_limit_gets_a_friendly_413(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    data = application_form()
    data["attachments"] = [(io.BytesIO(PDF + b"0" * 4096), "big.pdf")]
    response = client.submit("/legal-aid/apply", data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "10 MB" in response.get_data(as_text=True)


def test_the_confirmation_is_only_for_the_browser_that_applied(client, make_client):
    response = client.submit("/legal-aid/apply", application_form())
    location = response.headers["Location"]
    assert client.get(location).status_code == 200
    other = make_client().get(location)  # issue #28: the proof page, never the receipt nor a 404
    html = other.get_data(as_text=True)
    assert other.status_code == 200 and 'name="mobile"' in html and "周建国" not in html


def test_a_signed_in_resident_finds_the_application_under_my_requests(client, app):
    register = client.submit(
        "/account/register",
        {
            "account_type": "resident",
            "display_name": "周建国",
            "mobile": "13900000011",
            "password": "long-enough-pw",
            "confirm": "long-enough-pw",
        },
    )
    assert register.status_code == 302
    client.submit("/legal-aid/apply", application_form())
    page = client.get("/account/requests").get_data(as_text=True)
    assert re.search(r"LA-\d{4}-000001", page)
