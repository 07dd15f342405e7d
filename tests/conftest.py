"""Fixtures: a real database (SQLite file, or PostgreSQL via PORTAL_TEST_DATABASE_URL),
the schema built by the real migrations, and an HTTP client that sends real CSRF tokens."""

import contextvars
import os
import re

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app
from portal.accounts.services import create_staff_user
from portal.core.identity import parse_resident_id
from portal.core.intake import ANSWERS_CHECKED
from portal.core.intake_fields import STEP_FIELD
from portal.core.services import submit
from portal.database import MIGRATIONS_DIR
from portal.demo import _seed_townships
from portal.extensions import db

from support import PASSWORD, VALID_ID

#: The app as deployed (SMS code, rate limits, two-factor, https, CSRF): tests/deployed.py.
pytest_plugins = ["deployed"]
POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
#: The public forms run as question pages (core.question_pages): their entry addresses.
PAGED_FORMS = ("/legal-aid/apply", "/health-checks/request", "/mediation/apply")
CSRF_PATTERN = re.compile(r'name="(?:[\w]+-)?csrf_token"[^>]*value="([^"]+)"')


def _is_file(value) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_is_file(v) for v in value)
    return isinstance(value, tuple) and hasattr(value[0], "read")


def _read(value):
    return [_read(v) for v in value] if isinstance(value, list) else (value[0].read(), *value[1:])


def _with_files(data: dict, files: dict) -> dict:
    """`data` with each file given afresh (a posted stream is read once)."""
    from io import BytesIO

    def fresh(read):
        return [fresh(r) for r in read] if isinstance(read, list) else (BytesIO(read[0]), *read[1:])

    return {k: (fresh(files[k]) if k in files else v) for k, v in data.items()}


def is_postgres() -> bool:
    return bool(POSTGRES_URL)


def worker_database_url(url: str, worker: str | None) -> str:
    """Give each pytest-xdist worker a PostgreSQL database of its own (test_gw0, test_gw1...).

    The schema fixture drops and rebuilds `public` and every test truncates every table, so two
    workers on one database would destroy each other's data. The database is created on first use.
    """
    if not worker:
        return url
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if POSTGRES_URL:
        return worker_database_url(POSTGRES_URL, os.environ.get("PYTEST_XDIST_WORKER"))
    # Under pytest-xdist each worker has a base temporary folder of its own, so its own file.
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal-test.sqlite3")


def app_config(database_url: str, upload_folder) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(upload_folder),
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # production keeps scrypt; tests need speed
        "MOBILE_VERIFICATION": False,  # on only in its own tests (test_security_mobile.py)
        "STAFF_TWO_FACTOR": False,  # on only in its own tests (test_security_totp.py)
    }


@pytest.fixture(scope="session")
def schema(database_url, tmp_path_factory):
    """Build the schema once per run with the real Alembic migrations."""
    app = create_app(app_config(database_url, tmp_path_factory.mktemp("uploads")))
    with app.app_context():
        if is_postgres():
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        upgrade(directory=MIGRATIONS_DIR)
        db.session.remove()
        db.engine.dispose()
    return database_url


def empty_all_tables() -> None:
    tables = db.metadata.sorted_tables
    if is_postgres():
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(schema, tmp_path):
    """A fresh app on an emptied database with the county's townships loaded."""
    application = create_app(app_config(schema, tmp_path / "uploads"))
    with application.app_context():
        empty_all_tables()
        _seed_townships()
        db.session.commit()
        yield application
        db.session.remove()
        db.engine.dispose()


