"""Every setting in DefaultConfig can be set from an environment variable of the same name."""

from datetime import timedelta

import pytest

from portal.config import DefaultConfig, settings_from_environment

SETTINGS = [name for name in dir(DefaultConfig) if name.isupper()]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Start from an environment that sets none of the settings."""
    for name in [*SETTINGS, "DATABASE_URL", "PORTAL_INSECURE_COOKIES", "PORTAL_DEMO"]:
        monkeypatch.delenv(name, raising=False)


def test_nothing_set_reads_nothing():
    assert settings_from_environment() == {}


@pytest.mark.parametrize("raw", ["1", "true", "Yes", " ON "])
def test_bool_true(monkeypatch, raw):
    monkeypatch.setenv("RATELIMIT_HEADERS_ENABLED", raw)
    assert settings_from_environment()["RATELIMIT_HEADERS_ENABLED"] is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "OFF"])
def test_bool_false(monkeypatch, raw):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", raw)
    assert settings_from_environment()["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("raw", ["2", "enabled", "tru"])
def test_bad_bool_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("DEMO_MODE", raw)
    with pytest.raises(ValueError, match="DEMO_MODE"):
        settings_from_environment()


def test_int(monkeypatch):
    monkeypatch.setenv("QUEUE_PAGE_SIZE", "50")
    value = settings_from_environment()["QUEUE_PAGE_SIZE"]
    assert value == 50 and type(value) is int


@pytest.mark.parametrize("raw", ["fifty", "2.5"])
def test_bad_int_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("QUEUE_PAGE_SIZE", raw)
    with pytest.raises(ValueError, match="QUEUE_PAGE_SIZE"):
        settings_from_environment()


def test_float(monkeypatch):
    # No float setting exists yet, so add one for the test.
    monkeypatch.setattr(DefaultConfig, "SOME_RATIO", 0.5, raising=False)
    monkeypatch.setenv("SOME_RATIO", "2.25")
    assert settings_from_environment()["SOME_RATIO"] == 2.25


def test_timedelta_is_seconds(monkeypatch):
    monkeypatch.setenv("STAFF_IDLE_TIMEOUT", "1800")
    assert settings_from_environment()["STAFF_IDLE_TIMEOUT"] == timedelta(minutes=30)


def test_bad_timedelta_names_the_variable(monkeypatch):
    monkeypatch.setenv("LOGIN_LOCKOUT", "15m")
    with pytest.raises(ValueError, match="LOGIN_LOCKOUT"):
        settings_from_environment()


def test_tuple_is_comma_separated(monkeypatch):
    monkeypatch.setenv("CAPABILITIES", " portal.legal_aid, portal.advisers,, ")
    assert settings_from_environment()["CAPABILITIES"] == ("portal.legal_aid", "portal.advisers")


def test_dict_is_json(monkeypatch):
    monkeypatch.setenv("SQLALCHEMY_ENGINE_OPTIONS", '{"pool_size": 10, "pool_pre_ping": true}')
    assert settings_from_environment()["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_size": 10,
        "pool_pre_ping": True,
    }


@pytest.mark.parametrize("raw", ["pool_size=10", "[1, 2]"])
def test_bad_dict_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("SQLALCHEMY_ENGINE_OPTIONS", raw)
    with pytest.raises(ValueError, match="SQLALCHEMY_ENGINE_OPTIONS"):
        settings_from_environment()


def test_str_and_none_default_are_strings(monkeypatch):
    monkeypatch.setenv("COUNTY_HOTLINE", "0731-12348")
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    settings = settings_from_environment()
    assert settings["COUNTY_HOTLINE"] == "0731-12348"
    assert settings["SECRET_KEY"] == "s3cret"


def test_annotation_types_a_none_default(monkeypatch):
    monkeypatch.setenv("WTF_CSRF_TIME_LIMIT", "3600")
    assert settings_from_environment()["WTF_CSRF_TIME_LIMIT"] == 3600


def test_empty_value_is_ignored(monkeypatch):
    monkeypatch.setenv("QUEUE_PAGE_SIZE", "")
    assert settings_from_environment() == {}


def test_settings_outside_default_config_are_not_read(monkeypatch):
    monkeypatch.setenv("PASSWORD_HASH_METHOD", "plain")
    assert settings_from_environment() == {}


@pytest.mark.parametrize("name", SETTINGS)
def test_every_setting_has_a_conversion(monkeypatch, name):
    """A default of a type with no rule would fail only once someone sets it: fail here instead."""
    monkeypatch.setenv(name, "1")
    try:
        assert name in settings_from_environment()
    except ValueError:
        pass  # a rule that cannot read "1" (a dict) is fine; a TypeError (no rule) is not


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://portal@db/portal", "postgresql+psycopg://portal@db/portal"),
        ("postgresql://portal@db/portal", "postgresql+psycopg://portal@db/portal"),
        ("postgresql+psycopg://portal@db/portal", "postgresql+psycopg://portal@db/portal"),
        ("sqlite:////tmp/portal.sqlite3", "sqlite:////tmp/portal.sqlite3"),
    ],
)
def test_database_url(monkeypatch, url, expected):
    monkeypatch.setenv("DATABASE_URL", url)
    assert settings_from_environment() == {"SQLALCHEMY_DATABASE_URI": expected}


def test_sqlalchemy_database_uri_wins_over_database_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://platform@db/portal")
    monkeypatch.setenv("SQLALCHEMY_DATABASE_URI", "sqlite:////srv/portal.sqlite3")
    assert settings_from_environment()["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/portal.sqlite3"


def test_shorthands(monkeypatch):
    monkeypatch.setenv("PORTAL_INSECURE_COOKIES", "1")
    monkeypatch.setenv("PORTAL_DEMO", "1")
    assert settings_from_environment() == {
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "DEMO_MODE": True,
    }


def test_shorthands_need_exactly_1(monkeypatch):
    monkeypatch.setenv("PORTAL_INSECURE_COOKIES", "true")
    monkeypatch.setenv("PORTAL_DEMO", "yes")
    assert settings_from_environment() == {}


def test_create_app_reads_the_environment(monkeypatch, tmp_path):
    from portal import create_app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "portal.sqlite3"))
    monkeypatch.setenv("UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setenv("QUEUE_PAGE_SIZE", "7")
    app = create_app()
    assert app.config["QUEUE_PAGE_SIZE"] == 7 and type(app.config["QUEUE_PAGE_SIZE"]) is int
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(tmp_path / "portal.sqlite3")
    assert (tmp_path / "uploads").is_dir()


def test_create_app_refuses_a_bad_setting(monkeypatch, tmp_path):
    from portal import create_app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "maybe")
    with pytest.raises(ValueError, match="SESSION_COOKIE_SECURE"):
        create_app()
