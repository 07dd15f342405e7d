"""Import every model so that SQLAlchemy's metadata (and Alembic) sees all tables."""

from portal.accounts.models import User, UserRole  # noqa: F401
from portal.advisers.models import (  # noqa: F401
    Adviser,
    AdviserContact,
    Assignment,
    DirectoryEntry,
    ServiceLogEntry,
    Village,
)
from portal.consultations.models import (  # noqa: F401
    Closure,
    ConsultationBooking,
    ConsultationSlot,
    ServicePoint,
    SlotTemplate,
    StaffServicePoint,
    WaitingListEntry,
)
from portal.core.models import (  # noqa: F401
    Attachment,
    AuditEvent,
    Holiday,
    InboxMessage,
    InternalNote,
    OutboxMessage,
    ReadAudit,
    ReferenceSequence,
    ServiceRequest,
    Township,
)
from portal.legal_aid.models import LegalAidApplication  # noqa: F401
