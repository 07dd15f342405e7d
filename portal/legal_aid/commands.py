"""Legal aid's scheduled command: applications whose materials request went unanswered."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.core.clock import utcnow
from portal.core.safe_contact import silence_may_count
from portal.core.services import system_perform
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.states import LegalAidState


@click.command("withdraw-expired")
@with_appcontext
def withdraw_expired_command():
    """Withdraw legal aid applications whose materials request went unanswered in time."""
    expired = db.session.scalars(
        select(LegalAidApplication).where(
            LegalAidApplication.status == LegalAidState.NEEDS_MATERIALS,
            LegalAidApplication.materials_due_at < utcnow(),
        )
    ).all()
    # A safe-contact applicant is never withdrawn for silence unless staff recorded that
    # the materials request reached them (by a call or at the counter).
    expired = [a for a in expired if silence_may_count(a, a.materials_requested_at) is None]
    for application in expired:
        system_perform(application, "expire")
    db.session.commit()
    click.echo(f"withdrew {len(expired)} application(s)")
