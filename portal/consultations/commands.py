"""Consultation booking's scheduled commands: publish slots, remind tomorrow's bookings,
close the office-closed bookings whose days to choose another time have passed."""

import click
from flask.cli import with_appcontext

from portal.consultations.rebooking import close_lapsed
from portal.consultations.services import send_reminders
from portal.consultations.slots import ensure_slots
from portal.extensions import db


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Remind tomorrow's consultation bookings (safe to run every few minutes; never twice)."""
    click.echo(f"queued {send_reminders()} reminder(s)")


@click.command("generate-slots")
@with_appcontext
def generate_slots_command():
    """Publish the next 30 days of consultation slots from the weekly templates."""
    created = ensure_slots()
    db.session.commit()
    click.echo(f"created {created} slot(s)")


@click.command("close-lapsed-rebookings")
@with_appcontext
def close_lapsed_rebookings_command():
    """Close the bookings the office closed whose person chose no other time within 14 days."""
    click.echo(f"closed {close_lapsed()} booking(s) with no new time chosen")
