"""Shared commands: flask --app portal init-db | seed-demo | create-user | send-notifications |
purge-uploads | import-holidays | refresh-reports | run-jobs | backup-files | restore-files.

Each capability adds its own (its `commands`), e.g. generate-slots or withdraw-expired.
"""

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select, text

from portal.accounts.models import User
from portal.accounts.services import create_staff_user
from portal.core import attachments, holidays, notifications
from portal.core.clock import local_today
from portal.core.registry import REGISTRY_KEY, all_roles
from portal.database import MIGRATIONS_DIR
from portal.extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database schema, or upgrade it to the latest migration; then load the
    official holidays of last year, this year and next year, as far as chinesecalendar
    knows them."""
    upgrade(directory=MIGRATIONS_DIR)
    if db.engine.dialect.name == "sqlite":
        # SQLite's planner needs statistics to pick the queue indexes (PostgreSQL keeps its own).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    click.echo("Database schema is up to date.")
    this_year = local_today().year
    years = range(this_year - 1, this_year + 2)
    results = holidays.import_known_years(years)
    db.session.commit()
    for result in results:
        click.echo(f"Official holidays {result.summary()}")
    if missing := [year for year in years if year not in {r.year for r in results}]:
        click.echo(
            f"Official holidays of {', '.join(map(str, missing))}: not in chinesecalendar "
            f"{holidays.package_version()} yet (see import-holidays)."
        )


@click.command("import-holidays")
@click.option("--year", type=int, required=True, help="The year of the State Council's notice, e.g. 2026.")
@with_appcontext
def import_holidays_command(year):
    """Load a year's official holidays and exchanged working days from chinesecalendar.

    Days entered or corrected by staff on the admin page are kept as they are. A year the
    installed package does not know is refused (exit status 1), never guessed.
    """
    try:
        result = holidays.import_year(year)
    except holidays.UnknownYear as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Official holidays {result.summary()} (chinesecalendar {holidays.package_version()}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the Changsha County demo data (safe to run again)."""
    from portal.demo import seed_demo

    created = seed_demo()
    click.echo(created)


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option(
    "--role", "roles", multiple=True, required=True, help="A role of this deployment (see the admin page)."
)
@click.option("--name", "display_name", default=None, help="Display name (defaults to the username).")
@with_appcontext
def create_user_command(username, password, roles, display_name):
    """Create a staff or lawyer account with one or more roles."""
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise click.ClickException(f"user {username!r} exists already")
    if unknown := set(roles) - set(all_roles()):
        raise click.ClickException(
            f"unknown role(s) {', '.join(sorted(unknown))}; known: {', '.join(all_roles())}"
        )
    from portal.accounts.forms import password_problem

    if problem := password_problem(password, personal=[username]):
        raise click.ClickException(f"the password is refused: {problem}")
    create_staff_user(username, password, roles, display_name)
    db.session.commit()
    click.echo(f"Created {username} with roles: {', '.join(roles)}")


@click.command("send-notifications")
@click.option("--limit", default=500, show_default=True)
@with_appcontext
def send_notifications_command(limit):
    """Deliver the outbox (safe to run every minute, in several processes)."""
    counts = notifications.deliver_pending(limit)
    click.echo(f"sent {counts['sent']}, retry later {counts['retry']}, failed {counts['failed']}")


@click.command("purge-uploads")
@with_appcontext
def purge_uploads_command():
    """Remove staged files that no request claimed within 24 hours (run hourly)."""
    click.echo(f"removed {attachments.purge_unclaimed()} unclaimed file(s)")


def register_cli(app: Flask) -> None:
    """The shared commands, then each enabled capability's own; the scheduled ones take
    their job's lease, and run-jobs runs whatever is due."""
    from portal.core import backup, drafts, jobs
    from portal.reports.summary import refresh_reports_command

    commands = [
        init_db_command,
        seed_demo_command,
        create_user_command,
        send_notifications_command,
        purge_uploads_command,
        drafts.purge_drafts_command,
        import_holidays_command,
        refresh_reports_command,
        *backup.COMMANDS,
    ]
    commands += [command for capability in capabilities_of(app) for command in capability.commands]
    for command in commands:
        app.cli.add_command(command)
    jobs.register(app, {command.name: command for command in commands})


def capabilities_of(app: Flask):
    return app.extensions[REGISTRY_KEY].capabilities