class PortalClient(FlaskClient):
    """The Flask test client, each request in a context of its own, plus CSRF-aware posting.

    The `app` fixture keeps an application context open for the test's own database
    work; Flask would reuse it for client requests (sharing `g`, the signed-in user and
    the SQLAlchemy session between "browsers"). Running each request in an empty
    contextvars.Context gives it a fresh app context, as in a real server.
    """

    def open(self, *args, **kwargs):
        db.session.commit()  # end the test's own transaction so the request sees and may write
        kwargs.setdefault("buffered", True)  # streamed bodies are read inside that context too
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self, page: str) -> str:
        html = self.get(page).get_data(as_text=True)
        match = CSRF_PATTERN.search(html)
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def submit(
        self, page: str, data: dict, action: str | None = None, *, answers_checked: bool = True, **kwargs
    ):
        """GET `page`, take its CSRF token, POST `data` to `action` (default: the page).

        Forms rendered with a prefix (one per action) carry `<prefix>-csrf_token`. A public
        form's data goes as its check-your-answers page sends it (`answers_checked`), so
        that a valid form is submitted at once; tests of that page pass False.
        """
        token = self.csrf_token(page)
        prefixes = {key.split("-", 1)[0] for key in data if "-" in key}
        if action:
            prefixes.add(action.rstrip("/").rsplit("/", 1)[-1])
        if answers_checked:
            data = {ANSWERS_CHECKED: "1", **data}
        data = dict(data, csrf_token=token, **{f"{p}-csrf_token": token for p in prefixes})
        files = {name: _read(value) for name, value in data.items() if _is_file(value)}
        sent = _with_files(data, files)
        response = self.post(action or page, data=sent, **kwargs)
        return self.through_pages(action or page, data, files, response, answers_checked, **kwargs)

    def through_pages(self, url: str, data: dict, files: dict, response, answers_checked: bool, **kwargs):
        """A form run as question pages (core.question_pages) answers a valid page with the
        next page: the same answers go to each page in turn, then to its check page."""
        base = url.split("?")[0].rstrip("/")
        if not base.startswith(PAGED_FORMS):
            return response
        base = next(entry for entry in PAGED_FORMS if base.startswith(entry))
        for _page in range(40):
            location = response.headers.get("Location", "") if response.status_code == 303 else ""
            if not location.split("?")[0].startswith(base + "/"):
                return response
            if location.split("?")[0].endswith("/check"):
                check = self.get(location)
                if check.status_code == 303:  # a page not answered yet: answer it, then back
                    response = check
                    continue
                if not answers_checked:
                    return check
                sent = {STEP_FIELD: "check", ANSWERS_CHECKED: "1", "csrf_token": data["csrf_token"]}
                return self.post(location, data=sent)
            response = self.post(location, data=_with_files(data, files), **kwargs)
        return response

    def sign_in(self, login: str, password: str = PASSWORD):
        response = self.submit("/account/login", {"login": login, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def sign_out(self):
        return self.submit("/", {}, action="/account/logout")


@pytest.fixture
def client(app):
    app.test_client_class = PortalClient
    return app.test_client()


@pytest.fixture
def make_client(app):
    """Another independent browser session (e.g. a second officer)."""
    app.test_client_class = PortalClient
    return app.test_client


@pytest.fixture
def make_staff(app):
    """Create a staff account: make_staff("officer", "legal_aid_officer")."""

    def factory(username: str, *roles: str, name: str | None = None):
        user = create_staff_user(username, PASSWORD, roles, name or username.title())
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_application(app):
    """Create a submitted legal aid application directly through the workflow service."""
    from portal.core.clock import utcnow
    from portal.core.models import Township
    from portal.legal_aid import workflow  # noqa: F401
    from portal.legal_aid.models import LegalAidApplication

    def factory(**overrides):
        parsed = parse_resident_id(overrides.pop("id_number", VALID_ID))
        township = db.session.scalars(db.select(Township).order_by(Township.sort_order)).first()
        fields = {
            "applicant_name": "周建国",
            "applicant_mobile": "13900000011",
            "township_id": township.id,
            "id_number": parsed.number,
            "gender": parsed.gender,
            "birth_date": parsed.birth_date,
            "address": "长沙县星沙街道",
            "matter_type": "labour",
            "stage": "arbitration",
            "facts": "包工头拖欠工资共计三万六千元，多次讨要未果。",
            "household_size": 3,
            "monthly_income": 2400,
            "pledge_accepted_at": utcnow(),
            "consent_accepted_at": utcnow(),
        }
        user = overrides.pop("user", None)
        locale = overrides.pop("locale", "zh_Hans")
        fields.update(overrides)
        application = LegalAidApplication(**fields)
        submit(application, user=user, locale=locale)
        db.session.commit()
        return application

    return factory


class MovableClock:
    """The portal's clock in a test: `clock(timedelta(minutes=20))` or
    `clock.travel(timedelta(minutes=20))` moves every `utcnow()`; `clock.utcnow()` reads it."""

    def __call__(self, by):
        from portal.core.clock import move_clock

        move_clock(by)

    travel = __call__

    @staticmethod
    def utcnow():
        from portal.core.clock import utcnow

        return utcnow()


@pytest.fixture
def clock(app):
    """The portal's movable clock (only when TESTING), put back to the real time after."""
    from portal.core.clock import move_clock

    yield MovableClock()
    move_clock(None)
