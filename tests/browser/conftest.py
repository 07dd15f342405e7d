"""Real-browser tests: gunicorn serving the real app, Debian's Chromium driven by Playwright.

The server runs on a free loopback port against a fresh database (a temporary SQLite
file, or a fresh PostgreSQL database on the server of PORTAL_TEST_DATABASE_URL), made by
the real `flask init-db` and `flask seed-demo` commands. Every test gets its own browser
contexts; the last state of every page a test opened is saved as a screenshot under
test-artifacts/screenshots/ (git-ignored), whether the test passed or not.

Labels are looked up in the compiled message catalogues, exactly as the server does, so
the same journey reads "Apply for legal aid" in English and its translation in Chinese.

Run: `make test` (everything), or `.venv/bin/pytest tests/browser` (this suite only;
`-m "not browser"` leaves it out). With PORTAL_TEST_DATABASE_URL set, the server gets a
database of its own on that PostgreSQL server. Needs /usr/bin/chromium (Debian's
package; `make browsers` installs it as root); without it every test here is skipped.
Never run `playwright install`: the browser is the system's.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None
    # Nothing here can be imported or run: say why in the header instead of erroring.
    collect_ignore_glob = ["test_*.py"]
else:
    from .as_deployed import SERVERS
    from .browser_steps import DESKTOP, LOCKOUT_USER, OFFICER, ZH, sign_in, write_pdf

BROWSER_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BROWSER_DIR.parent.parent
VENV_BIN = Path(sys.executable).parent
SCREENSHOT_DIR = PROJECT_ROOT / "test-artifacts" / "screenshots"
AXE_SOURCE_PATH = PROJECT_ROOT / "tests" / "vendor" / "axe.min.js"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Playwright's own waits: generous for a 2-core CI machine, short enough to fail fast.
DEFAULT_TIMEOUT_MS = 10_000


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (`make browsers` as root, or apt-get install chromium)"
    return None


def pytest_report_header(config):
    reason = _skip_reason()
    return f"browser tests: skipped, {reason}" if reason else f"browser tests: {CHROMIUM} via Playwright"


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests, with the reason, where Chromium or Playwright is missing."""
    reason = _skip_reason()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).parents:
            item.add_marker(skip)


# --------------------------------------------------------------------------- labels


class Labels:
    """gettext over the compiled catalogue the server uses: T("Sign in") in that language."""

    def __init__(self, locale: str):
        from babel.support import Translations

        self.locale = locale
        self._translations = Translations.load(
            str(PROJECT_ROOT / "translations"), [locale], domain="messages"
        )

    def __call__(self, message: str) -> str:
        return self._translations.gettext(message)

    def is_translated(self, message: str) -> bool:
        return self(message) != message


@pytest.fixture(scope="session")
def labels():
    """labels("en") / labels("zh_Hans") -> a gettext function for that language."""
    cache: dict[str, Labels] = {}

    def get(locale: str) -> Labels:
        if locale not in cache:
            cache[locale] = Labels(locale)
        return cache[locale]

    return get


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    upload_folder: Path
    log_path: Path
    process: subprocess.Popen | None = None
    env: dict = field(default_factory=dict)
    #: The suite's authenticator: username -> TOTP key read at enrolment, and the last
    #: time step used (the server refuses a code at or before it).
    totp: dict = field(default_factory=dict)
    totp_last_step: dict = field(default_factory=dict)
    engine: object = None  # an SQLAlchemy engine on database_url, to read the outbox

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


class PostgresDatabase:
    """A throw-away database on the server of PORTAL_TEST_DATABASE_URL.

    The unit tests' conftest drops and recreates schema public of that database, so the
    browser tests never share it: they get their own database, dropped afterwards.
    """

    def __init__(self, admin_url: str):
        from sqlalchemy.engine import make_url

        url = make_url(admin_url)
        self.admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.name = "portal_browser_" + secrets.token_hex(6)
        self.url = url.set(drivername="postgresql+psycopg", database=self.name).render_as_string(
            hide_password=False
        )

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True) as connection:
            connection.execute(sql)

    def create(self) -> None:
        self._execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _run_flask(env: dict, *args: str) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "portal", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"`flask {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}", pytrace=False)


