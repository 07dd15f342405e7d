"""Default settings; instance/config.py and the environment override them."""

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    """Settings that are safe everywhere; secrets come from outside."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(PROJECT_ROOT / "instance" / "portal.sqlite3")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # County the portal serves: the data (townships, service points) comes from the database.
    COUNTY_NAME_KEY = "Changsha County Justice Bureau"
    COUNTY_HOTLINE = "12348"

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = ("zh_Hans", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)
    STAFF_IDLE_TIMEOUT = timedelta(minutes=30)

    WTF_CSRF_TIME_LIMIT = None  # long forms take time; the session bounds the token anyway

    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT = timedelta(minutes=15)
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_LOGIN = "20 per minute"
    RATELIMIT_TRACK = "30 per minute"
    RATELIMIT_HEADERS_ENABLED = False

    UPLOAD_FOLDER = str(PROJECT_ROOT / "instance" / "uploads")
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    UPLOAD_MAX_FILES = 5
    UPLOAD_MAX_PIXELS = 60_000_000
    # Five files of 10 MB plus the form itself.
    MAX_CONTENT_LENGTH = 5 * 10 * 1024 * 1024 + 1024 * 1024

    NOTIFICATION_BACKEND = "portal.core.notifications:LogSender"
    NOTIFICATION_MAX_ATTEMPTS = 6
    SMS_SIGNATURE = "【长沙县司法局】"

    # Legal aid (SPEC §3). Hunan practice: twice the local minimum living standard per person.
    LEGAL_AID_DECISION_DAYS = 7
    LEGAL_AID_ASSIGN_DAYS = 3
    LEGAL_AID_DAYS_KIND = "calendar"  # or "working"; local rules differ
    LEGAL_AID_MATERIALS_ANSWER_DAYS = 30
    LEGAL_AID_OBJECTION_DAYS = 5
    MINIMUM_LIVING_STANDARD_MONTHLY = 930
    HARDSHIP_MULTIPLIER = 2

    QUEUE_PAGE_SIZE = 20
    QUEUE_COUNT_CAP = 1000
    EXPORT_MAX_ROWS = 50_000

    DEMO_MODE = False


def settings_from_environment() -> dict:
    """Read the settings that deployments pass as environment variables."""
    settings: dict = {}
    if url := os.environ.get("DATABASE_URL"):
        # Hosting platforms hand out postgres://; SQLAlchemy wants the driver named.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        settings["SQLALCHEMY_DATABASE_URI"] = url
    for name in ("SECRET_KEY", "RATELIMIT_STORAGE_URI", "NOTIFICATION_BACKEND", "UPLOAD_FOLDER"):
        if value := os.environ.get(name):
            settings[name] = value
    if os.environ.get("PORTAL_INSECURE_COOKIES") == "1":
        settings["SESSION_COOKIE_SECURE"] = False
        settings["REMEMBER_COOKIE_SECURE"] = False
    if os.environ.get("PORTAL_DEMO") == "1":
        settings["DEMO_MODE"] = True
    return settings
