"""Written questions in the reports (SPEC §7, §14): received, answered within the time and
late, the median days to an answer, the referrals made; each a filter of the queue it
links to, over the report's period. The archive's use is counted apart (no request)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from portal.core.contract import Figure
from portal.core.models import ServiceRequest
from portal.core.registry import QueueFilter
from portal.written_consultations.models import WrittenQuestion
from portal.written_consultations.vocabulary import REFERRALS

_table = WrittenQuestion.__table__


def _where(*conditions):
    return ServiceRequest.id.in_(select(_table.c.id).where(*conditions))


ANSWERED = {
    "answered": (_l("Answered"), lambda: _where(_table.c.answered_at.is_not(None))),
    "in_time": (
        _l("Answered within the time"),
        lambda: _where(_table.c.answered_at.is_not(None), _table.c.answered_at <= _table.c.answer_due_at),
    ),
    "late": (
        _l("Answered late"),
        lambda: _where(
            and_(_table.c.answered_at.is_not(None), _table.c.answered_at > _table.c.answer_due_at)
        ),
    ),
}
REFERRED = {key: label for key, label in REFERRALS.items() if key}

REPORT_FILTERS = (
    QueueFilter(
        "answered",
        _l("Answer"),
        lambda: [(k, str(v[0])) for k, v in ANSWERED.items()],
        lambda value: ANSWERED[value][1]() if value in ANSWERED else None,
    ),
    QueueFilter(
        "referral",
        _l("Referral"),
        lambda: [(k, str(v)) for k, v in REFERRED.items()],
        lambda value: _where(_table.c.referral == value) if value in REFERRED else None,
    ),
)


def _asked_to_answered():
    return ServiceRequest.__table__.c.created_at, _table.c.answered_at


WRITTEN_FIGURES = (
    Figure("received", _l("Written questions received"), "WQ"),
    Figure("answered", _l("Answered"), "WQ", filters=(("answered", "answered"),), share_of="received"),
    Figure(
        "in_time",
        _l("Answered within the time"),
        "WQ",
        filters=(("answered", "in_time"),),
        share_of="answered",
    ),
    Figure("late", _l("Answered late"), "WQ", filters=(("answered", "late"),), share_of="answered"),
    Figure(
        "days_to_answer",
        _l("Median days from question to answer"),
        "WQ",
        filters=(("answered", "answered"),),
        median_days=_asked_to_answered,
    ),
    *(
        Figure(f"referred_{key}", _l("Referred: %(what)s", what=label), "WQ", filters=(("referral", key),))
        for key, label in REFERRED.items()
    ),
)


def archive_use(period, with_tables: bool) -> tuple[list, list]:
    """How often the archive was opened, searched, and shown before a question was sent."""
    from portal.reports.results import Count
    from portal.written_consultations.archive import uses_between

    uses = uses_between(period.start, period.end)
    archive = url_for("written_consultations.answers")
    labels = {
        "view": _l("Archive opened"),
        "search": _l("Archive searched"),
        "similar": _l("Similar answers shown before a question was sent"),
    }
    return [Count(str(labels[what]), n, archive) for what, n in uses.items()], []
