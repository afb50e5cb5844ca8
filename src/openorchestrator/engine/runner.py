"""The run engine's front door: accept runs (with backpressure), cancel them, recover after a crash, report.

create_run ──▶ runs row `pending` (committed) ──▶ RunQueue ──▶ Executor.execute ──▶ final status
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from openorchestrator.config import Config
from openorchestrator.core.clock import Clock
from openorchestrator.core.crypto import SecretBox
from openorchestrator.core.i18n import run_error_message
from openorchestrator.core.ids import new_id
from openorchestrator.db.models import Bot, Run
from openorchestrator.engine.executor import Executor, retry_at
from openorchestrator.engine.queue import RunQueue
from openorchestrator.engine.runlog import RunLog
from openorchestrator.engine.states import TERMINAL, RunStatus, Trigger, transition
from openorchestrator.engine.store import RunStore
from openorchestrator.errors import NotFound, QueueFull
from openorchestrator.providers.llm import LLMGateway
from openorchestrator.providers.types import ProviderFailure
from openorchestrator.settings.service import SettingsStore

log = logging.getLogger(__name__)

QUEUE_WARN_DEPTH = 10
"""More runs waiting than this puts a warning into `/api/status`."""
QUEUE_MAX_DEPTH = 20
"""At most this many runs wait: beyond it, manual runs get 429 `queue_full` and automatic ones are dropped."""


class RunEngine:
    def __init__(
        self,
        *,
        config: Config,
        sessionmaker: async_sessionmaker[AsyncSession],
        box: SecretBox,
        settings: SettingsStore,
        clock: Clock,
        gateway: LLMGateway,
    ) -> None:
        self.config = config
        self.sessionmaker = sessionmaker
        self.box = box
        self.settings = settings
        self.clock = clock
        self.gateway = gateway
        self.stopping = False
        self.gone_owners: set[str] = set()
        """Processes known to be gone (a scheduling process whose lease ran out), for `recover`."""
        self.after_finish: Callable[[], None] | None = None
        """Called after a run's ending is committed (the notification dispatcher wakes up)."""
        self._accepting = 0
        self.store = RunStore(config.db_url)
        self.executor = Executor(self)
        self.queue = RunQueue(self.executor.execute, settings.current.max_parallel_runs, clock)
        settings.subscribe(lambda new: self.queue.set_parallelism(new.max_parallel_runs))

    # -- life ------------------------------------------------------------------------------------------
    async def start(self, *, recover: bool = True) -> None:
        if recover:
            await self.recover()
        self.queue.start()

    async def stop(self) -> None:
        """Runs in flight end as `failed`/`interrupted`; waiting runs stay `pending` for the next start."""
        self.stopping = True
        await self.queue.stop()

    async def recover(self, keep: set[str] | None = None) -> dict[str, int]:
        """After a crash: runs left `running` become `failed`/`interrupted`; `pending` runs queue again.

        Only the process that holds the scheduler lease calls this (see `Scheduler._lead`): a second process on
        the same database must not take the first one's runs for stranded. `keep`: runs this process has in hand."""
        keep = keep or set()
        now = self.clock.now()
        message = run_error_message("interrupted", self.settings.current.language)
        async with self.sessionmaker() as session:
            rows = (await session.execute(select(Run.id, Run.log, Run.owner).where(Run.status == "running"))).all()
            stranded = [row for row in rows if row.id not in keep and self._owner_is_gone(row.owner)]
            for run_id, entries, _owner in stranded:
                entry = {
                    "at": now.isoformat(),
                    "level": "error",
                    "message": "The app stopped while this run was running.",
                }
                await transition(
                    session,
                    run_id,
                    RunStatus.RUNNING,
                    RunStatus.FAILED,
                    error_code="interrupted",
                    error_message=message,
                    finished_at=now,
                    log=[*(entries or []), entry],
                )
            pending = (
                await session.execute(
                    select(Run.id, Run.not_before).where(Run.status == "pending").order_by(Run.created_at, Run.id)
                )
            ).all()
            waiting = [row for row in pending if row.id not in keep]
            await session.commit()
        for run_id, not_before in waiting:
            self.queue.submit(run_id, not_before)
        if stranded or waiting:
            log.info("recovered: %d interrupted, %d queued again", len(stranded), len(waiting))
        return {"interrupted": len(stranded), "requeued": len(waiting)}

    def _owner_is_gone(self, owner: str | None) -> bool:
        """A running run is stranded when its process is gone: unknown (older rows), this process's own id, a
        process on this machine that no longer exists, or the scheduling process whose lease ran out."""
        if owner is None or owner == self.store.owner or owner in self.gone_owners:
            return True
        from openorchestrator.schedules.scheduler import holder_is_gone

        return holder_is_gone(owner)

    # -- accepting runs --------------------------------------------------------------------------------
    async def create_run(
        self, bot_id: str, run_input: str | None, trigger: Trigger = Trigger.MANUAL, *, submit: bool = True
    ) -> Run:
        """Accept a run: committed as `pending` before this returns, then queued."""
        waiting = self.queue.depth + self._accepting
        if waiting >= QUEUE_MAX_DEPTH:
            raise QueueFull(f"{waiting} runs are already waiting. Please try again when some have finished.")
        run = self._new_run(bot_id, run_input, trigger)
        self._accepting += 1  # counted as waiting while its INSERT is in flight, so bursts cannot overshoot
        try:
            inserted = await self.store.insert(run)
        finally:
            self._accepting -= 1
        if not inserted:
            raise NotFound("bot", bot_id)
        if submit:
            self.queue.submit(run.id)
        return run

    def _new_run(self, bot_id: str, run_input: str | None, trigger: Trigger, **values: Any) -> Run:
        values.setdefault("attempt", 1)
        values.setdefault("created_at", self.clock.now())
        return Run(
            id=new_id(),
            bot_id=bot_id,
            status=RunStatus.PENDING.value,
            trigger=trigger.value,
            input=run_input,
            log=[],
            **values,
        )

    def retry_run(self, run: Run, failure: ProviderFailure, run_log: RunLog) -> Run:
        """The one retry of a run that failed for a transient reason; created with the failed run's ending."""
        now = self.clock.now()
        not_before = retry_at(
            now, self.config.retry_delay_seconds, failure.retry_after, self.config.max_retry_delay_seconds
        )
        retry = self._new_run(
            run.bot_id,
            run.input,
            Trigger.RETRY,
            attempt=run.attempt + 1,
            retry_of=run.id,
            not_before=not_before,
            parent_run_id=run.parent_run_id,
            scheduled_for=run.scheduled_for,  # the retry belongs to the same fire
            created_at=now,
        )
        seconds = round((not_before - now).total_seconds(), 1)
        run_log.info(f"Retrying once in {seconds} s as run {retry.id}.", retry_run_id=retry.id)
        retry.log = [
            {
                "at": now.isoformat(),
                "level": "info",
                "message": f"Retry of run {run.id} ({failure.code}).",
                "retry_of": run.id,
            }
        ]
        return retry

    def queue_room(self) -> int:
        """How many more runs may wait before the queue is full (read on the event loop)."""
        return QUEUE_MAX_DEPTH - self.queue.depth - self._accepting

    def follow_ups(self, session: Session, run: Run, bot: Bot, output: str, run_log: RunLog, room: int) -> list[Run]:
        """Runs of the bots in `on_complete`, with this run's output as their input (trigger `bot`).

        Called in the run store's thread, inside the transaction that ends `run`; `room` is `queue_room()`
        as read on the event loop before (the queue belongs to the loop, not to the store's thread)."""
        if not bot.on_complete:
            return []
        targets = session.scalars(select(Bot).where(Bot.id.in_(bot.on_complete))).all()
        by_id = {target.id: target for target in targets}
        runs: list[Run] = []
        for target_id in bot.on_complete:
            target = by_id.get(target_id)
            if target is None or not target.enabled:
                run_log.warning(f"Next bot {target_id} skipped: it is missing or paused.")
            elif len(runs) >= room:
                run_log.warning(f"Next bot {target.name!r} dropped: the queue is full.", dropped_bot_id=target_id)
            else:
                follow_up = self._new_run(target.id, output, Trigger.BOT, parent_run_id=run.id)
                run_log.info(f"Handed the output to {target.name!r} (run {follow_up.id}).", next_run_id=follow_up.id)
                runs.append(follow_up)
        return runs

    # -- cancelling ------------------------------------------------------------------------------------
    async def cancel(self, run_id: str) -> Run:
        run = await self.get_run(run_id)
        if RunStatus(run.status) in TERMINAL:
            return run
        if run.status == RunStatus.PENDING:
            self.queue.withdraw(run_id)
            async with self.sessionmaker() as session:
                done = await transition(
                    session,
                    run_id,
                    RunStatus.PENDING,
                    RunStatus.CANCELLED,
                    finished_at=self.clock.now(),
                    error_code="cancelled",
                    error_message=run_error_message("cancelled", self.settings.current.language),
                )
                await session.commit()
            if done:
                return await self.get_run(run_id)
        if self.queue.cancel_running(run_id):
            await self.queue.wait_for(run_id, self.config.cancel_grace_seconds)
        return await self.get_run(run_id)

    async def get_run(self, run_id: str) -> Run:
        async with self.sessionmaker() as session:
            run = await session.get(Run, run_id)
        if run is None:
            raise NotFound("run", run_id)
        return run

    # -- reporting -------------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        warnings: list[str] = []
        depth = self.queue.depth
        if depth > QUEUE_WARN_DEPTH:
            warnings.append(f"{depth} runs are waiting for a free slot (max_parallel_runs = {self.queue.parallelism}).")
        return {
            "queue_depth": depth,
            "held": self.queue.held,
            "running": self.queue.running,
            "max_parallel_runs": self.queue.parallelism,
            "warnings": warnings,
        }
