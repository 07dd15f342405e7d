"""Legal aid: what a transition checks before it may run (refusals said in plain words), and
the decision clock it reads (the day it started, the days used of it)."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.clock import local_date, local_today
from portal.core.deadlines import WorkCalendar, due_after
from portal.core.models import AuditEvent
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication


def _second_materials_request(application: LegalAidApplication):
    if application.materials_requested_at is not None:
        return _l(
            "The materials request was sent on %(day)s. The law asks for everything missing at one time, so a second request is not possible.",
            day=local_date(application.materials_requested_at, "long"),
        )
    return None


def _early_aid_running(application: LegalAidApplication):
    if application.early_aid_at is not None and application.early_aid_ended_at is None:
        return _l("Early aid has already started on this application.")
    return None


def _objection_too_late(application: LegalAidApplication, now):
    days = current_app.config.get("LEGAL_AID_OBJECTION_FILING_DAYS")
    decided = application.terminated_at or application.refused_at
    if days is None or decided is None:
        return None
    if now > due_after(decided, days, current_app.config["LEGAL_AID_DAYS_KIND"]):
        return _l("The time for objecting to this decision (%(days)s days) has passed.", days=days)
    return None


def _change_pending(application: LegalAidApplication):
    if application.change_requested_at is not None:
        return _l("Your request for another person is already with the legal aid centre.")
    return None


def _no_change_asked(application: LegalAidApplication):
    if application.change_requested_at is None:
        return _l("The recipient has not asked for another person.")
    return None


def _objection_is_about(application: LegalAidApplication, decision: str):
    if application.objection_to != decision:
        return _l("This objection is about another decision.")
    return None


def clock_started(application: LegalAidApplication):
    """The day the 7-day decision clock started: the day the centre received the
    application, or the bureau's order to decide again (Art. 49)."""
    corrected = db.session.scalar(
        select(AuditEvent.created_at)
        .where(AuditEvent.request_id == application.id, AuditEvent.action == "correct_refusal")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if corrected is not None:
        return local_today(corrected)
    return application.notice_received_on or local_today(application.created_at)


def days_used(start, now) -> int:
    """Whole days from `start` (a date) to today, counted as the deadline is (calendar or working)."""
    today = local_today(now)
    if today <= start:
        return 0
    if current_app.config["LEGAL_AID_DAYS_KIND"] == "working":
        calendar = WorkCalendar.load(start, today)
        return sum(
            1
            for n in range(1, (today - start).days + 1)
            if calendar.is_working_day(start + timedelta(days=n))
        )
    return (today - start).days
