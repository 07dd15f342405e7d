"""Tables of written consultations: the question, the duty roster, the archive's search tokens."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import ServiceRequest
from portal.extensions import db


class WrittenQuestion(ServiceRequest):
    """A question written online (type WQ), answered by the day's duty lawyer.

    The text the asker wrote and the answer stay private; what the archive shows is the
    reviewed copy (`public_question`, `public_answer`), made by a second staff member.
    """

    __tablename__ = "written_question"
    __mapper_args__ = {"polymorphic_identity": "WQ"}

    id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    #: The asker agreed that the answered question be published without personal data.
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    #: When the first answer was due (the figures count the answers given by then).
    answer_due_at: Mapped[datetime | None]
    #: The answerer found the question and answer useful to others (may be published).
    suitable: Mapped[bool] = mapped_column(default=False)
    #: Legal aid, mediation or a booked consultation suggested (vocabulary.REFERRALS).
    referral: Mapped[str | None] = mapped_column(String(16))
    follow_up_question: Mapped[str | None] = mapped_column(Text)
    follow_up_answer: Mapped[str | None] = mapped_column(Text)
    #: The reviewed copies the archive shows, and who approved them when.
    public_question: Mapped[str | None] = mapped_column(Text)
    public_answer: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: Taken out of the archive (e.g. the law changed), with why.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(String(300))

    @property
    def answerer_ids(self) -> set[int]:
        """Staff who answered it (from the history): none of them may approve its publication."""
        return {e.actor_id for e in self.events if e.action in ("answer", "answer_follow_up") and e.actor_id}

    @property
    def in_archive(self) -> bool:
        return bool(self.consent_to_publish and self.suitable and self.published_at and not self.withdrawn_at)

    @property
    def awaits_review(self) -> bool:
        return bool(
            self.consent_to_publish
            and self.suitable
            and self.answer
            and self.published_at is None
            and self.withdrawn_at is None
        )


class DutyDay(db.Model):
    """One lawyer or grassroots legal worker on duty for written questions on one date."""

    __tablename__ = "written_duty_day"
    __table_args__ = (UniqueConstraint("day", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    #: Where the lawyer is texted when a question arrives that day (else their account's mobile).
    mobile: Mapped[str | None] = mapped_column(String(16))

    user = relationship("User", lazy="joined")


class ArchiveUse(db.Model):
    """How often the archive was used on a day, by what (a page view, a search, similar
    answers shown before a question is sent): counts only, nothing about who or what was typed."""

    __tablename__ = "written_archive_use"
    __table_args__ = (UniqueConstraint("day", "what"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    what: Mapped[str] = mapped_column(String(12))
    count: Mapped[int] = mapped_column(default=0)


class ArchiveToken(db.Model):
    """A search token (a character bigram or unigram, or a lower-cased word) of a
    published answer: the archive's search reads this index, on SQLite and PostgreSQL."""

    __tablename__ = "written_archive_token"
    __table_args__ = (Index("ix_written_archive_token_token", "token", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("written_question.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(40))


class ContactLogEntry(db.Model):
    """One 12348 call, walk-in visit or outreach contact answered by staff: logged in a
    few keystrokes; the name and mobile are optional (an elderly visitor without a phone)."""

    __tablename__ = "consultation_log_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(12))
    topic: Mapped[str] = mapped_column(String(16))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    name: Mapped[str | None] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    referral: Mapped[str | None] = mapped_column(String(16))
    #: The local day it was logged: the figures count by it.
    logged_on: Mapped[date] = mapped_column(Date, index=True)
    logged_at: Mapped[datetime]
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
