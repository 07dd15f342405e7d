"""Time in one place: UTC in the database, Asia/Shanghai for people and deadlines."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime, gettext, ngettext

from portal.i18n import current_language

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
#: The due time of requests without a deadline (sorts last; mirrors core.models.NO_DEADLINE).
NO_DEADLINE = datetime(9999, 12, 31)


#: How far tests moved the clock (`move_clock`); always zero outside tests.
_shift = timedelta(0)


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (how the database stores it)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now + _shift if _shift else now


def move_clock(by: timedelta | None) -> None:
    """Tests only: move the portal's clock forward by `by` (None: back to the real time),
    for idle sessions, code lifetimes, deadlines and a slot that has started. Refused
    unless the current app is TESTING."""
    from flask import current_app

    global _shift
    if not current_app.testing:
        raise RuntimeError("the clock moves only in tests")
    _shift = timedelta(0) if by is None else _shift + by


def travel(by: timedelta) -> None:
    """Tests only: move the clock of every `utcnow()` by `by` (a grace time, a delayed
    message); `travel_back()` undoes it. The same clock as `move_clock`."""
    move_clock(by)


def travel_back() -> None:
    move_clock(None)


def to_local(moment: datetime) -> datetime:
    """Convert a stored naive-UTC datetime to local time."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


def from_local(moment: datetime) -> datetime:
    """A naive local (Changsha) time as the naive UTC the database stores."""
    return moment.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def local_today(now: datetime | None = None) -> date:
    """Today's date in the bureau's time zone."""
    return to_local(now or utcnow()).date()


def local_end_of_day(day: date) -> datetime:
    """The last second of a local day, as naive UTC."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def local_midnight(day: date) -> datetime:
    """The first second of a local day, as naive UTC."""
    local = datetime.combine(day, time(0, 0), tzinfo=LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


# Formatting for people, in the request's language: templates, notices and exports use these.
#: Numeric patterns read the same in every language: strftime is far cheaper than Babel.
NUMERIC_PATTERNS = {"yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M", "HH:mm": "%H:%M", "yyyy-MM-dd": "%Y-%m-%d"}


def local_datetime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored UTC moment in Changsha time."""
    if not value:
        return ""
    if fmt in NUMERIC_PATTERNS:
        return to_local(value).strftime(NUMERIC_PATTERNS[fmt])
    return format_datetime(value.replace(tzinfo=None), fmt)


def local_date(value, fmt: str = "yyyy-MM-dd") -> str:
    if isinstance(value, datetime):
        value = to_local(value).date()  # a stored UTC moment: its day in Changsha
    if not value:
        return ""
    if fmt in NUMERIC_PATTERNS:
        return value.strftime(NUMERIC_PATTERNS[fmt])
    key = (current_language(), value, fmt)
    text = _DATES.get(key)
    if text is None:  # a named weekday or month: Babel once per day, pattern and language
        if len(_DATES) >= 4096:
            _DATES.clear()
        text = _DATES[key] = format_date(value, fmt)
    return text


_DATES: dict = {}


def time_left(due: datetime | None) -> str:
    """ "2 days left", "5 hours left" or "overdue by 1 day"."""
    if due is None or due >= NO_DEADLINE:
        return "—"
    seconds = (due - utcnow()).total_seconds()
    hours = int(abs(seconds) // 3600)
    in_days = abs(seconds) >= 86400
    number = hours // 24 if in_days else max(hours, 1)
    key = (current_language(), in_days, number, seconds < 0)
    text = _TIME_LEFT.get(key)
    if text is None:  # each wording once per process and language (a queue page shows one per row)
        if len(_TIME_LEFT) >= 4096:
            _TIME_LEFT.clear()
        text = _TIME_LEFT[key] = _time_left_text(in_days, number, seconds < 0)
    return text


_TIME_LEFT: dict = {}


def _time_left_text(in_days: bool, number: int, overdue: bool) -> str:
    if in_days:
        text = ngettext("%(num)d day", "%(num)d days", number)
    else:
        text = ngettext("%(num)d hour", "%(num)d hours", number)
    if overdue:
        return gettext("overdue by %(time)s", time=text)
    return gettext("%(time)s left", time=text)


def is_overdue(due: datetime | None) -> bool:
    return bool(due and due < utcnow())
