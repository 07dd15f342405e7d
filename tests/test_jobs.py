"""Scheduled jobs run once across hosts: `run-jobs` leases each job in the database."""

import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from portal import create_app
from portal.config import PROJECT_ROOT
from portal.core import jobs
from portal.core.clock import utcnow
from portal.core.contract import Job
from portal.extensions import db

from conftest import app_config


def job_rows() -> dict[str, dict]:
    """Each job's row as plain values (the transaction ends: outside a request every
    transaction takes SQLite's write lock, and other runners wait for it)."""
    rows = {
        row.name: {"outcome": row.last_outcome, "holder": row.lease_holder, "error": row.last_error}
        for row in db.session.scalars(select(jobs.ScheduledJob))
    }
    db.session.commit()
    return rows


def run_jobs_process(database_url: str, uploads) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_APP", "PORTAL_DEMO")}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="jobs-test",
        UPLOAD_FOLDER=str(uploads),
        PYTHONPATH=str(PROJECT_ROOT),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "run-jobs"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_runners_started_together_do_each_job_once(app, tmp_path):
    declared = [job.command for job in jobs.declared_jobs(app)]
    assert {
        "send-notifications",
        "purge-uploads",
        "generate-slots",
        "send-reminders",
        "withdraw-expired",
    } <= set(declared)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.commit()
    runners = [run_jobs_process(url, tmp_path / "uploads") for _ in range(2)]
    outputs = [runner.communicate(timeout=120) for runner in runners]
    assert [runner.returncode for runner in runners] == [0, 0], outputs
    ran = Counter(
        line.removeprefix("running ")
        for out, _err in outputs
        for line in out.splitlines()
        if line.startswith("running ")
    )
    assert ran == Counter(declared), outputs  # every job, each exactly once
    rows = job_rows()
    assert all(rows[name]["outcome"] == "ok" and rows[name]["holder"] is None for name in declared)
    # Run again at once: nothing is due.
    again = run_jobs_process(url, tmp_path / "uploads")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0 and "running" not in out, (out, err)


def test_of_many_runners_at_the_same_moment_one_takes_the_job(app):
    job = Job("send-reminders", timedelta(minutes=10))
    now = utcnow()
    won, start = [], threading.Barrier(8)

    def runner():
        with app.app_context():
            start.wait()
            if jobs.take(job, now=now) is not None:
                won.append(1)
            db.session.remove()

    threads = [threading.Thread(target=runner) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1


def test_a_job_is_due_again_after_its_period_and_a_dead_runners_lease_expires(app):
    job = Job("generate-slots", timedelta(days=1))
    start = utcnow()
    lease = jobs.take(job, now=start)
    assert lease is not None
    assert jobs.take(job, now=start + timedelta(minutes=1), due_only=False) is None  # held
    jobs.release(lease)
    assert jobs.take(job, now=start + timedelta(hours=23)) is None  # ran today
    assert (
        jobs.take(job, now=start + timedelta(days=1) - timedelta(seconds=10)) is not None
    )  # the timer's tick
    # A runner that died holding it: its lease lapses after JOB_LEASE_TIMEOUT.
    later = start + timedelta(days=3)
    assert jobs.take(job, now=later, due_only=False) is not None
    assert jobs.take(job, now=later + timedelta(minutes=1), due_only=False) is None
    assert jobs.take(job, now=later + app.config["JOB_LEASE_TIMEOUT"] + timedelta(seconds=1), due_only=False)


def test_a_failing_job_is_recorded_and_the_others_still_run(app, monkeypatch):
    def outbox_unreachable(limit):
        raise ModuleNotFoundError("No module named 'portal.no_such_module'")

    # A failed send is recorded on its message, not raised: break the sender itself.
    monkeypatch.setattr("portal.cli.notifications.deliver_pending", outbox_unreachable)
    result = app.test_cli_runner().invoke(args=["run-jobs"])
    assert result.exit_code == 1
    assert "failed: send-notifications" in result.output
    assert "running purge-uploads" in result.output and "running generate-slots" in result.output
    rows = job_rows()
    assert (
        rows["send-notifications"]["outcome"] == "failed"
        and "no_such_module" in rows["send-notifications"]["error"]
    )
    assert rows["send-notifications"]["holder"] is None and rows["purge-uploads"]["outcome"] == "ok"


def test_a_jobs_own_command_waits_for_nobody_but_never_runs_twice_at_once(app):
    runner = app.test_cli_runner()
    lease = jobs.take(Job("send-reminders", timedelta(minutes=10)), due_only=False)
    held = runner.invoke(args=["send-reminders"])
    assert held.exit_code == 0 and "another runner holds it" in held.output and "queued" not in held.output
    jobs.release(lease)
    free = runner.invoke(args=["send-reminders"])
    assert free.exit_code == 0 and "queued 0 reminder(s)" in free.output
    assert job_rows()["send-reminders"]["outcome"] == "ok"


def test_run_jobs_refuses_an_unknown_job_name(app):
    result = app.test_cli_runner().invoke(args=["run-jobs", "--job", "make-coffee"])
    assert result.exit_code != 0 and "unknown job" in result.output


def test_every_declared_job_has_its_command(schema, tmp_path):
    application = create_app(app_config(schema, tmp_path / "uploads"))
    assert set(application.extensions[jobs.EXTENSION_KEY]) == {
        j.command for j in jobs.declared_jobs(application)
    }
    assert "run-jobs" in application.cli.commands
