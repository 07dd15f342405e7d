"""Legal aid's report figures (SPEC §7) and the queue filters they are defined by.

Each figure is a selection of the legal aid queue (a state or one of the filters below),
so the report's count and the queue it links to are the same query. Applications are
counted by the date they were received.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Index, and_, or_, select

from portal.core.contract import Breakdown, Figure, ReportSection
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter
from portal.legal_aid.assignment import CLOSING_OUTCOMES
from portal.legal_aid.models import LegalAidApplication
from portal.legal_aid.notices import NOTICE_SOURCES
from portal.legal_aid.objection_decision import ObjectionOutcome
from portal.legal_aid.services import TERMINATION_GROUNDS
from portal.legal_aid.states import LegalAidState as S

_table = LegalAidApplication.__table__

#: Every column the filters below read, so that the report's aggregate over a period
#: (hundreds of thousands of applications) reads this narrow index instead of each wide
#: application row (docs/performance.md, "Annual report"). A filter that reads another
#: column must add it here (and in a migration), or the report slows down again.
REPORT_INDEX = Index(
    "ix_legal_aid_report",
    _table.c.id,
    _table.c.decided_at,
    _table.c.decision_due_at,
    _table.c.approved_at,
    _table.c.refused_at,
    _table.c.terminated_at,
    _table.c.objection_filed_at,
    _table.c.early_aid_at,
    _table.c.termination_ground,
    _table.c.objection_outcome,
    _table.c.lawyer_id,
    _table.c.source,
    _table.c.closing_outcome,
    _table.c.assigned_at,
    _table.c.assign_due_at,
)


def _where(*conditions):
    # Conditions on the application's own table (QueueFilter.on_kind_table): the queue
    # asks them through a subquery on ids, the reports on the joined table.
    return and_(*conditions)


#: What happened to an application, whatever its state now.
DECISIONS = {
    "approved": (_l("Approved"), lambda: _where(_table.c.approved_at.is_not(None))),
    # 受理: legal aid granted on an application, or a notice of the authorities (Art. 36).
    "accepted": (
        _l("Accepted (approved, or notified by an authority)"),
        lambda: _where(or_(_table.c.approved_at.is_not(None), _table.c.source == "notice")),
    ),
    # Arts. 36, 43: a person assigned within the 3 days (the latest assignment).
    "assigned_in_time": (
        _l("Assigned within the time limit"),
        lambda: _where(_table.c.assigned_at.is_not(None), _table.c.assigned_at <= _table.c.assign_due_at),
    ),
    "refused": (_l("Refused"), lambda: _where(_table.c.refused_at.is_not(None))),
    "decided": (_l("Decided"), lambda: _where(_table.c.decided_at.is_not(None))),
    # Art. 43: decided by the deadline (the clock paused while materials were awaited).
    "in_time": (
        _l("Decided within the time limit"),
        lambda: _where(_table.c.decided_at <= _table.c.decision_due_at),
    ),
    "terminated": (_l("Terminated"), lambda: _where(_table.c.terminated_at.is_not(None))),
    "objection": (_l("Objection filed"), lambda: _where(_table.c.objection_filed_at.is_not(None))),
    "early_aid": (_l("Early aid given"), lambda: _where(_table.c.early_aid_at.is_not(None))),
}


#: How a case came in: an application, or a notice / forwarded application (SPEC §3).
SOURCES = {"application": _l("Application (online or at the counter)"), **NOTICE_SOURCES}


def _choice_filter(name: str, label, column: str, choices: dict) -> QueueFilter:
    """A queue filter on one of the application's own columns, by its declared choices."""
    return QueueFilter(
        name,
        label,
        lambda: [(k, str(v)) for k, v in choices.items()],
        lambda value: _where(_table.c[column] == value) if value in choices else None,
        on_kind_table=True,
    )


def _lawyer_choices():
    from portal.accounts.roles import Role
    from portal.accounts.services import staff_choices

    return [(str(u.id), u.display_name) for u in staff_choices(Role.LAWYER)]


OBJECTION_OUTCOMES = {"upheld": _l("Decision upheld"), "corrected": _l("Centre ordered to correct")}

