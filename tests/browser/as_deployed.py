"""The two steps the deployed portal adds to a journey, taken as a person takes them.

- The SMS code page of a public form: the code is read from the server's outbox (the
  text message as the phone receives it), typed into the field labelled with the masked
  mobile, then "Confirm and send".
- The staff second factor: at the first sign-in the enrolment page shows the key, which
  goes into the "authenticator" (pyotp) kept per username on the server object; later
  sign-ins type its current code.

The server of a page is found by the page's address (conftest registers each one).
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, select

from portal.core.models import OutboxMessage

#: base URL -> LiveServer (conftest.serving registers and removes them).
SERVERS: dict = {}
SIX_DIGITS = re.compile(r"(?<!\d)(\d{6})(?!\d)")  # no \b: 码123456 has none in Chinese
STEP_SECONDS = 30


def server_of(page: Page):
    parts = urlsplit(page.url)
    return SERVERS[f"{parts.scheme}://{parts.netloc}"]


def _engine(server):
    if server.engine is None:
        server.engine = create_engine(server.database_url)
    return server.engine


def code_sent_to(server, masked: str) -> str:
    """The code of the latest text message to the mobile shown as `masked` (138****0001).

    The journeys run one after another, so the latest code to a number of that shape is
    the one this page asked for."""
    head, _, tail = masked.partition("****")
    with _engine(server).connect() as connection:
        bodies = connection.scalars(
            select(OutboxMessage.body)
            .where(
                OutboxMessage.recipient.like(f"{head}%{tail}"),
                OutboxMessage.template_key == "verification_code",
            )
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        ).all()
    assert bodies, f"no verification code texted to {masked}"
    return SIX_DIGITS.search(bodies[0]).group(1)


def confirm_mobile_if_asked(page: Page, T) -> bool:
    """On the code page ("Confirm your mobile number"): type the code texted to the masked
    number and press "Confirm and send". False (nothing done) on any other page, e.g. for a
    signed-in resident whose mobile is proven already."""
    page.wait_for_load_state()
    heading = page.get_by_role("heading", level=1)
    if heading.inner_text().strip() != T("Confirm your mobile number"):
        return False
    before, _, after = T("Code from the text message to %(mobile)s").partition("%(mobile)s")
    label = page.locator("#code-form label").first
    masked = label.inner_text().strip().removeprefix(before).removesuffix(after).strip()
    assert "****" in masked, f"no masked mobile in the code label {label.inner_text()!r}"
    page.get_by_label(T("Code from the text message to %(mobile)s") % {"mobile": masked}).fill(
        code_sent_to(server_of(page), masked)
    )
    with page.expect_navigation():
        page.get_by_role("button", name=T("Confirm and send"), exact=True).click()
    return True


def enter_tracking_code_if_asked(page: Page, T, mobile: str) -> bool:
    """On tracking's code page ("Enter the code", issue #28): type the code texted to
    `mobile` and press "Show my request". False (nothing done) on any other page."""
    page.wait_for_load_state()
    if page.get_by_role("heading", level=1).inner_text().strip() != T("Enter the code"):
        return False
    digits = "".join(ch for ch in mobile if ch.isdigit())
    digits = digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
    masked = f"{digits[:3]}****{digits[-4:]}"
    page.get_by_label(T("Code from the text message")).fill(code_sent_to(server_of(page), masked))
    with page.expect_navigation():
        page.get_by_role("button", name=T("Show my request"), exact=True).click()
    return True


# --------------------------------------------------------------------------- staff


def _totp_code(server, username: str) -> str:
    """A code for a time step after the last one this username used (the server accepts
    one step either side of now, and never a step at or before the last accepted one)."""
    secret, last = server.totp[username], server.totp_last_step.get(username, -1)
    now = int(time.time()) // STEP_SECONDS
    step = max(now, last + 1)
    if step > now + 1:  # both the current and the next step are used: wait for the next
        time.sleep((step - 1) * STEP_SECONDS - time.time() + 0.2)
    server.totp_last_step[username] = step
    return pyotp.TOTP(secret).generate_otp(step)


def pass_second_factor(page: Page, T, username: str) -> bool:
    """On "Second step of signing in": enrol (first sign-in: the key shown, then the
    recovery codes page) or type the current code. False on any other page."""
    page.wait_for_load_state()
    if page.get_by_role("heading", level=1).inner_text().strip() != T("Second step of signing in"):
        return False
    server = server_of(page)
    key = page.locator(".totp-key")
    enrolling = key.count() > 0
    if enrolling:
        server.totp[username] = key.inner_text().strip()
        server.totp_last_step.pop(username, None)
    assert username in server.totp, f"{username} was enrolled outside the suite: no key"
    page.get_by_label(
        re.compile("^" + re.escape(T("Code from the authenticator app, or a recovery code")))
    ).fill(_totp_code(server, username))
    with page.expect_navigation():
        page.get_by_role("button", name=T("Continue"), exact=True).click()
    if enrolling:
        expect(page.get_by_role("heading", level=1)).to_have_text(T("Your recovery codes"))
        with page.expect_navigation():
            page.get_by_role("link", name=T("I have written them down: continue"), exact=True).click()
    return True


# --------------------------------------------------------------------------- the desk's day

_moved = iter(range(10_000))


def move_booking_to_today(page: Page, reference: str) -> None:
    """Move the booked slot of `reference` (a later day, booked online) to this evening.

    The desk checks people in on the day of their booking only, and online booking ends 2
    hours ahead: late in the day or at a weekend nothing of today can be booked, and the
    server's clock cannot be moved from here. So the journey books a later day as a person
    does, and the suite moves that slot (and the booking) to today, 20:00 local plus a few
    minutes per move, in the server's database: a slot created for the test."""
    from datetime import datetime, timedelta

    from sqlalchemy import text

    from portal.core.clock import LOCAL_TZ, from_local

    today = datetime.now(LOCAL_TZ).date()
    starts = from_local(
        datetime.combine(today, datetime.min.time()) + timedelta(hours=20, minutes=next(_moved))
    )
    with _engine(server_of(page)).begin() as connection:
        booking_id, slot_id, old_start, old_end = connection.execute(
            text(
                "SELECT b.id, b.slot_id, s.starts_at, s.ends_at FROM consultation_booking b"
                " JOIN service_request r ON r.id = b.id JOIN consultation_slot s ON s.id = b.slot_id"
                " WHERE r.reference = :reference"
            ),
            {"reference": reference},
        ).one()
        # SQLite hands raw timestamps back as text; PostgreSQL as datetimes.
        old_start, old_end = (
            datetime.fromisoformat(v) if isinstance(v, str) else v for v in (old_start, old_end)
        )
        ends = starts + (old_end - old_start)
        connection.execute(
            text("UPDATE consultation_slot SET starts_at = :starts, ends_at = :ends WHERE id = :id"),
            {"starts": starts, "ends": ends, "id": slot_id},
        )
        connection.execute(
            text("UPDATE consultation_booking SET starts_at = :starts WHERE id = :id"),
            {"starts": starts, "id": booking_id},
        )
