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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger


class StandardCron(BaseTrigger):  # type: ignore[misc]
    """Fire times as UTC datetimes (so `+ timedelta` is real time, not wall-clock arithmetic)."""

    def __init__(self, inner: BaseTrigger, timezone: str, fixed_hour: bool) -> None:
        self.inner = inner
        self.zone = ZoneInfo(timezone)
        self.fixed_hour = fixed_hour

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        fire = self._next(previous_fire_time, now)
        while fire is not None and self.fixed_hour and self._second_occurrence(fire):
            fire = self._next(fire, fire)
        return fire

    def _next(self, previous: datetime | None, now: datetime) -> datetime | None:
        fire = self._ask(previous, now)
        if fire is None or previous is None or fire > previous:
            return fire
        # In the hour repeated in autumn APScheduler loses track of which 02:xx it is and answers a time that is
        # not after `previous`. The same wall time's second occurrence is the answer, or else a later minute.
        probe = previous
        for _ in range(MINUTES_PROBED):
            second = self._second_of(fire)
            if second > previous:
                return second
            probe += timedelta(minutes=1)
            fire = self._ask(None, probe)
            if fire is None or fire > previous:
                return fire
        return None

    def _ask(self, previous: datetime | None, now: datetime) -> datetime | None:
        fire: datetime | None = self.inner.get_next_fire_time(previous, now)
        return fire.astimezone(UTC) if fire is not None else None

    def _second_of(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone).replace(fold=1).astimezone(UTC)

    def _second_occurrence(self, moment: datetime) -> bool:
        """True for the later of two instants that share one wall time (the hour repeated in autumn)."""
        local = moment.astimezone(self.zone)
        first = local.replace(fold=0)
        return bool(local.fold == 1 and first.utcoffset() != local.utcoffset())

    def __str__(self) -> str:
        return str(self.inner)


MINUTES_PROBED = 180
"""How far past a stuck answer `StandardCron` looks, minute by minute (the repeated hour plus margin)."""
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
                # asleep for weeks with a fire every minute: jump close to now; the count becomes "at least"
                restart = now - self.offset - (times[-1] - times[0])
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
