"""The scheduler: APScheduler 3.x jobs built from the bots table, one scheduling process per database.

- The bots table is the truth. Jobs live in APScheduler's memory store (nothing pickled) and are rebuilt from the
  table at start-up, when this process becomes the scheduling one, after a clock jump, and whenever bots change
  (here through `bot_changed`, or in another process or the CLI: seen by a cheap poll of the table).
- A job only wakes us: `_FireExecutor` hands the bot to `fires.settle`, which decides from the bot's
  `fired_until` and the clock what is due, so fires on time, misses and catch-ups share one code path, and
  APScheduler's misfire rules (which drop late fires silently) never decide anything.
- One scheduling process per database: a lease row, renewed every third of its lifetime. Another process on the
  same database serves the API and says `standby` in `/api/status`; it takes over when the lease runs out.
- Sleep and clock jumps: each tick compares the wall clock's progress with the monotonic clock's; a difference
  of more than `JUMP_SECONDS` settles every bot (misses are recorded as "asleep") and rebuilds the jobs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.executors.base import BaseExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openorchestrator.config import Config
from openorchestrator.core.clock import Clock
from openorchestrator.core.cron import CronError
from openorchestrator.db.models import Bot
from openorchestrator.engine.runner import RunEngine
from openorchestrator.schedules import fires
from openorchestrator.schedules.lease import SchedulerLease
from openorchestrator.settings.schemas import AppSettings
from openorchestrator.settings.service import SettingsStore

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
JUMP_SECONDS = 30.0
"""Wall clock and monotonic clock may drift apart by this much between two ticks before we call it a jump."""


class _FireExecutor(BaseExecutor):  # type: ignore[misc]
    """Hands due jobs to the scheduler instead of calling them: the fire's work is `fires.settle`."""

    def __init__(self, fired: Callable[[str], None]) -> None:
        super().__init__()
        self._fired = fired

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        self._fired(job.id)
        # done at once, but counted only after this returns (APScheduler increments after `_do_submit_job`)
        asyncio.get_running_loop().call_soon(self._run_job_success, job.id, [])