REPORT_FILTERS = (
    QueueFilter(
        "decision",
        _l("Decision"),
        lambda: [(k, str(v[0])) for k, v in DECISIONS.items()],
        lambda value: DECISIONS[value][1]() if value in DECISIONS else None,
        on_kind_table=True,
    ),
    _choice_filter("ground", _l("Termination ground"), "termination_ground", TERMINATION_GROUNDS),
    # From the history of the bureau's decisions: a case upheld after an earlier order to
    # correct counts under both outcomes.
    QueueFilter(
        "objection",
        _l("Objection outcome"),
        lambda: [(k, str(v)) for k, v in OBJECTION_OUTCOMES.items()],
        lambda value: (
            _where(
                _table.c.id.in_(
                    select(ObjectionOutcome.application_id).where(ObjectionOutcome.outcome == value)
                )
            )
            if value in OBJECTION_OUTCOMES
            else None
        ),
        on_kind_table=True,
    ),
    _choice_filter("source", _l("How the case came in"), "source", SOURCES),
    _choice_filter("outcome", _l("Closing outcome"), "closing_outcome", CLOSING_OUTCOMES),
    QueueFilter(
        "lawyer",
        _l("Lawyer"),
        _lawyer_choices,
        lambda value: _where(_table.c.lawyer_id == int(value)) if value.isdigit() else None,
        on_kind_table=True,
    ),
)


def _receipt_to_decision():
    return ServiceRequest.__table__.c.created_at, _table.c.decided_at


def report_sections() -> tuple[ReportSection, ...]:
    """Received, decided (and in time), refused, closed, terminations and objections."""
    return (
        ReportSection(
            "legal_aid",
            _l("Legal aid"),
            figures=(
                Figure("received", _l("Applications received"), "LA"),
                Figure(
                    "approved", _l("Approved"), "LA", filters=(("decision", "approved"),), share_of="received"
                ),
                Figure(
                    "accepted",
                    _l("Accepted (approved, or notified by an authority)"),
                    "LA",
                    filters=(("decision", "accepted"),),
                    share_of="received",
                ),
                Figure(
                    "refused", _l("Refused"), "LA", filters=(("decision", "refused"),), share_of="received"
                ),
                Figure("withdrawn", _l("Withdrawn"), "LA", status=S.WITHDRAWN, share_of="received"),
                Figure(
                    "assigned_in_time",
                    _l("Assigned within the time limit"),
                    "LA",
                    filters=(("decision", "assigned_in_time"),),
                    share_of="accepted",
                ),
                Figure("decided", _l("Decided"), "LA", filters=(("decision", "decided"),)),
                Figure(
                    "in_time",
                    _l("Decided within the time limit"),
                    "LA",
                    filters=(("decision", "in_time"),),
                    share_of="decided",
                ),
                Figure(
                    "days_to_decide",
                    _l("Median days from receipt to decision"),
                    "LA",
                    filters=(("decision", "decided"),),
                    median_days=_receipt_to_decision,
                ),
                Figure("closed", _l("Cases closed"), "LA", status=S.CLOSED),
                Figure("early_aid", _l("Early aid given"), "LA", filters=(("decision", "early_aid"),)),
                Figure("terminated", _l("Terminated"), "LA", filters=(("decision", "terminated"),)),
                Figure("objections", _l("Objections filed"), "LA", filters=(("decision", "objection"),)),
                Figure(
                    "notified",
                    _l("Notified defence (notices received)"),
                    "LA",
                    filters=(("source", "notice"),),
                ),
                Figure(
                    "forwarded",
                    _l("Applications forwarded from custody (Art. 39)"),
                    "LA",
                    filters=(("source", "detention"),),
                ),
            ),
            breakdowns=(
                Breakdown("terminations", _l("Terminations by ground"), "LA", "ground"),
                Breakdown("objection_outcomes", _l("Objections by outcome"), "LA", "objection"),
                Breakdown("closing_outcomes", _l("Closed cases by outcome"), "LA", "outcome"),
                Breakdown(
                    "lawyers",
                    _l("Lawyer workload: applications of the period per assigned lawyer"),
                    "LA",
                    "lawyer",
                ),
            ),
            trend_kind="LA",
        ),
    )