def _wait_for_health(server: LiveServer, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    last_error: object = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.base_url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200 and json.load(response).get("database") == "ok":
                    return
        except (urllib.error.URLError, OSError, ValueError) as error:
            last_error = error
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not become healthy ({last_error!r}). Log:\n{server.log_tail()}", pytrace=False)


def _no_control_socket() -> list[str]:
    """gunicorn 27 opens a control socket in ~/.gunicorn by default, shared by every
    gunicorn of the user (the benchmarks', a developer's): this one does without."""
    import gunicorn

    return ["--no-control-socket"] if gunicorn.version_info >= (27, 0) else []


def _stop(process: subprocess.Popen) -> None:
    """Stop the gunicorn master we started (it stops its own workers)."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the process group of our own gunicorn only
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """gunicorn, 2 sync workers, serving a freshly built and seeded database."""
    with serving(tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="session")
def verifying_server(tmp_path_factory):
    """A second server as the local demo runs (PORTAL_DEMO=1): the log SMS backend, and the
    code shown in the marked demo notice (tests/browser/test_security_journeys.py)."""
    with serving(tmp_path_factory, PORTAL_DEMO="1") as server:
        yield server


@contextmanager
def serving(tmp_path_factory, **overrides: str):
    if _skip_reason():
        pytest.skip(_skip_reason())
    root = tmp_path_factory.mktemp("browser-server")
    postgres = None
    if admin_url := os.environ.get("PORTAL_TEST_DATABASE_URL"):
        postgres = PostgresDatabase(admin_url)
        postgres.create()
        database_url = postgres.url
    else:
        database_url = "sqlite:///" + str(root / "portal-browser.sqlite3")
    uploads = root / "uploads"
    uploads.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("PORTAL_DEMO", "RATELIMIT_STORAGE_URI", "NOTIFICATION_BACKEND", "FLASK_APP", "FLASK_DEBUG")
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="browser-tests-" + secrets.token_hex(16),
        PORTAL_INSECURE_COOKIES="1",
        UPLOAD_FOLDER=str(uploads),
        PYTHONUNBUFFERED="1",
        # As deployed: the SMS code on (as_deployed.py reads it from the outbox) and staff
        # two-factor on (the suite enrols each account and keeps its key).
        # Every journey submits from 127.0.0.1, often with the same mobile, and asks for a
        # code for it: the abuse limits (test_security_limits.py, test_security_mobile.py
        # cover them) would end the suite half-way, so only their numbers are raised.
        RATELIMIT_SUBMISSIONS_PER_ADDRESS="10000 per hour",
        RATELIMIT_SUBMISSIONS_PER_MOBILE="10000 per hour",
        RATELIMIT_SMS_PER_MOBILE="10000 per hour",
        RATELIMIT_SMS_PER_ADDRESS="10000 per hour",
    )
    env.update(overrides)
    port = _free_port()
    server = LiveServer(
        base_url=f"http://127.0.0.1:{port}",
        database_url=database_url,
        upload_folder=uploads,
        log_path=root / "gunicorn.log",
        env=env,
    )
    try:
        _run_flask(env, "init-db")
        _run_flask(env, "seed-demo")
        username, password = LOCKOUT_USER
        _run_flask(
            env,
            "create-user",
            "--username",
            username,
            "--password",
            password,
            "--role",
            "legal_aid_officer",
            "--name",
            "Lockout Test",
        )
        with server.log_path.open("wb") as log:
            server.process = subprocess.Popen(
                [
                    str(VENV_BIN / "gunicorn"),
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{port}",
                    "--graceful-timeout",
                    "5",
                    "--error-logfile",
                    "-",
                    *_no_control_socket(),
                    "portal:create_app()",
                ],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for_health(server)
        SERVERS[server.base_url] = server
        yield server
    finally:
        SERVERS.pop(server.base_url, None)
        if server.engine is not None:
            server.engine.dispose()
        if server.process is not None:
            _stop(server.process)
        if postgres is not None:
            postgres.drop()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser(live_server):
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _screenshot_name(nodeid_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid_name).strip("_")[:150]


@pytest.fixture
def new_context(request, browser: Browser, live_server: LiveServer):
    """new_context(language=None|"en"|"zh_Hans", javascript=True, bypass_csp=False, storage_state=None,
    viewport=DESKTOP).

    Each context starts on the app's base URL; `language` sets the remembered-language
    cookie as the header's language link would. Every page opened in these contexts is
    screenshotted when the test ends, pass or fail.
    """
    contexts: list[BrowserContext] = []
    pages: list[Page] = []
    problems: list[str] = []

    def factory(
        language: str | None = None,
        javascript: bool = True,
        bypass_csp: bool = False,
        storage_state: dict | None = None,
        viewport: dict | None = None,
    ) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.base_url,
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
            storage_state=storage_state,
            viewport=viewport or DESKTOP,
            locale="zh-CN",
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        # No internet here: anything not on the app is answered locally (see quick exit).
        context.route(lambda url: not url.startswith(live_server.base_url), _offline)
        if language:
            context.add_cookies([{"name": "lang", "value": language, "url": live_server.base_url}])
        context.on("page", lambda new_page: pages.append(new_page))
        # What no page may show: a script the CSP refused, a JavaScript error, a server error.
        context.on("console", lambda message: _csp_refusal(message, problems))
        context.on("weberror", lambda error: problems.append(f"JavaScript error: {error.error}"))
        context.on(
            "response",
            lambda response: (
                response.status >= 500
                and problems.append(f"HTTP {response.status} from {response.request.method} {response.url}")
            ),
        )
        contexts.append(context)
        return context

    yield factory

    name = _screenshot_name(request.node.name)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    live = [p for p in pages if not p.is_closed()]
    for index, page in enumerate(reversed(live)):
        suffix = "" if index == 0 else f"--{len(live) - index}"
        try:
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}{suffix}.png"), full_page=True, timeout=5000)
        except Exception as error:  # noqa: BLE001 - a screenshot must never hide the test's result
            print(f"screenshot of {name}{suffix} failed: {error}")
    for context in contexts:
        try:
            context.close()
        except Exception as error:  # noqa: BLE001
            print(f"closing a browser context failed: {error}")
    if problems:
        pytest.fail(
            "the browser saw problems:\n" + "\n".join(problems) + "\n" + live_server.log_tail(), pytrace=False
        )


def _csp_refusal(message, problems: list[str]) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        problems.append(f"CSP refusal on {message.location.get('url')}: {message.text}")


def _offline(route) -> None:
    route.fulfill(
        status=200,
        content_type="text/html; charset=utf-8",
        body="<!doctype html><title>offline</title><p>Blocked by the browser tests.</p>",
    )


@pytest.fixture
def page(new_context) -> Page:
    """A page in a fresh context with the portal's default language (Chinese)."""
    return new_context().new_page()


@pytest.fixture(scope="session")
def officer_state(browser: Browser, live_server: LiveServer, labels) -> dict:
    """The cookies of a signed-in demo officer, for tests that only read staff pages."""
    context = browser.new_context(base_url=live_server.base_url)
    try:
        page = context.new_page()
        page.goto("/staff/login")
        sign_in(page, labels(ZH), *OFFICER)
        page.wait_for_url("**/staff/")
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SOURCE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def pdf_file(tmp_path) -> Path:
    """A tiny but valid one-page PDF."""
    return write_pdf(tmp_path / "evidence.pdf", "Pay slips")