class Scheduler:
    def __init__(
        self,
        *,
        config: Config,
        engine: RunEngine,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: SettingsStore,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.engine = engine
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.clock = clock
        self.monotonic = monotonic
        self.lease = SchedulerLease(sessionmaker, clock, seconds=config.scheduler_lease_seconds, gone=engine.owner_gone)
        engine.run_as(self.lease.holder)
        self.role = "off"
        self._aps: AsyncIOScheduler | None = None
        self._known: dict[str, tuple[Any, ...]] = {}
        self._mark: tuple[Any, ...] | None = None
        self._due: set[str] = set()
        self._resettle: str | None = None
        """A settle of every bot that failed (its reason): tried again each tick until it works."""
        self._flushing: asyncio.Task[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._updates: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()
        self._subscribed = False
        self._seen: tuple[str, int] | None = (settings.current.timezone, settings.current.jitter_seconds)
        self._wall = self._mono = 0.0
        self._on_lead: list[Callable[[], Awaitable[None]]] = []
        self._on_standby: list[Callable[[], Awaitable[None]]] = []
        self.fired = 0
        """Fires handled since start (on time, caught up, missed or dropped)."""

    @property
    def lease_seconds(self) -> float:
        return self.config.scheduler_lease_seconds

    @property
    def holder(self) -> str:
        """This process's id (see `core/process.py`)."""
        return self.lease.holder

    @property
    def leader(self) -> str | None:
        return self.lease.leader

    def while_leading(self, start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]]) -> None:
        """Run `start` when this process becomes the scheduling one and `stop` when it stops being it (another
        process took over, or this one stops): the notification dispatcher lives like the schedules."""
        self._on_lead.append(start)
        self._on_standby.append(stop)

    async def _standby(self) -> None:
        for stop in self._on_standby:
            await stop()

    # -- life ------------------------------------------------------------------------------------------
    async def start(self) -> None:
        if not self.config.scheduler:
            return
        self.role = "standby"
        self._remember_clock()
        if not self._subscribed:
            self.settings.subscribe(self._settings_changed)
            self._subscribed = True
        try:
            await self.tick()
        except Exception:  # e.g. the database is locked a moment: serve anyway, the next tick tries again
            log.exception("scheduler: first tick failed; trying again shortly")
        self._task = asyncio.create_task(self._maintain(), name="scheduler")

    async def stop(self) -> None:
        tasks = [task for task in (self._task, self._flushing, *self._updates) if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._standby()
        if self.role == "leader":
            self._stop_jobs()
            await self.lease.release()
        self.role = "off"

    async def _maintain(self) -> None:
        while True:
            await asyncio.sleep(max(0.2, min(self.lease_seconds / 3, 5.0)))
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # a locked database or a bad row must not end scheduling for good
                log.exception("scheduler tick failed; trying again")

    async def tick(self) -> None:
        """Renew or take the lease; as the scheduling process, notice clock jumps and bots changed elsewhere."""
        async with self._lock:
            try:
                await self.settings.refresh()  # changed through another process? (jitter, time zone, parallel runs …)
            except Exception:
                log.warning("scheduler: could not re-read the settings", exc_info=True)
            leading = await self.lease.claim()
            if leading and self.role != "leader":
                await self._lead()
            elif not leading and self.role == "leader":
                log.warning("scheduler: another process (%s) took over scheduling", self.leader)
                self._stop_jobs()
                self.role = "standby"
                await self._standby()
            if self.role != "leader":
                return
            if self._clock_jumped() or self._resettle is not None:
                reason = self._resettle or "asleep"
                log.warning("scheduler: the clock jumped or the computer slept; checking every schedule")
                self._resettle = reason  # kept until it worked: a failed settle is tried again next tick
                await self._settle(None, reason)
                self._resettle = None
                await self._sync_jobs(full=True)
            else:
                await self._follow_changes()
            if self._due and (self._flushing is None or self._flushing.done()):
                self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _lead(self) -> None:
        """Become the scheduling process: recover stranded runs, settle what was missed, build the jobs. If any
        step fails, this process stays standby (holding the lease) and the next tick tries again."""
        log.info("scheduler: this process schedules the bots")
        await self.engine.recover_stranded()
        self._aps = AsyncIOScheduler(
            timezone=UTC,
            executors={"default": _FireExecutor(self._fired)},
            job_defaults={"coalesce": True, "max_instances": 1_000_000, "misfire_grace_time": None},
        )
        self._aps.start()
        self._known.clear()
        self._remember_clock()
        try:
            await self._settle(None, "app_off")
            await self._sync_jobs(full=True)
        except BaseException:
            self._stop_jobs()
            raise
        self.role = "leader"
        for start in self._on_lead:
            await start()

    def _stop_jobs(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        self._known.clear()
        self._mark = None

    # -- the clock -------------------------------------------------------------------------------------
    def _remember_clock(self) -> None:
        self._wall, self._mono = self.clock.now().timestamp(), self.monotonic()

    def _clock_jumped(self) -> bool:
        wall, mono = self.clock.now().timestamp(), self.monotonic()
        drift = (wall - self._wall) - (mono - self._mono)
        self._wall, self._mono = wall, mono
        return abs(drift) > JUMP_SECONDS

    # -- jobs ------------------------------------------------------------------------------------------
    def _signature(self, row: Any, current: AppSettings) -> tuple[Any, ...]:
        return (row.schedule, row.timezone or current.timezone, current.jitter_seconds)

    async def _sync_jobs(self, *, full: bool, only: set[str] | None = None) -> None:
        """Make the jobs match the table: add, replace, remove. `full` replaces every job."""
        if self._aps is None:
            return
        current = self.settings.current
        async with self.sessionmaker() as session:
            query = select(Bot.id, Bot.schedule, Bot.timezone, Bot.enabled, Bot.fired_until, Bot.updated_at)
            if only is not None:
                query = query.where(Bot.id.in_(only))
            rows = (await session.execute(query)).all()
            if only is None:
                self._mark = await self._table_mark(session)
        wanted = {row.id: row for row in rows if row.enabled and row.schedule}
        gone = (set(self._known) if only is None else only) - set(wanted)
        for bot_id in gone:
            if self._known.pop(bot_id, None) is not None:
                self._aps.remove_job(bot_id)
        changed = [row for row in wanted.values() if full or self._known.get(row.id) != self._signature(row, current)]
        if changed and not full:
            await self._settle([row.id for row in changed if row.id in self._known], "late")
        now = self.clock.now()
        for row in changed:
            try:
                trigger = fires.trigger_for(
                    row.id, row.schedule, row.timezone, current.timezone, current.jitter_seconds
                )
            except (CronError, ValueError) as exc:
                log.warning("bot %s: schedule %r cannot be used: %s", row.id, row.schedule, exc)
                continue
            first = fires.next_fire(trigger, row.fired_until, now)
            if first is None:
                if self._known.pop(row.id, None) is not None:
                    self._aps.remove_job(row.id)
                continue
            self._aps.add_job(_never_called, trigger=trigger, id=row.id, replace_existing=True, next_run_time=first)
            self._known[row.id] = self._signature(row, current)

    async def _table_mark(self, session: AsyncSession) -> tuple[Any, ...]:
        row = (await session.execute(select(func.count(Bot.id), func.max(Bot.updated_at)))).one()
        return tuple(row)

    async def _follow_changes(self) -> None:
        """Bots changed by another process or the CLI: seen here within one tick."""
        async with self.sessionmaker() as session:
            mark = await self._table_mark(session)
        if mark != self._mark:
            await self._sync_jobs(full=False)

    def bot_changed(self, bot_id: str) -> None:
        """A bot was created, changed or deleted in this process: update its job now."""
        if self.role == "leader":
            self._later(lambda: self._sync_jobs(full=False, only={bot_id}))

    def _settings_changed(self, new: AppSettings) -> None:
        seen, self._seen = self._seen, (new.timezone, new.jitter_seconds)
        if self.role != "leader":
            return
        if seen is not None and seen != self._seen:  # fire times moved: handled from now on, no invented misses
            zone_changed = seen[0] != new.timezone
            self._later(lambda: self._reanchor(zone_changed, new.jitter_seconds))
        self._later(lambda: self._sync_jobs(full=False))

    async def _reanchor(self, zone_changed: bool, jitter: int) -> None:
        now = self.clock.now()
        async with self.sessionmaker() as session:
            query = select(Bot.id, Bot.timezone).where(Bot.schedule.is_not(None))
            for bot_id, zone in (await session.execute(query)).all():
                if zone is None or not zone_changed:
                    await session.execute(
                        update(Bot).where(Bot.id == bot_id).values(fired_until=fires.anchor(bot_id, now, jitter))
                    )
            await session.commit()

    def _later(self, work: Callable[[], Awaitable[None]]) -> None:
        async def guarded() -> None:
            async with self._lock:
                try:
                    await work()
                except Exception:
                    log.exception("scheduler: updating jobs failed; the next tick tries again")
                    self._mark = None

        task = asyncio.get_running_loop().create_task(guarded())
        self._updates.add(task)
        task.add_done_callback(self._updates.discard)

    # -- fires -----------------------------------------------------------------------------------------
    def _fired(self, bot_id: str) -> None:
        """Called by APScheduler (on the event loop) for each due job; fires of one pass are settled together."""
        self._due.add(bot_id)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        while self._due:
            batch, self._due = list(self._due), set()
            try:
                if self._clock_jumped():  # woke up from sleep: this job fired late, and every bot may have missed
                    self._resettle = "asleep"
                    await self._settle(None, "asleep")
                    self._resettle = None
                    self._later(lambda: self._sync_jobs(full=True))
                else:
                    await self._settle(batch, "late")
            except Exception:
                self._due.update(batch)  # the next tick tries these again
                log.exception("scheduler: %d fires could not be handled; trying again next tick", len(batch))
                return

    async def _settle(self, bot_ids: list[str] | None, reason: str) -> fires.Settled:
        current = self.settings.current
        policy = fires.FirePolicy(
            now=self.clock.now(),
            default_tz=current.timezone,
            jitter_seconds=current.jitter_seconds,
            language=current.language,
            reason=reason,
            stale_after=current.stale_after_fires,
        )
        settled = await self.engine.admit(lambda session: fires.settle(session, bot_ids, policy), lambda s: s.runs)
        self.fired += len(settled.runs) + settled.dropped
        if settled.missed or settled.dropped:
            log.info("scheduler: %d fires missed (%s), %d dropped", settled.missed, reason, settled.dropped)
        return settled

    async def settle_now(self, reason: str = "late") -> fires.Settled:
        """Handle every due fire at once (what a tick of APScheduler would do); for tests and tools."""
        async with self._lock:
            return await self._settle(None, reason)

    # -- reporting -------------------------------------------------------------------------------------
    def next_run_at(self, bot: Bot) -> datetime | None:
        """When the bot's next scheduled run will be created, computed from the bot (so every process agrees)."""
        current = self.settings.current
        return fires.next_run_at(bot, self.clock.now(), current.timezone, current.jitter_seconds)

    def job_next_fire(self, bot_id: str) -> datetime | None:
        if self._aps is None:
            return None
        job = self._aps.get_job(bot_id)
        return job.next_run_time if job is not None else None

    def status(self) -> dict[str, Any]:
        jobs = len(self._known) if self.role == "leader" else 0
        if self.role == "leader":
            message = f"This process schedules {jobs} bot(s)."
        elif self.role == "standby":
            message = f"Another openOrchestrator process ({self.leader}) schedules the bots; this one serves the API."
        else:
            message = "Scheduling is off in this process (OPENORCH_SCHEDULER=false)."
        return {"role": self.role, "jobs": jobs, "holder": self.leader, "message": message}


def _never_called() -> None:  # pragma: no cover - _FireExecutor hands jobs over instead of calling them
    raise AssertionError("scheduler jobs are handled by _FireExecutor")
