"""The rating of one request and, for a poor one, the supervisor's follow-up."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.extensions import db


class Rating(db.Model):
    """The applicant's rating of a request: once per request (the unique key holds it even
    when two tabs submit at once)."""

    __tablename__ = "service_rating"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        # The follow-up page and the reports' "open follow-ups": unanswered, by due time.
        Index("ix_service_rating_follow_up", "follow_up_answered_at", "follow_up_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), unique=True)
    #: 5 非常满意 … 1 非常不满意 (see `portal.ratings.levels`).
    level: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    #: The staff member who handled the request when it was rated (reports by staff member).
    handler_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Set for a poor rating: the supervisor answers the person by then.
    follow_up_due_at: Mapped[datetime | None]
    follow_up_answer: Mapped[str | None] = mapped_column(Text)
    follow_up_answered_at: Mapped[datetime | None]
    follow_up_answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    request: Mapped[ServiceRequest] = relationship(lazy="joined")
    handler = relationship("User", foreign_keys=[handler_id])
    answered_by = relationship("User", foreign_keys=[follow_up_answered_by_id])

    @property
    def needs_follow_up(self) -> bool:
        return self.follow_up_due_at is not None

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_due_at is not None and self.follow_up_answered_at is None
