"""A clock the test moves by hand: wall time and a monotonic counter, like the real ones.

`advance` moves both (time passes normally); `jump` moves only the wall clock, which is what the scheduler sees
when the computer slept (Linux's monotonic clock stands still in suspend) or someone changed the clock.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self._now = start
        self._mono = 1_000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)

    def advance(self, **delta: float) -> datetime:
        step = timedelta(**delta)
        self._now += step
        self._mono += step.total_seconds()
        return self._now

    def advance_to(self, moment: datetime) -> datetime:
        assert moment >= self._now, "advance_to goes forward only; use jump to go back"
        return self.advance(seconds=(moment - self._now).total_seconds())

    def jump(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now
