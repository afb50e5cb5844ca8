"""The run queue: FIFO order, at most `parallelism` runs at once, runs held until their `not_before`.

The database is the source of truth (a run is `pending` there before it is submitted here); this queue only
decides *when* each pending run starts. One pump task hands runs to their own asyncio tasks, so a running run
can be cancelled on its own and the parallelism can change while the app runs.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime

from openorchestrator.core.aio import wait_event
from openorchestrator.core.clock import Clock

log = logging.getLogger(__name__)

Execute = Callable[[str], Awaitable[None]]


class RunQueue:
    def __init__(self, execute: Execute, parallelism: int, clock: Clock) -> None:
        self._execute = execute
        self._parallelism = parallelism
        self._clock = clock
        self._ready: deque[str] = deque()
        self._delayed: list[tuple[datetime, int, str]] = []
        self._seq = 0
        self._running: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._pump_task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    # -- what the engine asks -------------------------------------------------------------------------
    @property
    def depth(self) -> int:
        """Runs waiting for a free slot."""
        return len(self._ready)

    @property
    def held(self) -> int:
        """Runs held until their `not_before` (retries after a pause): not waiting for a slot yet."""
        return len(self._delayed)

    @property
    def running(self) -> int:
        return len(self._running)

    def known(self) -> set[str]:
        """Ids of the runs this queue holds: waiting, held or running."""
        return {*self._ready, *(run_id for _, _, run_id in self._delayed), *self._running}

    @property
    def parallelism(self) -> int:
        return self._parallelism

    def set_parallelism(self, value: int) -> None:
        self._parallelism = value
        self._wake.set()

    def submit(self, run_id: str, not_before: datetime | None = None) -> None:
        if not_before is not None and not_before > self._clock.now():
            self._seq += 1
            heapq.heappush(self._delayed, (not_before, self._seq, run_id))
        else:
            self._ready.append(run_id)
        self._idle.clear()
        self._wake.set()

    def withdraw(self, run_id: str) -> bool:
        """Take a waiting run out of the queue. False if it is not waiting (running, or unknown)."""
        if run_id in self._ready:
            self._ready.remove(run_id)
            return True
        for index, entry in enumerate(self._delayed):
            if entry[2] == run_id:
                self._delayed.pop(index)
                heapq.heapify(self._delayed)
                return True
        return False

    async def wait_for(self, run_id: str, seconds: float) -> None:
        """Until the run's task has ended, or `seconds` have passed."""
        task = self._running.get(run_id)
        if task is not None:
            await asyncio.wait([task], timeout=seconds)

    def cancel_running(self, run_id: str) -> bool:
        task = self._running.get(run_id)
        if task is None:
            return False
        task.cancel()
        return True

    # -- life ------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._pump_task is None:
            self._pump_task = asyncio.create_task(self._pump(), name="run-queue")

    async def stop(self) -> None:
        """Stop starting runs and cancel the ones in flight (they end as `cancelled` or are recovered)."""
        if self._pump_task is not None:
            self._pump_task.cancel()
            await asyncio.gather(self._pump_task, return_exceptions=True)
            self._pump_task = None
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def wait_idle(self) -> None:
        """Until nothing is waiting or running (tests, the CLI)."""
        await self._idle.wait()

    # -- the pump --------------------------------------------------------------------------------------
    async def _pump(self) -> None:
        while True:
            self._release_due()
            while self._ready and len(self._running) < self._parallelism:
                self._launch(self._ready.popleft())
            if not self._ready and not self._delayed and not self._running:
                self._idle.set()
            self._wake.clear()
            timeout = self._seconds_to_next_due()
            await wait_event(self._wake, timeout)

    def _release_due(self) -> None:
        now = self._clock.now()
        while self._delayed and self._delayed[0][0] <= now:
            self._ready.append(heapq.heappop(self._delayed)[2])

    def _seconds_to_next_due(self) -> float | None:
        if not self._delayed:
            return None
        return max(0.0, (self._delayed[0][0] - self._clock.now()).total_seconds())

    def _launch(self, run_id: str) -> None:
        task = asyncio.create_task(self._guarded(run_id), name=f"run-{run_id}")
        self._running[run_id] = task

    async def _guarded(self, run_id: str) -> None:
        try:
            await self._execute(run_id)
        except asyncio.CancelledError:
            pass
        except Exception:  # the executor records failures on the run; this is a last line of defence
            log.exception("run %s crashed the executor", run_id)
        finally:
            self._running.pop(run_id, None)
            self._wake.set()
