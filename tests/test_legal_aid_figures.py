"""Legal aid figures (issue #33): received, accepted (approvals and notices together),
refused, withdrawn, assigned within the time limit and objections by outcome, this last
from the history of the bureau's decisions (a case upheld after an order to correct counts
under both). Each figure opens the queue listing exactly what it counts."""

from datetime import datetime

import pytest
from test_reports import REFERENCE, figures_of, section_html

from portal.core.registry import kind_for_code
from portal.extensions import db
from portal.legal_aid.objection_decision import ObjectionOutcome

YEAR = "start=2025-01&end=2025-12"


def at(month, day=10, hour=2):
    return datetime(2025, month, day, hour, 0)


@pytest.fixture
def cases(app):
    matters = iter(["labour", "criminal_victim", "state_compensation", "social_insurance", "work_injury"])

    def make(status, created, **fields):
        fields.setdefault("matter_type", next(matters))  # no probable-duplicate links in the queue
        kind = kind_for_code("LA")
        application = kind.make_sample()
        application.status = status
        application.is_open = kind.workflow.state(status).is_open
        application.created_at = created
        for name, value in fields.items():
            setattr(application, name, value)
        db.session.commit()
        return application

    # Approved and assigned in time; a notice assigned late; refused after an order to
    # correct and an upheld objection; withdrawn; still waiting.
    make("assigned", at(2), approved_at=at(2, 12), assigned_at=at(2, 13), assign_due_at=at(2, 15))
    make("assigned", at(3), source="notice", assigned_at=at(3, 20), assign_due_at=at(3, 13))
    refused = make("refused", at(4), refused_at=at(4, 20), objection_outcome="upheld")
    for outcome, day in (("corrected", 15), ("upheld", 28)):
        db.session.add(
            ObjectionOutcome(
                application_id=refused.id,
                objected_to="refused",
                outcome=outcome,
                reasons="x",
                number="",
                decided_at=at(4, day),
            )
        )
    make("withdrawn", at(5))
    make("submitted", at(6))
    db.session.commit()


@pytest.fixture
def supervisor(make_staff, make_client):
    make_staff("supervisor", "supervisor")
    client = make_client()
    client.set_cookie("lang", "en")
    client.sign_in("supervisor")
    return client


def test_the_figures_count_what_the_law_counts_and_link_to_their_queues(cases, supervisor):
    """Mutants caught: accepted counting approvals only (notices left out), objections by
    outcome read from the one overwritten field (no 'corrected'), the withdrawn or assigned
    figures missing."""
    html = section_html(supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True), "legal_aid")
    found = figures_of(html)
    assert {
        label: found[label][0]
        for label in (
            "Applications received",
            "Accepted (approved, or notified by an authority)",
            "Refused",
            "Withdrawn",
            "Assigned within the time limit",
            "Decision upheld",
            "Centre ordered to correct",
        )
    } == {
        "Applications received": 5,
        "Accepted (approved, or notified by an authority)": 2,
        "Refused": 1,
        "Withdrawn": 1,
        "Assigned within the time limit": 1,
        "Decision upheld": 1,
        "Centre ordered to correct": 1,
    }
    for label, (number, href) in found.items():
        queue = supervisor.get(href).get_data(as_text=True)
        table = queue[queue.find("<tbody>") : queue.find("</tbody>")] if "<tbody>" in queue else ""
        assert len(set(REFERENCE.findall(table))) == number, (label, href)
