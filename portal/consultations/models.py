"""Service points, their weekly slot templates, closures, slots, bookings and waiting lists."""

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, String, Text, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.core.models import ServiceRequest
from portal.extensions import db


class ServicePoint(db.Model):
    """The county centre, a township justice office (司法所) or an enterprise mediation studio."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    #: "centre", "justice_office" or "mediation_studio".
    point_type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    address: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(30))
    hours: Mapped[str] = mapped_column(String(200))
    services: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    templates: Mapped[list["SlotTemplate"]] = relationship(
        order_by="(SlotTemplate.weekday, SlotTemplate.start_time)", cascade="all, delete-orphan"
    )


class SlotTemplate(db.Model):
    """A weekly opening: e.g. Mondays 09:00-11:30, 30-minute slots, 2 lawyers on duty."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_point_id: Mapped[int] = mapped_column(
        ForeignKey("service_point.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(default=30)
    capacity: Mapped[int] = mapped_column(default=1)


class Closure(db.Model):
    """A day a service point is closed (one-off); bureau-wide holidays come from the calendar."""

    __table_args__ = (UniqueConstraint("service_point_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))


class ConsultationSlot(db.Model):
    """One bookable time at a service point; `booked` only moves by conditional UPDATE."""

    # The unique constraint's index also serves "slots of a point between two times".
    __table_args__ = (UniqueConstraint("service_point_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)
    blocked: Mapped[bool] = mapped_column(default=False)

    service_point: Mapped[ServicePoint] = relationship(lazy="joined")

    @property
    def free(self) -> int:
        return 0 if self.blocked else max(self.capacity - self.booked, 0)


class ConsultationBooking(ServiceRequest):
    """A booked consultation (type CB)."""

    __tablename__ = "consultation_booking"
    __table_args__ = (
        Index("ix_booking_point_start", "service_point_id", "starts_at"),
        # The desk's day view reads a day's bookings by their slots: without it SQLite
        # walked every service request to find them (84 ms at 1M requests).
        Index("ix_booking_slot", "slot_id"),
    )
    __mapper_args__ = {"polymorphic_identity": "CB"}

    id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("consultation_slot.id"))
    #: Copied from the slot: the appointment time (the queue sorts by it).
    #: The report counts a booking in its appointment's month: the old value is loaded
    #: before a change, so that a reschedule recounts the month it left (portal.reports.summary).
    starts_at: Mapped[datetime] = mapped_column(active_history=True)
    channel: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(Text)
    walk_in: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(Text)
    referral: Mapped[str | None] = mapped_column(String(20))
    minutes_spent: Mapped[int | None]
    reminder_sent_at: Mapped[datetime | None]
    #: The .ics SEQUENCE: raised by every reschedule and by the cancellation, so that a
    #: calendar app replaces the event it has (same UID) with the newer file.
    ics_sequence: Mapped[int] = mapped_column(default=0)

    service_point: Mapped[ServicePoint] = relationship(foreign_keys=[service_point_id], lazy="joined")
    slot: Mapped[ConsultationSlot] = relationship(foreign_keys=[slot_id])


class WaitingListEntry(db.Model):
    """Someone waiting for a free seat at a service point; offered the first freed seat."""

    __table_args__ = (
        # One waiting entry per mobile and point, whatever races (issue #37).
        Index(
            "uq_waiting_list_entry_waiting_mobile",
            "service_point_id",
            "mobile",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_point_id: Mapped[int] = mapped_column(
        ForeignKey("service_point.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    mobile: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    #: waiting → offered (a seat was freed and offered by SMS) | cancelled
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    offered_slot_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_slot.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    offered_at: Mapped[datetime | None]


class StaffServicePoint(db.Model):
    """Desk staff work only the service points they are assigned to."""

    __table_args__ = (UniqueConstraint("user_id", "service_point_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id", ondelete="CASCADE"))
