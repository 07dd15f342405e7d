"""The portal as deployed, for journey tests (issue #27).

`deployed` is an app with the production settings the other fixtures switch off: the SMS
code on (read from the outbox, as a phone receives it), rate limits on (a memory://
storage of this app's own, each client its own address, each test its own mobiles),
staff two-factor on (real TOTP), Secure cookies over https://localhost, CSRF on with the
Referer a browser sends. Only `TESTING` stays on, for the movable clock and tracebacks.

Use it as a fixture (`def test_x(deployed, browser): ...`); `browser()` opens a new
browser with its own client address.
"""

import contextvars
import html as html_module
import itertools
import re
from datetime import UTC

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import create_app
from portal.core.clock import move_clock, utcnow
from portal.core.models import OutboxMessage
from portal.extensions import db

from support import PASSWORD

BASE_URL = "https://localhost"
#: The settings journeys turn on (README, "Tests").
AS_DEPLOYED = {
    "MOBILE_VERIFICATION": True,
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "STAFF_TWO_FACTOR": True,
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_SECURE": True,
    "WTF_CSRF_ENABLED": True,
    "PREFERRED_URL_SCHEME": "https",
}
_addresses = itertools.count(1)
_mobiles = itertools.count(1)
HIDDEN = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>")


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return html_module.unescape(found.group(1)) if found else None


def hidden_inputs(page: str, form_id: str | None = None) -> dict:
    """The hidden inputs a browser sends with the form `form_id` (those inside it and those
    tied to it by a form= attribute); without an id, the first POST form of the page's main part."""
    if form_id is None:
        main = page[page.find("<main") :]
        match = re.search(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", main, re.S)
        body, outside = (match.group(1) if match else ""), ""
    else:
        match = re.search(rf"<form\b[^>]*id=\"{form_id}\"[^>]*>(.*?)</form>", page, re.S)
        body = match.group(1) if match else ""
        outside = page
    data: dict = {}
    for tag in HIDDEN.findall(body):
        if attribute(tag, "form") is None:
            data.setdefault(attribute(tag, "name"), []).append(attribute(tag, "value") or "")
    for tag in HIDDEN.findall(outside):
        if form_id and attribute(tag, "form") == form_id:
            data.setdefault(attribute(tag, "name"), []).append(attribute(tag, "value") or "")
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def form_action(page: str, form_id: str) -> str | None:
    match = re.search(rf"<form\b[^>]*id=\"{form_id}\"[^>]*>", page)
    return attribute(match.group(0), "action") if match else None


class Browser(FlaskClient):
    """A browser over https: its own client address, the Referer and Origin of the page
    it is on, each request in a fresh context (as in a real server)."""

    page_url = BASE_URL + "/"
    last_html = ""

    def open(self, *args, **kwargs):
        db.session.commit()
        kwargs.setdefault("buffered", True)
        headers = dict(kwargs.pop("headers", None) or {})
        method = kwargs.get("method", "GET")
        if method == "POST":
            headers.setdefault("Referer", self.page_url)
            headers.setdefault("Origin", BASE_URL)
        kwargs["headers"] = headers
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if response.mimetype == "text/html":
            self.last_html = response.get_data(as_text=True)
        return response

    def visit(self, path: str):
        """GET a page (following redirects) and stay on it."""
        response = self.get(path)
        for _hop in range(10):  # followed here: each request in its own context, as in open()
            if response.status_code not in (301, 302, 303, 307, 308):
                break
            path = response.headers["Location"].removeprefix(BASE_URL)
            response = self.get(path)
        self.page_url = BASE_URL + response.request.full_path.rstrip("?")
        return response

    def send(self, form_id: str | None, answers: dict, *, press: dict | None = None, **kwargs):
        """Send the form `form_id` of the page this browser is on: its hidden inputs, the
        typed `answers` and the pressed button `press` (as a browser does)."""
        page = self.last_html
        data = {**hidden_inputs(page, form_id), **answers, **(press or {})}
        action = (form_action(page, form_id) if form_id else None) or self.page_url
        return self.post(action, data=data, **kwargs)


def new_mobile() -> str:
    """A mobile number no other test of this run uses."""
    return f"1370{next(_mobiles):07d}"


def code_sent_to(mobile: str) -> str:
    """The latest code texted to `mobile`, read from the outbox as the phone shows it."""
    body = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == mobile).order_by(OutboxMessage.id.desc())
    ).first()
    assert body, f"no text message to {mobile}"
    return re.search(r"\d{6}", body).group(0)


def texts_to(mobile: str) -> int:
    return len(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.recipient == mobile)).all())


@pytest.fixture
def deployed(app):
    """The app as deployed, on the database the `app` fixture emptied and seeded."""
    config = {
        key: app.config[key]
        for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "UPLOAD_FOLDER", "PASSWORD_HASH_METHOD")
    }
    application = create_app({"TESTING": True, **config, **AS_DEPLOYED})
    with application.app_context():
        yield application
        move_clock(None)
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def browser(deployed):
    """browser(): a new browser with a client address of its own."""

    def open_browser() -> Browser:
        deployed.test_client_class = Browser
        client = deployed.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{next(_addresses) % 250 + 1}"
        client.environ_base["wsgi.url_scheme"] = "https"
        return client

    return open_browser


def staff_signed_in(browser_factory, username: str, password: str = PASSWORD) -> Browser:
    """A staff browser signed in with the password and a real TOTP code (enrolled now)."""
    staff = browser_factory()
    staff.visit("/staff/login")
    step = staff.send(None, {"login": username, "password": password})
    assert step.status_code == 302, step.get_data(as_text=True)[:1000]
    page = staff.visit(step.headers["Location"]).get_data(as_text=True)
    secret = re.search(r'class="totp-key">([A-Z2-7]+)<', page).group(1)
    # The code of the portal's clock (it may have been moved), as the server checks it.
    done = staff.send(None, {"code": pyotp.TOTP(secret).at(utcnow().replace(tzinfo=UTC))})
    assert done.status_code == 200, done.get_data(as_text=True)[:1000]
    return staff
