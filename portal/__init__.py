"""Public Legal Services Portal (公共法律服务平台): the application factory."""

from pathlib import Path

from flask import Flask

from portal.config import PROJECT_ROOT, DefaultConfig, settings_from_environment


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure one portal application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, test_config)

    from portal import database, errors, i18n, security, static_files, templating
    from portal.cli import register_cli
    from portal.core import storage
    from portal.extensions import db
    from portal.reports.changes import track_report_months

    register_capabilities(app)
    database.register(app)
    track_report_months(db.session)  # the report's months, bumped by the portal's own session
    i18n.register(app)
    security.register(app)
    templating.register(app)
    static_files.register(app)
    errors.register(app)
    storage.register(app)
    register_blueprints(app)
    register_cli(app)
    check_capabilities(app)
    return app


def load_config(app: Flask, test_config: dict | None) -> None:
    """Layer defaults, instance/config.py, the environment and test overrides."""
    app.config.from_object(DefaultConfig)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(settings_from_environment())
    else:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing or app.config.get("DEMO_MODE"):
            # Only the local demo and tests may run on a throwaway key.
            app.config["SECRET_KEY"] = "local-demo-key-not-for-production"  # noqa: S105
        else:
            raise RuntimeError("SECRET_KEY is not set: set it in the environment or instance/config.py")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def register_capabilities(app: Flask) -> None:
    """Load the declarations of the enabled capabilities (the CAPABILITIES setting)."""
    from portal.accounts.roles import Role
    from portal.core.registry import REGISTRY_KEY, build_registry

    app.extensions[REGISTRY_KEY] = build_registry(app.config["CAPABILITIES"], core_roles=tuple(Role))


def register_blueprints(app: Flask) -> None:
    """Mount the shared blueprints, then each enabled capability's own."""
    from portal.accounts import (
        own_account,  # noqa: F401  (its routes are on the accounts blueprint)
        verification,
    )
    from portal.accounts.views import bp as accounts_bp
    from portal.backoffice import (  # noqa: F401  (routes on the staff blueprint)
        actions,
        detail_views,
        mobile_change,
        queue_views,
        safe_contact,
    )
    from portal.backoffice.admin_views import bp as admin_bp
    from portal.backoffice.enterprise_admin import bp as enterprise_admin_bp
    from portal.backoffice.outbox import bp as outbox_bp
    from portal.backoffice.views import bp as backoffice_bp
    from portal.core import mobile_proof
    from portal.core.messaging.receipts import bp as sms_receipts_bp
    from portal.core.queue import RATING_CLAUSE_KEY
    from portal.core.registry import REGISTRY_KEY
    from portal.public import (  # noqa: F401  (their routes are on the public blueprint)
        drafts,
        find,
    )
    from portal.public.site import bp as site_bp
    from portal.public.views import bp as public_bp
    from portal.ratings.queue_filter import rating_clause
    from portal.ratings.views import bp as ratings_bp
    from portal.ratings.views import staff_bp as rating_follow_ups_bp
    from portal.reports.views import bp as reports_bp

    for blueprint in (
        public_bp,
        site_bp,
        accounts_bp,
        backoffice_bp,
        admin_bp,
        enterprise_admin_bp,
        outbox_bp,
        sms_receipts_bp,
        reports_bp,
        ratings_bp,
        rating_follow_ups_bp,
    ):
        app.register_blueprint(blueprint)
    # What the core owns as interfaces and the packages above it implement.
    app.extensions[RATING_CLAUSE_KEY] = rating_clause  # the queue's ratings filter
    app.extensions[mobile_proof.EXTENSION_KEY] = verification  # the intake's proof of a mobile
    for capability in app.extensions[REGISTRY_KEY].capabilities:
        for blueprint in capability.blueprints:
            give_template_context(blueprint, capability.template_context)
            app.register_blueprint(blueprint)


def give_template_context(blueprint, template_context) -> None:
    """The capability's declared template context, for the pages of its own blueprint only
    (blueprints are shared by the apps of one process: added once)."""
    processors = blueprint.template_context_processors[None]
    if template_context is not None and template_context not in processors:
        processors.append(template_context)


def check_capabilities(app: Flask) -> None:
    """Refuse to start when a declaration points at something the app does not have."""
    from portal.core.checks import check_app
    from portal.core.registry import check_endpoints

    check_endpoints(app)
    check_app(app)
