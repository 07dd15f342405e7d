"""Villages, advisers, assignment history, service log, the search table, AC requests."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest, Township
from portal.extensions import db


class Village(db.Model):
    """A village (村) or community (社区) of a township."""

    __table_args__ = (Index("ix_village_township_name", "township_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    name: Mapped[str] = mapped_column(String(50))
    #: "village" or "community".
    village_type: Mapped[str] = mapped_column(String(16), default="village")
    #: Invented demo data: pages say so.
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    township: Mapped[Township] = relationship(lazy="joined")


class Adviser(db.Model):
    """A village legal adviser: a lawyer or grassroots legal worker."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    #: "lawyer" or "legal_worker" (基层法律服务工作者).
    profession: Mapped[str] = mapped_column(String(16), default="lawyer")
    law_firm: Mapped[str] = mapped_column(String(100))
    #: Public work phone, normalised (mobile: 11 digits; landline: 0731-84000000).
    work_phone: Mapped[str] = mapped_column(String(20))
    #: On-site schedule, e.g. "每月第二个周三上午在村部".
    schedule: Mapped[str | None] = mapped_column(Text)
    specialties: Mapped[str | None] = mapped_column(String(200))
    #: The staff account (role lawyer) of an adviser who works AC requests on the portal.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), unique=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class Assignment(db.Model):
    """An adviser serving a village from start_date; end_date set when reassigned."""

    __tablename__ = "adviser_assignment"
    __table_args__ = (
        Index("ix_assignment_village", "village_id", "start_date"),
        Index("ix_assignment_adviser", "adviser_id", "end_date"),
        # At most one current adviser per village.
        Index(
            "uq_assignment_current",
            "village_id",
            unique=True,
            sqlite_where=text("end_date IS NULL"),
            postgresql_where=text("end_date IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"))
    adviser_id: Mapped[int] = mapped_column(ForeignKey("adviser.id", ondelete="CASCADE"))
    start_date: Mapped[date] = mapped_column(Date)
    #: None while the assignment is current.
    end_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    village: Mapped[Village] = relationship(lazy="joined")
    adviser: Mapped[Adviser] = relationship(lazy="joined")


class ServiceLogEntry(db.Model):
    """What an adviser did on a day: mediations, services, education events (with counts)."""

    __table_args__ = (
        Index("ix_service_log_adviser", "adviser_id", "served_on"),
        Index("ix_service_log_village", "village_id", "served_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    adviser_id: Mapped[int] = mapped_column(ForeignKey("adviser.id", ondelete="CASCADE"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="SET NULL"))
    #: mediation | village_service | resident_service | education | other
    service_type: Mapped[str] = mapped_column(String(20))
    served_on: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(default=1)
    description: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    village: Mapped[Village | None] = relationship(lazy="joined")
    entered_by = relationship("User")


class DirectoryEntry(db.Model):
    """One row per village with every name a resident may type: the search table.

    Each *_keys column is "||key||key||...||": names, short names (without 村/镇/街道...),
    their pinyin in full and initials, lower case, 㮾 folded to 榔. SQLite indexes it
    with an FTS5 trigram table (directory_fts), PostgreSQL with one pg_trgm GIN
    expression index; both are created by migration 0002_advisers.
    """

    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    adviser_id: Mapped[int | None] = mapped_column(ForeignKey("adviser.id", ondelete="SET NULL"), index=True)
    #: Sort key within a rank: the township's order, then the village name.
    township_order: Mapped[int] = mapped_column(default=0)
    village_name: Mapped[str] = mapped_column(String(50))
    village_keys: Mapped[str] = mapped_column(Text)
    township_keys: Mapped[str] = mapped_column(Text)
    adviser_keys: Mapped[str] = mapped_column(Text, default="||")

    @classmethod
    def document(cls):
        """The indexed expression (PostgreSQL's GIN index is on exactly this)."""
        return cls.village_keys.concat(cls.township_keys).concat(cls.adviser_keys)


class AdviserContact(ServiceRequest):
    """A resident's contact request to their village's adviser (type AC)."""

    __tablename__ = "adviser_contact"
    __table_args__ = (Index("ix_adviser_contact_adviser", "adviser_id"),)
    __mapper_args__ = {"polymorphic_identity": "AC"}

    id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True)
    adviser_id: Mapped[int | None] = mapped_column(ForeignKey("adviser.id", ondelete="SET NULL"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="SET NULL"))
    topic: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    preferred_time: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]

    adviser: Mapped[Adviser | None] = relationship(foreign_keys=[adviser_id], lazy="joined")
    village: Mapped[Village | None] = relationship(foreign_keys=[village_id], lazy="joined")
