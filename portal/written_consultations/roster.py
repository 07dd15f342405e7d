"""The duty roster: who answers written questions on which date; a new question goes to
the lawyer on duty that day with the fewest open questions."""

from datetime import date

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.services import active_staff_with_role
from portal.core.identity import normalise_mobile
from portal.core.notifications import queue_message
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


def put_on_duty(day: date, user: User, mobile: str | None = None) -> bool:
    """Add `user` to the day's roster (texted at `mobile`); False when they are on it already."""
    if db.session.scalar(select(DutyDay.id).where(DutyDay.day == day, DutyDay.user_id == user.id)):
        return False
    db.session.add(DutyDay(day=day, user_id=user.id, mobile=normalise_mobile(mobile or "") or None))
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


#: The text to the duty lawyer when a question arrives in their queue (SMS template key).
NEW_QUESTION_KEY = "written_question.arrived"


def duty_mobile(day: date, user: User) -> str | None:
    """Where the lawyer on duty on `day` is texted: the roster's mobile, else their account's."""
    typed = db.session.scalar(select(DutyDay.mobile).where(DutyDay.day == day, DutyDay.user_id == user.id))
    return normalise_mobile(typed or user.mobile or "") or None


def tell_duty_lawyer(question: WrittenQuestion, lawyer: User, day: date) -> None:
    """Text the duty lawyer that a question arrived (its reference only: the text may be private)."""
    mobile = duty_mobile(day, lawyer)
    if mobile is None:
        return
    locale = lawyer.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        body = gettext(
            "A written question %(reference)s is in your duty queue on the legal services portal.",
            reference=question.reference,
        )
    queue_message(
        mobile,
        body,
        request_id=question.id,
        template=NEW_QUESTION_KEY,
        params={"reference": question.reference},
        locale=locale,
    )
