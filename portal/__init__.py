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

    from portal import database, errors, i18n, security, templating
    from portal.cli import register_cli

    database.register(app)
    i18n.register(app)
    security.register(app)
    templating.register(app)
    errors.register(app)
    register_blueprints(app)
    register_cli(app)
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
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)


def register_blueprints(app: Flask) -> None:
    """Mount each capability's blueprint."""
    from portal.accounts.views import bp as accounts_bp
    from portal.advisers.staff_views import bp as adviser_admin_bp
    from portal.advisers.views import bp as advisers_bp
    from portal.backoffice.admin_views import bp as admin_bp
    from portal.backoffice.views import bp as backoffice_bp
    from portal.consultations.desk_views import bp as desk_bp
    from portal.consultations.views import bp as consultations_bp
    from portal.legal_aid.views import bp as legal_aid_bp
    from portal.public.views import bp as public_bp

    for blueprint in (
        public_bp,
        accounts_bp,
        legal_aid_bp,
        consultations_bp,
        advisers_bp,
        backoffice_bp,
        admin_bp,
        desk_bp,
        adviser_admin_bp,
    ):
        app.register_blueprint(blueprint)
