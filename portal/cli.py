"""Commands: flask --app portal init-db | seed-demo | create-user | send-notifications | ..."""

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select, text

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.services import create_staff_user
from portal.core import notifications
from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.core.services import system_perform
from portal.database import MIGRATIONS_DIR
from portal.extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database schema, or upgrade it to the latest migration."""
    upgrade(directory=MIGRATIONS_DIR)
    if db.engine.dialect.name == "sqlite":
        # SQLite's planner needs statistics to pick the queue indexes (PostgreSQL keeps its own).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    click.echo("Database schema is up to date.")


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
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", "display_name", default=None, help="Display name (defaults to the username).")
@with_appcontext
def create_user_command(username, password, roles, display_name):
    """Create a staff or lawyer account with one or more roles."""
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise click.ClickException(f"user {username!r} exists already")
    if len(password) < 10:
        raise click.ClickException("the password needs at least 10 characters")
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


@click.command("withdraw-expired")
@with_appcontext
def withdraw_expired_command():
    """Withdraw legal aid applications whose materials request went unanswered in time."""
    from portal.legal_aid.models import LegalAidApplication

    expired = db.session.scalars(
        select(LegalAidApplication).where(
            ServiceRequest.status == "needs_materials", LegalAidApplication.materials_due_at < utcnow()
        )
    ).all()
    for application in expired:
        system_perform(application, "expire")
    db.session.commit()
    click.echo(f"withdrew {len(expired)} application(s)")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Remind tomorrow's consultation bookings (safe to run every few minutes; never twice)."""
    from portal.consultations.services import send_reminders

    click.echo(f"queued {send_reminders()} reminder(s)")


@click.command("generate-slots")
@with_appcontext
def generate_slots_command():
    """Publish the next 30 days of consultation slots from the weekly templates."""
    from portal.consultations.slots import ensure_slots

    click.echo(f"created {ensure_slots()} slot(s)")


def register_cli(app: Flask) -> None:
    for command in (
        send_reminders_command,
        generate_slots_command,
        init_db_command,
        seed_demo_command,
        create_user_command,
        send_notifications_command,
        withdraw_expired_command,
    ):
        app.cli.add_command(command)
