"""What the staff detail page lists of a request, read as the rows it shows: the audit
trail, the internal notes, the files, who viewed the full ID number.

The page only displays them. Loading them as objects cost the detail page a lazy load
each from inside its template, with every author's, actor's and viewer's whole account
(password hash included) joined and adapted row by row: about a fifth of the page's CPU
for a request with four events (issue #40). The rows carry the names the template reads
(`note.author.display_name`, `file.original_name`...). Each statement is built once.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from portal.accounts.models import User
from portal.core.models import Attachment, InternalNote, ReadAudit, ServiceRequest
from portal.core.timeline import Actor, TimelineEvent, timeline_events
from portal.extensions import db

#: The newest viewers of the full ID number the page lists.
READ_AUDIT_SHOWN = 20


@dataclass(frozen=True, slots=True)
class ShownNote:
    author: Actor
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ShownFile:
    id: int
    original_name: str
    content_type: str
    size: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class IdViewing:
    user: Actor
    created_at: datetime


_REQUEST = bindparam("request_id")
_NOTES = (
    select(User.display_name, InternalNote.body, InternalNote.created_at)
    .join(User, User.id == InternalNote.author_id)
    .where(InternalNote.request_id == _REQUEST)
    .order_by(InternalNote.id)
)
_FILES = (
    select(
        Attachment.id,
        Attachment.original_name,
        Attachment.content_type,
        Attachment.size,
        Attachment.created_at,
    )
    .where(Attachment.request_id == _REQUEST)
    .order_by(Attachment.id)
)
_ID_VIEWINGS = (
    select(User.display_name, ReadAudit.created_at)
    .join(User, User.id == ReadAudit.user_id)
    .where(ReadAudit.request_id == _REQUEST)
    .order_by(ReadAudit.id.desc())
    .limit(READ_AUDIT_SHOWN)
)


def audit_trail(found: ServiceRequest) -> list[TimelineEvent]:
    """Every event of the request, whomever it was addressed to, oldest first."""
    return timeline_events(found, None)


def notes_of(found: ServiceRequest) -> list[ShownNote]:
    rows = db.session.execute(_NOTES, {"request_id": found.id})
    return [ShownNote(Actor(row.display_name), row.body, row.created_at) for row in rows]


def files_of(found: ServiceRequest) -> list[ShownFile]:
    return [ShownFile(*row) for row in db.session.execute(_FILES, {"request_id": found.id})]


def id_viewings(found: ServiceRequest) -> list[IdViewing]:
    """The newest READ_AUDIT_SHOWN readings of the full ID number, newest first."""
    rows = db.session.execute(_ID_VIEWINGS, {"request_id": found.id})
    return [IdViewing(Actor(row.display_name), row.created_at) for row in rows]
