"""Scheduled jobs that run once however many hosts run them (`flask --app portal run-jobs`).

Every job (the core ones below and each capability's `Job` declarations) has a row in
`scheduled_job`. A runner takes a job with one conditional UPDATE, the same on SQLite and
PostgreSQL: only when the job is due (its `every` has passed since it last started) and
nobody holds its lease. The database decides, so two hosts firing the same timer at the
same second do the work once; a lease left by a crashed runner expires after
`JOB_LEASE_TIMEOUT`.
"""

import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from sqlalchemy import String, Text, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.core.contract import Job
from portal.extensions import db

log = logging.getLogger("portal.jobs")

#: The shared engine's own jobs; capabilities declare theirs in `capability.py`.
CORE_JOBS = (
    Job("send-notifications", timedelta(minutes=1)),
    Job("purge-uploads", timedelta(hours=1)),
    Job("purge-drafts", timedelta(hours=1)),
    Job("refresh-reports", timedelta(minutes=5)),
)
#: A timer fires on the minute but a runner starts a few seconds late or early: a job is
#: due this much before its period is over, so a one-minute job runs at every tick.
TIMER_SLACK = timedelta(seconds=30)
EXTENSION_KEY = "portal.jobs"


class ScheduledJob(db.Model):
    """When a job last ran, and who holds it now."""

    #: The job's command, e.g. "send-reminders".
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    #: "ok" or "failed" (the error's text in last_error).
    last_outcome: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    #: host:pid:random of the runner that holds the job, until lease_until.
    lease_holder: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None]


@dataclass(frozen=True)
class Lease:
    name: str
    holder: str


def new_holder() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def _ensure_row(name: str) -> None:
    if db.session.get(ScheduledJob, name) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(ScheduledJob(name=name))
    except IntegrityError:
        pass  # another runner made it first


def take(
    job: Job, *, now: datetime | None = None, due_only: bool = True, holder: str | None = None
) -> Lease | None:
    """Take the job's lease if it is due (or whenever free, with due_only=False); None when
    another runner holds it or it ran recently. Commits."""
    now = now or utcnow()
    holder = holder or new_holder()
    _ensure_row(job.command)
    db.session.commit()
    conditions = [
        ScheduledJob.name == job.command,
        or_(ScheduledJob.lease_until.is_(None), ScheduledJob.lease_until < now),
    ]
    if due_only:
        conditions.append(
            or_(
                ScheduledJob.last_started_at.is_(None),
                ScheduledJob.last_started_at <= now - job.every + min(TIMER_SLACK, job.every / 2),
            )
        )
    taken = db.session.execute(
        update(ScheduledJob)
        .where(*conditions)
        .values(
            lease_holder=holder,
            lease_until=now + current_app.config["JOB_LEASE_TIMEOUT"],
            last_started_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return Lease(job.command, holder) if taken == 1 else None


def release(lease: Lease, error: BaseException | None = None) -> None:
    """Give the lease back and record how the run ended. Commits."""
    db.session.rollback()  # whatever the job left half-done is not ours to keep
    db.session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.name == lease.name, ScheduledJob.lease_holder == lease.holder)
        .values(
            lease_holder=None,
            lease_until=None,
            last_finished_at=utcnow(),
            last_outcome="failed" if error else "ok",
            last_error=str(error)[:2000] if error else None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def declared_jobs(app: Flask) -> tuple[Job, ...]:
    from portal.core.registry import REGISTRY_KEY

    return CORE_JOBS + tuple(job for c in app.extensions[REGISTRY_KEY].capabilities for job in c.jobs)


def run_leased(lease: Lease, command: click.Command) -> bool:
    """Run a job's command under its lease; True when it ended well."""
    try:
        click.get_current_context().invoke(command)
    except click.exceptions.Exit as done:
        if done.exit_code != 0:
            release(lease, RuntimeError(f"exit status {done.exit_code}"))
            return False
    except Exception as error:  # noqa: BLE001 — one failing job must not stop the others
        log.exception("job %s failed", lease.name)
        release(lease, error)
        return False
    release(lease)
    return True


def leased_command(command: click.Command, job: Job) -> click.Command:
    """The job's own command (e.g. `flask send-reminders` from an old crontab), taking the
    job's lease so that it never runs twice at once; it runs whether due or not."""
    original = command.callback

    @click.pass_context
    def callback(ctx, **params):
        _app_context(ctx)
        lease = take(job, due_only=False)
        if lease is None:
            click.echo(f"{job.command}: another runner holds it; nothing done")
            return
        try:
            ctx.invoke(original, **params)
        except BaseException as error:
            release(lease, error)
            raise
        release(lease)

    wrapped = click.Command(
        command.name,
        callback=callback,
        params=command.params,
        help=command.help,
        short_help=command.short_help,
    )
    return wrapped


@click.command("run-jobs")
@click.option("--job", "only", multiple=True, help="Run only this job (repeatable).")
@click.option("--force", is_flag=True, help="Run the jobs now even when they are not due.")
def run_jobs_command(only, force):
    """Run every scheduled job that is due, each once across all hosts (run every minute)."""
    app = _app_context(click.get_current_context())
    commands = app.extensions[EXTENSION_KEY]
    if unknown := set(only) - set(commands):
        raise click.ClickException(
            f"unknown job(s): {', '.join(sorted(unknown))}; known: {', '.join(commands)}"
        )
    failed = []
    for job in declared_jobs(app):
        if only and job.command not in only:
            continue
        lease = take(job, due_only=not force)
        if lease is None:
            continue
        click.echo(f"running {job.command}")
        if not run_leased(lease, commands[job.command]):
            failed.append(job.command)
    if failed:
        raise click.ClickException(f"failed: {', '.join(failed)} (see the log)")


def _app_context(ctx: click.Context) -> Flask:
    """The app, in an app context for the rest of the command (the current one if any,
    as flask's with_appcontext does)."""
    from flask.cli import ScriptInfo

    if not current_app:
        ctx.with_resource(ctx.ensure_object(ScriptInfo).load_app().app_context())
    return current_app._get_current_object()


def register(app: Flask, commands: dict[str, click.Command]) -> None:
    """Add run-jobs, and make each job's own command take its lease."""
    jobs = {job.command: job for job in declared_jobs(app)}
    if missing := set(jobs) - set(commands):
        raise RuntimeError(f"scheduled job(s) without a command: {', '.join(sorted(missing))}")
    app.extensions[EXTENSION_KEY] = {name: commands[name] for name in jobs}
    for name, job in jobs.items():
        app.cli.add_command(leased_command(commands[name], job), name)
    app.cli.add_command(run_jobs_command)
