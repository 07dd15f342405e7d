"""Mediation's scheduled command: the court-confirmation reminder and the performance check."""

from datetime import timedelta

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.core import notifications
from portal.core.clock import local_today, utcnow
from portal.extensions import db
from portal.mediation.effects import CONFIRMATION_DAYS
from portal.mediation.models import MediationCase
from portal.mediation.states import MediationState

#: Days before the end of the 30 days when the parties are reminded.
REMIND_BEFORE = 7
#: SMS template keys of the two reminders, to the applicant; `<key>.party` to the other parties.
CONFIRMATION_REMINDER_KEY = "mediation.confirmation_reminder"
PERFORMANCE_CHECK_KEY = "mediation.performance_check"
EFFECTIVE_KEY = "mediation.agreement_effective"
MESSAGE_KEYS = tuple(
    f"{key}{audience}"
    for key in (CONFIRMATION_REMINDER_KEY, PERFORMANCE_CHECK_KEY, EFFECTIVE_KEY)
    for audience in ("", ".party")
)
CONFIRMATION_REMINDER = _l(
    "Reminder for mediation %(reference)s: to make the written agreement enforceable, both parties may jointly ask the people's court to confirm it by %(day)s."
)
PERFORMANCE_CHECK = _l(
    "Mediation %(reference)s: the agreement was due to be performed by %(day)s. The mediator will ask both parties how it went."
)

EFFECTIVE = _l(
    "The written agreement of mediation %(reference)s is signed and sealed and took effect on %(effective)s. To make it enforceable, both parties may jointly ask the people's court to confirm it by %(day)s (judicial confirmation, free of charge)."
)


def _tell_both(case: MediationCase, template, params: dict, key: str) -> None:
    with force_locale(case.locale):
        body = str(template) % params
    notifications.notify(
        case, subject=case.reference, body=body, template=key, params=params, locale=case.locale
    )
    for party in case.parties:
        with force_locale(party.locale):
            notifications.notify_party(
                party,
                subject=case.reference,
                body=str(template) % params,
                template=f"{key}.party",
                params=params,
            )


def tell_effective(case: MediationCase) -> None:
    """Tell both parties the written agreement took effect, and the confirmation's last day."""
    last_day = case.agreement_effective_on + timedelta(days=CONFIRMATION_DAYS)
    params = {
        "reference": case.reference,
        "effective": case.agreement_effective_on.isoformat(),
        "day": last_day.isoformat(),
    }
    _tell_both(case, EFFECTIVE, params, EFFECTIVE_KEY)


def _send_once(case: MediationCase, column, template, day, key: str) -> bool:
    """Mark the case first, so that of two runners only one sends; then tell both parties."""
    table = MediationCase.__table__
    marked = db.session.execute(
        update(table).where(table.c.id == case.id, column.is_(None)).values({column.name: utcnow()})
    )
    if marked.rowcount != 1:
        return False
    _tell_both(case, template, {"reference": case.reference, "day": day.isoformat()}, key)
    return True


@click.command("mediation-reminders")
@with_appcontext
def mediation_reminders_command():
    """Remind written agreements of court confirmation, and check performance, once each."""
    today = local_today()
    table = MediationCase.__table__
    sent = 0
    confirm = db.session.scalars(
        select(MediationCase).where(
            MediationCase.status == MediationState.AGREEMENT,
            MediationCase.agreement_form == "written",
            MediationCase.confirmation_reminded_at.is_(None),
            MediationCase.agreement_effective_on <= today - timedelta(days=CONFIRMATION_DAYS - REMIND_BEFORE),
            MediationCase.agreement_effective_on > today - timedelta(days=CONFIRMATION_DAYS),
        )
    ).all()
    for case in confirm:
        last_day = case.agreement_effective_on + timedelta(days=CONFIRMATION_DAYS)
        sent += _send_once(
            case,
            table.c.confirmation_reminded_at,
            CONFIRMATION_REMINDER,
            last_day,
            CONFIRMATION_REMINDER_KEY,
        )
    due = db.session.scalars(
        select(MediationCase).where(
            MediationCase.status == MediationState.AGREEMENT,
            MediationCase.performance_checked_at.is_(None),
            MediationCase.performance_due_on.is_not(None),
            MediationCase.performance_due_on < today,
        )
    ).all()
    for case in due:
        sent += _send_once(
            case,
            table.c.performance_checked_at,
            PERFORMANCE_CHECK,
            case.performance_due_on,
            PERFORMANCE_CHECK_KEY,
        )
    db.session.commit()
    click.echo(f"sent {sent} mediation reminder(s)")
