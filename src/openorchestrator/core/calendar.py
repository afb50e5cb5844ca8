"""Calendar periods in a time zone (days and months start at local midnight), as aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_midnight(day: date, tz: str) -> datetime:
    """The first instant of `day` in the zone `tz`, as an aware UTC datetime."""
    return datetime.combine(day, time(), ZoneInfo(tz)).astimezone(UTC)


def local_date(moment: datetime, tz: str) -> date:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give an aware one (UTC)")
    return moment.astimezone(ZoneInfo(tz)).date()


def day_start(now: datetime, tz: str) -> datetime:
    """Midnight of `now`'s day in the zone `tz` (an IANA name), in UTC."""
    return local_midnight(local_date(now, tz), tz)


def month_start(now: datetime, tz: str) -> datetime:
    """Midnight of the first day of `now`'s month in the zone `tz`, in UTC."""
    return local_midnight(local_date(now, tz).replace(day=1), tz)


def next_month_start(now: datetime, tz: str) -> datetime:
    """Midnight of the first day of the month after `now`'s month in the zone `tz`, in UTC."""
    first = local_date(now, tz).replace(day=1)
    return local_midnight((first + timedelta(days=32)).replace(day=1), tz)
