"""`refresh-reports` counts in a transaction that only reads and writes each month in a
short one after (issue #37: on SQLite it held the write lock while it counted a month, so
every submission waited)."""

import sqlite3

from sqlalchemy import select, text

from portal.extensions import db
from portal.reports import compute, summary

from conftest import is_postgres


def test_a_month_is_counted_without_holding_a_write_lock(app, make_application, monkeypatch):
    """While a month is counted, another connection writes at once (SQLite), and the
    counting transaction has written nothing (PostgreSQL: no transaction id assigned).
    Red with the month's row made (INSERT … ON CONFLICT) before counting, in one
    transaction with the store (SQLite: "database is locked" within 0.2 s)."""
    make_application()
    db.session.commit()
    seen = []
    count = compute.MonthCounter.count

    def count_and_look(self, month):
        if is_postgres():
            written = db.session.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar()
            seen.append(written is None)
        else:
            other = sqlite3.connect(
                app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), timeout=0.2
            )
            try:
                other.execute("BEGIN IMMEDIATE")  # a submission's write lock
                other.rollback()
                seen.append(True)
            except sqlite3.OperationalError:
                seen.append(False)
            finally:
                other.close()
        return count(self, month)

    monkeypatch.setattr(compute.MonthCounter, "count", count_and_look)
    counted = summary.refresh()
    assert counted > 0 and seen and all(seen), seen
    # Stored as counted: the report trusts every month.
    marks = db.session.execute(
        select(summary.ReportMonth.version, summary.ReportMonth.computed_version)
    ).all()
    assert marks and all(version == computed for version, computed in marks)


def test_a_change_committed_while_a_month_is_counted_leaves_it_stale(app, make_application, monkeypatch):
    """The version is read before counting: a change that commits meanwhile bumps it past
    the one stored, and the month is counted live until the next run."""
    made = make_application()
    db.session.commit()
    month = summary.month_of(made.created_at)
    count = compute.MonthCounter.count
    changed = []

    def count_while_changing(self, counted_month):
        result = count(self, counted_month)
        if counted_month == month and not changed:
            with app.app_context():  # another request's session and transaction
                make_application()
                db.session.commit()
            changed.append(True)
        return result

    monkeypatch.setattr(compute.MonthCounter, "count", count_while_changing)
    summary.refresh()
    mark = db.session.get(summary.ReportMonth, ("LA", month))
    db.session.refresh(mark)
    assert changed and mark.version != mark.computed_version
