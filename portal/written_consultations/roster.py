"""The duty roster: who answers written questions on which date; a new question goes to
the lawyer on duty that day with the fewest open questions."""

from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.services import active_staff_with_role
from portal.extensions import db
from portal.written_consultations.models import DutyDay, WrittenQuestion
from portal.written_consultations.roles import DUTY


def on_duty(day: date) -> list[User]:
    return list(
        db.session.scalars(
            select(User).join(DutyDay, DutyDay.user_id == User.id).where(DutyDay.day == day).order_by(User.id)
        )
    )


def duty_people() -> list[User]:
    return list(active_staff_with_role(DUTY))


def put_on_duty(day: date, user: User) -> bool:
    """Add `user` to the day's roster; False when they are on it already."""
    if db.session.scalar(select(DutyDay.id).where(DutyDay.day == day, DutyDay.user_id == user.id)):
        return False
    db.session.add(DutyDay(day=day, user_id=user.id))
    return True


def take_off_duty(day: date, user_id: int) -> None:
    found = db.session.scalar(select(DutyDay).where(DutyDay.day == day, DutyDay.user_id == user_id))
    if found is not None:
        db.session.delete(found)


def roster_between(first: date, last: date) -> dict[date, list[DutyDay]]:
    rows = db.session.scalars(
        select(DutyDay).where(DutyDay.day.between(first, last)).order_by(DutyDay.day, DutyDay.id)
    )
    days: dict[date, list[DutyDay]] = {}
    for row in rows:
        days.setdefault(row.day, []).append(row)
    return days


def duty_lawyer_for(day: date) -> User | None:
    """Of those on duty on `day`, the one with the fewest open questions (None: nobody)."""
    people = on_duty(day)
    if not people:
        return None
    load = dict(
        db.session.execute(
            select(WrittenQuestion.handler_id, func.count())
            .where(WrittenQuestion.is_open.is_(True), WrittenQuestion.handler_id.in_([p.id for p in people]))
            .group_by(WrittenQuestion.handler_id)
        ).all()
    )
    return min(people, key=lambda p: (load.get(p.id, 0), p.id))
