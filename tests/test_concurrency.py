"""Two officers take the same request at once: exactly one wins (SQLite and PostgreSQL)."""

import threading

from sqlalchemy import func, select

from portal.core.models import AuditEvent, ServiceRequest
from portal.core.services import claim, next_reference
from portal.core.workflow import ConcurrentChange
from portal.extensions import db

WORKERS = 8


def run_in_threads(app, target, count):
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = target(index)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 — the test inspects what each thread got
                db.session.rollback()
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_exactly_one_of_many_simultaneous_claims_wins(app, make_staff, make_application):
    officers = [make_staff(f"officer{i}", "legal_aid_officer").id for i in range(WORKERS)]
    application_id = make_application().id
    db.session.commit()

    def take(index):
        from portal.accounts.models import User

        request_obj = db.session.get(ServiceRequest, application_id)
        claim(request_obj, db.session.get(User, officers[index]))
        return "won"

    results = run_in_threads(app, take, WORKERS)
    winners = [r for r in results if r == "won"]
    losers = [r for r in results if isinstance(r, ConcurrentChange)]
    assert len(winners) == 1, results
    assert len(losers) == WORKERS - 1, results
    db.session.expire_all()
    stored = db.session.get(ServiceRequest, application_id)
    assert stored.handler_id == officers[results.index("won")]
    claims = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "claim")
    )
    assert claims == 1


def test_concurrent_submissions_never_share_a_reference(app):
    def allocate(_index):
        return next_reference("LA")

    results = run_in_threads(app, allocate, WORKERS)
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == WORKERS
