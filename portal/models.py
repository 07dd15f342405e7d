"""Import every model so that SQLAlchemy's metadata (and Alembic) sees all tables.

The shared models, then the models of every installed capability, enabled or not:
disabling a capability must never make a migration drop its tables (SPEC §13).
"""

from importlib import import_module

from portal.accounts.enterprises import Enterprise, EnterpriseDocument, EnterpriseMember  # noqa: F401
from portal.accounts.models import User, UserRole  # noqa: F401
from portal.accounts.profiles import LegalServicePerson, LegalServiceSpecialty  # noqa: F401
from portal.core.intake_state import IntakeState, IntakeSubmission  # noqa: F401
from portal.core.jobs import ScheduledJob  # noqa: F401
from portal.core.messaging.replays import SeenReceipt  # noqa: F401
from portal.core.models import (  # noqa: F401
    Attachment,
    AuditEvent,
    Holiday,
    InboxMessage,
    InternalNote,
    OutboxMessage,
    PendingUpload,
    ReadAudit,
    ReferenceSequence,
    RequestParty,
    ServiceRequest,
    Township,
)
from portal.ratings.models import Rating  # noqa: F401
from portal.reports.month_models import ReportMonth, ReportMonthValue  # noqa: F401


def unmodelled_prefixes() -> tuple[str, ...]:
    """Name prefixes of the database objects installed capabilities make by hand."""
    from portal.core.registry import installed_capability_packages, load_capability

    return tuple(
        p for c in map(load_capability, installed_capability_packages()) for p in c.unmodelled_objects
    )


def import_capability_models() -> list[str]:
    """Import the `models` module each installed capability declares; return their names."""
    from portal.core.registry import installed_capability_packages, load_capability

    modules = [c.models for c in map(load_capability, installed_capability_packages()) if c.models]
    for module in modules:
        import_module(module)
    return modules
