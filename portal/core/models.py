"""Tables of the shared workflow: requests, their audit trail, notes, files, messages."""

import json
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

#: Sort key for "no deadline": keeps keyset pagination on a non-null column.
from portal.core.clock import (
    NO_DEADLINE,  # noqa: E402,F401  (one definition, re-exported)
    utcnow,
)
from portal.extensions import db


class Township(db.Model):
    """A township or street of the county (NBS code), e.g. 430121001 星沙街道."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(80))
    #: Older spellings still seen in documents (㮾梨 was printed 榔梨).
    alias: Mapped[str | None] = mapped_column(String(50))
    sort_order: Mapped[int] = mapped_column(default=0)
    #: Search keys (name, alias, pinyin, initials) made once, so that searching never
    #: needs the pinyin dictionaries in a web worker.
    search_keys: Mapped[str | None] = mapped_column(String(400))


class Holiday(db.Model):
    """A day off, or (is_workday) a weekend day worked in exchange (调休)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(80))
    is_workday: Mapped[bool] = mapped_column(default=False)
    #: "official" (imported from chinesecalendar: an import may update it) or "staff"
    #: (entered or corrected on the admin page: an import never touches it).
    source: Mapped[str] = mapped_column(String(16), default="staff")


class ReferenceSequence(db.Model):
    """The last number handed out per request type and year; numbers are never reused."""

    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class ServiceRequest(db.Model):
    """What every request type shares: reference, applicant, state, handler, deadline.

    Each type adds its own table (joined-table inheritance), so the queue pages read
    one narrow, well-indexed table whatever the type.
    """

    __tablename__ = "service_request"
    __table_args__ = (
        # Queue tabs: keyset order (priority, due_sort, id) inside a type.
        Index("ix_request_queue_open", "request_type", "is_open", "priority", "due_sort", "id"),
        # The township at the end: the report's workload of one township reads it alone.
        Index(
            "ix_request_queue_handler",
            "request_type",
            "handler_id",
            "is_open",
            "priority",
            "due_sort",
            "id",
            "township_id",
        ),
        Index("ix_request_type_status", "request_type", "status", "priority", "due_sort", "id"),
        Index("ix_request_type_created", "request_type", "created_at"),
        # Queue tabs sorted by received date: keyset order (created_at, id) inside a type.
        Index("ix_request_queue_received", "request_type", "is_open", "created_at", "id"),
        # The reports count a month's requests by state and township from this index
        # alone (no table row read per request; the id joins the kind's own report index):
        # see portal/reports/compute.py.
        Index("ix_request_report", "request_type", "created_at", "status", "is_open", "township_id", "id"),
        # The overdue tab and its count: a range on due_sort, bounded by the matches (the
        # township at the end: a township's overdue count reads the index alone).
        Index("ix_request_queue_due", "request_type", "is_open", "due_sort", "township_id"),
        # Search by the start of the applicant's name (a range on the name).
        Index(
            "ix_request_type_name",
            "request_type",
            "applicant_name",
            postgresql_ops={"applicant_name": "text_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_type: Mapped[str] = mapped_column(String(4))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(32))
    is_open: Mapped[bool] = mapped_column(default=True)
    #: 0 = urgent (sorts first), 1 = normal.
    priority: Mapped[int] = mapped_column(default=1)
    #: The deadline that matters now, or None while the clock is stopped.
    due_at: Mapped[datetime | None]
    #: due_at or NO_DEADLINE: a non-null copy for keyset pagination.
    due_sort: Mapped[datetime] = mapped_column(default=NO_DEADLINE)
    #: What due_at was counted from (portal.core.deadlines.Period), so that a change of the
    #: holiday calendar counts it again; None for a deadline set another way.
    due_from: Mapped[datetime | None]
    due_days: Mapped[int | None]
    due_count: Mapped[str | None] = mapped_column(String(12))
    applicant_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    applicant_name: Mapped[str] = mapped_column(String(100))
    #: Normalised mobile; tracking without an account uses reference + this. None for a
    #: request staff entered for someone without a mobile (no texts; SPEC §2).
    applicant_mobile: Mapped[str | None] = mapped_column(String(16), index=True)
    #: The mobile was proven by a code (or by the signed-in account that proved it) when the
    #: request was made: the account of that mobile lists the request. Never for a mobile
    #: typed by staff.
    mobile_proven: Mapped[bool] = mapped_column(default=False)
    #: Safe contact (portal.core.safe_contact): no text of any kind; the office calls as
    #: `contact_how` says, the applicant tracks with a PIN (its hash, and wrong tries).
    safe_contact: Mapped[bool] = mapped_column(default=False)
    contact_how: Mapped[str | None] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    pin_tries: Mapped[int] = mapped_column(default=0)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Language the applicant used: messages to them are written in it.
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    #: Bumped by every transition; conditional updates compare it.
    version: Mapped[int] = mapped_column(default=1)

    township: Mapped[Township | None] = relationship(lazy="joined")
    handler = relationship("User", foreign_keys=[handler_id], lazy="joined")
    applicant_user = relationship("User", foreign_keys=[applicant_user_id])
    events: Mapped[list["AuditEvent"]] = relationship(
        back_populates="request", order_by="AuditEvent.id", cascade="all, delete-orphan"
    )
    notes: Mapped[list["InternalNote"]] = relationship(
        order_by="InternalNote.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        order_by="Attachment.id", cascade="all, delete-orphan"
    )
    messages: Mapped[list["InboxMessage"]] = relationship(
        order_by="InboxMessage.id", cascade="all, delete-orphan"
    )
    #: Other parties (e.g. the other side of a mediated dispute), told what concerns them.
    parties: Mapped[list["RequestParty"]] = relationship(
        order_by="RequestParty.id", cascade="all, delete-orphan", back_populates="request"
    )

    @property
    def applicant_messages(self) -> list["InboxMessage"]:
        return [m for m in self.messages if m.party_id is None]

    # version_id_col makes every UPDATE conditional on the version read: of two officers
    # acting at once, exactly one flush succeeds (StaleDataError for the other).
    __mapper_args__ = {"polymorphic_on": "request_type", "version_id_col": version}

    def set_due(self, due_at: datetime | None) -> None:
        """Set the current deadline and its sort copy together (not counted from a period)."""
        self.due_at = due_at
        self.due_sort = due_at or NO_DEADLINE
        self.due_from = self.due_days = self.due_count = None

    def set_deadline(self, period) -> datetime:
        """Set the current deadline to the end of a `deadlines.Period`, and keep the period."""
        due = period.due()
        self.set_due(due)
        self.due_from, self.due_days, self.due_count = period.start, period.days, period.count
        return due

    @property
    def in_custody(self) -> bool:
        """About a person in custody: its periods are not extended by holidays (a kind says)."""
        return False

    def deadline_moved(self, old: datetime, new: datetime) -> None:
        """The calendar moved the current deadline: a kind updates its own copies of it."""


class AuditEvent(db.Model):
    """One thing that happened to a request: who, when, from which state to which."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: "applicant", "staff" or "system": who acted when there is no account.
    actor_type: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    #: Whom it is addressed to: "applicant", "party" (the other party), "both" or "staff"
    #: (staff only). Each side's timeline shows only what is addressed to it (SPEC §2).
    audience: Mapped[str] = mapped_column(String(10), default="staff")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="events")
    actor = relationship("User", lazy="joined")


class InternalNote(db.Model):
    """A staff-only note on a request; never shown to the applicant."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")


class Attachment(db.Model):
    """A file uploaded with a request, stored under a random name outside static/."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    #: "application" with the first submission, "materials" with a 补正 answer.
    purpose: Mapped[str] = mapped_column(String(16), default="application")
    uploaded_by_applicant: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PendingUpload(db.Model):
    """A checked file written to disk before its request exists (SPEC §13).

    Staged in a transaction of its own and tied to the browser session, so that a form
    shown again (an error, a language switch) keeps its files and a failed submission
    leaves no orphan: a request claims its files as attachments, and `purge-uploads`
    removes what nobody claimed within a day.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random; the form carries it back in a hidden field.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    #: Random key of the browser session that staged it; only that session may claim it.
    session_key: Mapped[str] = mapped_column(String(32), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class RequestParty(db.Model):
    """Another party of a request (SPEC §12): told by SMS or inbox what concerns them, and
    able to follow it with the reference and their own mobile, never seeing the
    applicant's mobile, ID number or files."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), index=True)
    #: What the party is to the request, e.g. "other_party".
    role: Mapped[str] = mapped_column(String(20), default="other_party")
    name: Mapped[str] = mapped_column(String(100))
    #: Normalised mobile, when known: their SMS and their way to follow the request.
    mobile: Mapped[str | None] = mapped_column(String(16), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    #: Their account, when they have one: messages reach its inbox.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    #: When the party was first told; before that they cannot follow the request.
    notified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="parties")


class InboxMessage(db.Model):
    """A message to the applicant (or to another party), shown with the request on the portal."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), index=True)
    #: Set for a message to another party of the request; None for the applicant's.
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("request_party.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class OutboxMessage(db.Model):
    """A message waiting for (or done with) delivery by SMS or email."""

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_delivery", "delivery"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(10), default="sms")
    recipient: Mapped[str] = mapped_column(String(200))
    #: The provider's pre-approved template (settings map the key to its code), e.g.
    #: "legal_aid.approve"; the parameters fill it, already in the recipient's language.
    template_key: Mapped[str] = mapped_column(String(80), default="free_text", server_default="free_text")
    params: Mapped[str | None] = mapped_column(Text)
    #: The recipient's language, in which `body` and `params` were written.
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans", server_default="zh_Hans")
    #: The email's subject (None for an SMS).
    subject: Mapped[str | None] = mapped_column(String(200))
    #: The rendered text, as the person reads it: kept for the inbox, the log and staff.
    body: Mapped[str] = mapped_column(Text)
    #: pending → sending → sent, or failed after the last attempt.
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Set when one event must never produce two messages (e.g. a reminder).
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    #: The provider's id for the message (an SMS gateway's biz id, an email's Message-ID).
    provider_id: Mapped[str | None] = mapped_column(String(200))
    #: From the gateway's delivery receipt: "delivered" or "undelivered" (None: no receipt yet).
    delivery: Mapped[str | None] = mapped_column(String(12))
    delivered_at: Mapped[datetime | None]

    @property
    def parameters(self) -> dict[str, str]:
        """The template parameters (JSON in the row)."""
        return json.loads(self.params) if self.params else {}

    @property
    def has_failed(self) -> bool:
        """Given up by the sender, or reported undelivered by the gateway: staff must see it."""
        return self.status == "failed" or self.delivery == "undelivered"


class ReadAudit(db.Model):
    """Who saw a full ID number, and when (SPEC §2, audit of reading)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    what: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined")


def user_model() -> type:
    """The account model (defined by portal.accounts), as the core's own relationships map
    it: the core reads accounts without importing the package above it."""
    return ServiceRequest.handler.property.mapper.class_
