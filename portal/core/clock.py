"""Time in one place: UTC in the database, Asia/Shanghai for people and deadlines."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (how the database stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """Convert a stored naive-UTC datetime to local time."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


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
