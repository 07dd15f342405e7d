"""Startup checks that need the app: templates the kinds include, and SMS template codes.

`create_app` runs them after the registry's own checks (`build_registry`, `check_endpoints`);
each refuses to start with a `DeclarationError` that names what is missing and where.
"""

from jinja2 import TemplateNotFound

from portal.core.registry import REGISTRY_KEY, DeclarationError, Registry, RequestKind

#: Template keys the core sends whatever the capabilities (README, Messages).
CORE_MESSAGE_KEYS = (
    "staff_message",  # portal.core.services.STAFF_MESSAGE
    "free_text",  # portal.core.notifications.FREE_TEXT (e.g. the answer to a rating)
    "verification_code",
    "password_reset_code",
    "mobile_changed",
)
#: The SMS backend that only writes to the log: it needs no template codes.
LOG_BACKEND_SUFFIX = ":LogSender"


def kind_templates(kind: RequestKind) -> list[str]:
    return [t for t in (kind.detail_template, kind.public_template, kind.party_template) if t]


def check_partial_templates(app) -> None:
    """Every partial template a kind declares exists (the detail and tracking pages include them)."""
    loader = app.jinja_env.loader
    for kind in app.extensions[REGISTRY_KEY].kinds.values():
        for name in kind_templates(kind):
            try:
                loader.get_source(app.jinja_env, name)
            except TemplateNotFound:
                raise DeclarationError(
                    f"request kind {kind.code!r} declares a missing template {name!r}"
                ) from None


def kind_message_keys(kind: RequestKind) -> set[str]:
    """The template keys of a kind's workflow notices (`portal.core.services.template_key`)."""
    keys = {f"{kind.code}.submitted"} if kind.workflow.submitted_notice else set()
    for transition in kind.workflow.transitions:
        if transition.public and transition.notice:
            keys.add(f"{kind.code}.{transition.action}")
        if transition.party_notice:
            keys.add(f"{kind.code}.{transition.action}.party")
    return keys


def message_keys(registry: Registry) -> set[str]:
    """Every template key this deployment may send: the core's, each kind's and each capability's."""
    keys = set(CORE_MESSAGE_KEYS)
    for capability in registry.capabilities:
        keys.update(capability.message_keys)
        for kind in capability.kinds:
            keys |= kind_message_keys(kind)
    return keys


def sends_real_texts(config) -> bool:
    """Production with an SMS backend that sends (not the tests, the demo or the log)."""
    if config.get("TESTING") or config.get("DEBUG") or config.get("DEMO_MODE"):
        return False
    return not str(config.get("NOTIFICATION_BACKEND", "")).endswith(LOG_BACKEND_SUFFIX)


def check_sms_template_codes(app) -> None:
    """In production, every message key has a template code in SMS_TEMPLATE_CODES (in the
    default language at least): a missing one would fail each such text at sending time."""
    config = app.config
    if not sends_real_texts(config):
        return
    codes = config.get("SMS_TEMPLATE_CODES") or {}
    default = config["BABEL_DEFAULT_LOCALE"]

    def has_code(key: str) -> bool:
        code = codes.get(key)
        return bool(code.get(default) if isinstance(code, dict) else code)

    missing = sorted(k for k in message_keys(app.extensions[REGISTRY_KEY]) if not has_code(k))
    if missing:
        raise DeclarationError(
            f"SMS_TEMPLATE_CODES has no template code for {missing} "
            f"(register a template with the gateway for each and map the key to its code)"
        )


def check_app(app) -> None:
    check_partial_templates(app)
    check_sms_template_codes(app)
