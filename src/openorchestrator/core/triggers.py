"""APScheduler triggers with standard cron meaning across daylight-saving changes, and with a stable jitter.

`StandardCron` wraps the APScheduler cron trigger(s) that `core.cron.build_trigger` makes. When clocks go back,
a wall time such as 02:30 happens twice; APScheduler would fire at both. Standard cron fires a schedule with a
fixed hour once, at the first of the two, and an hourly (`*` hour) schedule every real hour. When clocks go
forward, a time that does not exist (02:30 on the spring day) fires once, an hour later by the wall clock.

`JitteredCron` moves every fire of one bot by the same offset within ±jitter seconds, derived from the bot's id:
twenty hourly bots are spread over a minute, each bot keeps its own steady rhythm, `next_run_at` is exactly when
the run will be created, and the nominal fire time is always `fire time - offset`.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger


class StandardCron(BaseTrigger):  # type: ignore[misc]
    """Standard cron on the wall clock of `timezone`, computed here (not by APScheduler's CronTrigger, which loses
    fires near daylight-saving changes). Fire times come out as UTC datetimes, so `+ timedelta` is real time.

    Matching wall times are walked day by day from the field sets `parse_cron` gives; each is then placed on
    the time line: an ordinary time once; a time the autumn change repeats at its first instant (and at the
    second too when the hour field is `*`); a time the spring change skips one hour later (02:30 → 03:30).
    Answers always move forward, so a skipped time never fires twice with the one it lands on."""

    def __init__(self, fields: list[set[int] | None], timezone: str) -> None:
        self.minutes = sorted(fields[0]) if fields[0] is not None else list(range(60))
        self.hours = sorted(fields[1]) if fields[1] is not None else list(range(24))
        self.days, self.months, self.weekdays = fields[2], fields[3], fields[4]
        self.zone = ZoneInfo(timezone)
        self.fixed_hour = fields[1] is not None

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        if previous_fire_time is not None:
            return self.after(previous_fire_time)
        return self.after(now - timedelta(microseconds=1))

    def after(self, moment: datetime) -> datetime | None:
        """The first fire strictly after `moment`."""
        moment = moment.astimezone(UTC)
        start = moment.astimezone(self.zone).replace(tzinfo=None, second=0, microsecond=0)
        near = timedelta(hours=3)
        if (moment - near).astimezone(self.zone).utcoffset() != (moment + near).astimezone(self.zone).utcoffset():
            start -= near  # a clock change is near: an earlier wall time may still lie ahead on the time line
        for wall in self._walls(start):
            for instant in self._instants(wall):
                if instant > moment:
                    return instant
        return None

    def _day_matches(self, day: date) -> bool:
        if self.months is not None and day.month not in self.months:
            return False
        dom = self.days is None or day.day in self.days
        dow = self.weekdays is None or (day.weekday() + 1) % 7 in self.weekdays
        if self.days is not None and self.weekdays is not None:
            return (day.day in self.days) or ((day.weekday() + 1) % 7 in self.weekdays)  # standard: either
        return dom and dow

    def _walls(self, start: datetime) -> Iterator[datetime]:
        """Matching wall times at or after `start`, ascending (for up to `MAX_YEARS`)."""
        day = start.date()
        for offset in range(366 * MAX_YEARS):
            current = day + timedelta(days=offset)
            if not self._day_matches(current):
                continue
            first_day = offset == 0
            for hour in self.hours[bisect_left(self.hours, start.hour) if first_day else 0 :]:
                same_hour = first_day and hour == start.hour
                for minute in self.minutes[bisect_left(self.minutes, start.minute) if same_hour else 0 :]:
                    yield datetime(current.year, current.month, current.day, hour, minute)

    def _instants(self, wall: datetime) -> list[datetime]:
        first = wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
        second = wall.replace(tzinfo=self.zone, fold=1).astimezone(UTC)
        if first == second:
            return [first]
        if first < second:  # the hour repeated in autumn
            return [first] if self.fixed_hour else [first, second]
        return [first]  # the hour skipped in spring: fold 0 reads it with the old offset, i.e. one hour later

    def __str__(self) -> str:
        return f"cron[{self.zone.key}]"


MAX_YEARS = 9
"""How far a schedule is searched for its next fire (29 February on a Monday recurs within 28 years, but a
schedule that rare is refused earlier as `never fires` only if it cannot occur at all)."""


SCAN_MAX = 2_000
"""Fires counted one by one after a downtime; beyond this the count is a lower bound."""


@dataclass(frozen=True)
class Due:
    times: list[datetime]
    """The newest due nominal times, oldest first."""
    count: int
    exact: bool
    """False when `count` is only a lower bound."""


def jitter_offset(bot_id: str, jitter_seconds: int) -> timedelta:
    """The bot's fixed offset in [-jitter, +jitter], to the millisecond, spread evenly over bot ids."""
    if jitter_seconds <= 0:
        return timedelta(0)
    fraction = int.from_bytes(hashlib.sha256(bot_id.encode()).digest()[:8], "big") / 2**64  # [0, 1)
    return timedelta(milliseconds=round((fraction * 2 - 1) * jitter_seconds * 1000))


class JitteredCron(BaseTrigger):  # type: ignore[misc]
    """Fire times = nominal cron times + a fixed offset. APScheduler hands fire times back as `previous`."""

    def __init__(self, cron: BaseTrigger, offset: timedelta) -> None:
        self.cron = cron
        self.offset = offset

    def nominal_after(self, previous: datetime | None, now: datetime) -> datetime | None:
        """The first nominal time after `previous` (or, without one, whose fire time is at or after `now`)."""
        result: datetime | None = self.cron.get_next_fire_time(previous, now - self.offset)
        return result

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        previous = previous_fire_time - self.offset if previous_fire_time is not None else None
        nominal = self.nominal_after(previous, now)
        return nominal + self.offset if nominal is not None else None

    def due(self, since: datetime, now: datetime, keep: int) -> Due:
        """Nominal times after `since` whose fire time is at or before `now` (the newest `keep` of them)."""
        times: list[datetime] = []
        count, exact = 0, True
        nominal = self.after(since)
        while nominal is not None and nominal + self.offset <= now:
            count += 1
            times.append(nominal)
            if len(times) > keep:
                del times[0]
            if count == SCAN_MAX and len(times) > 1:
                # asleep for weeks with a fire every minute: jump close to now; the count becomes "at least".
                # Twice the span of the kept times: `after` is strict, so one span would find only keep-1 of them.
                restart = now - self.offset - 2 * (times[-1] - times[0])
                if restart > nominal:
                    times, exact = [], False
                    nominal = self.after(restart)
                    continue
            nominal = self.after(nominal)
        return Due(times, count, exact)

    def after(self, moment: datetime) -> datetime | None:
        """The first nominal time strictly after `moment`."""
        result: datetime | None = self.cron.get_next_fire_time(moment, moment + timedelta(microseconds=1))
        return result

    def __str__(self) -> str:
        return f"{self.cron} {self.offset.total_seconds():+.3f}s"
