"""The app refuses to start on a declaration the pages would fail on later (portal.core.checks).

Each check is shown once on a broken declaration (the capability as shipped, one field
changed) and once passing; removing the check makes its first test red.
"""

import dataclasses

import pytest

from portal import create_app
from portal.core import registry
from portal.core.checks import CORE_MESSAGE_KEYS, kind_message_keys, message_keys
from portal.core.registry import REGISTRY_KEY, DeclarationError

GATEWAY = "portal.core.messaging.sms_gateway:HttpSmsGateway"


def settings(tmp_path, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "startup-check-key",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "unused.sqlite3"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        **overrides,
    }


def production(tmp_path, **overrides) -> dict:
    """Settings as deployed: not testing, not the demo, texts through a gateway."""
    return settings(tmp_path, **{"TESTING": False, "NOTIFICATION_BACKEND": GATEWAY, **overrides})


@pytest.fixture
def change_kind(monkeypatch):
    """Load the shipped capabilities with one field of one kind changed."""

    def change(code: str, **changes):
        load = registry.load_capability

        def changed(package):
            capability = load(package)
            kinds = tuple(
                dataclasses.replace(k, **changes) if k.code == code else k for k in capability.kinds
            )
            return dataclasses.replace(capability, kinds=kinds)

        monkeypatch.setattr(registry, "load_capability", changed)

    return change


def test_a_model_with_another_type_code_refuses_to_start(tmp_path, change_kind):
    """Mutant caught: `_check_model_code` not called (mediations would be stored as health checks)."""
    from portal.health_checks.models import HealthCheck

    change_kind("MD", model=HealthCheck)
    with pytest.raises(DeclarationError, match="'MD'.*HealthCheck has the type code 'HC'"):
        create_app(settings(tmp_path))


@pytest.mark.parametrize("field", ["detail_template", "public_template", "party_template"])
def test_a_missing_partial_template_refuses_to_start(tmp_path, change_kind, field):
    """Mutant caught: `check_partial_templates` not called (the detail or tracking page would 500)."""
    change_kind("MD", **{field: "mediation/_no_such_partial.html"})
    with pytest.raises(
        DeclarationError, match="'MD' declares a missing template 'mediation/_no_such_partial.html'"
    ):
        create_app(settings(tmp_path))


def test_the_shipped_declarations_start(tmp_path):
    app = create_app(settings(tmp_path))
    assert set(app.extensions[REGISTRY_KEY].kinds) == {"LA", "CB", "MD", "HC", "AC", "WQ"}


def all_codes(tmp_path) -> dict:
    app = create_app(settings(tmp_path))
    return {key: f"SMS_{n}" for n, key in enumerate(sorted(message_keys(app.extensions[REGISTRY_KEY])))}


def test_production_refuses_to_start_without_a_template_code_for_each_message(tmp_path):
    """Mutant caught: `check_sms_template_codes` not called, or one that ignores a missing key."""
    codes = all_codes(tmp_path)
    codes.pop("MD.accept.party")
    codes["LA.approve"] = {"en": "SMS_EN"}  # no code in the default language (Chinese)
    with pytest.raises(DeclarationError, match=r"\['LA.approve', 'MD.accept.party'\]"):
        create_app(production(tmp_path, SMS_TEMPLATE_CODES=codes))
    codes.update({"MD.accept.party": "SMS_P", "LA.approve": {"zh_Hans": "SMS_ZH", "en": "SMS_EN"}})
    assert create_app(production(tmp_path, SMS_TEMPLATE_CODES=codes))


@pytest.mark.parametrize(
    "overrides",
    [
        {"TESTING": True},
        {"DEMO_MODE": True},
        {"NOTIFICATION_BACKEND": "portal.core.notifications:LogSender"},
    ],
    ids=["tests", "demo", "log-only"],
)
def test_template_codes_are_not_asked_where_no_text_goes_to_a_gateway(tmp_path, overrides):
    """Mutant caught: the check run in every mode (the tests and the demo would not start)."""
    assert create_app(production(tmp_path, SMS_TEMPLATE_CODES={}, **overrides))


def test_the_message_keys_are_those_the_code_sends(tmp_path):
    """The keys come from the same declarations the senders use (a transition's notice, a
    capability's own reminders), and include the core's."""
    from portal.consultations.services import REMINDER_KEY
    from portal.core.notifications import FREE_TEXT
    from portal.core.services import STAFF_MESSAGE
    from portal.mediation.workflow import MEDIATION

    keys = set(all_codes(tmp_path))
    assert {STAFF_MESSAGE, FREE_TEXT} <= set(CORE_MESSAGE_KEYS) <= keys
    assert {REMINDER_KEY, "mediation.performance_check.party", "LA.submitted", "MD.accept.party"} <= keys
    assert kind_message_keys(MEDIATION) <= keys
