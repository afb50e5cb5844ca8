"""The run engine's front door: accept runs (with backpressure), cancel them, recover after a crash, report.

create_run ──▶ runs row `pending` (committed) ──▶ RunQueue ──▶ Executor.execute ──▶ final status

What follows from a run (notifications, fire bookkeeping, follow-up runs, live updates) is not here: it
subscribes to the engine's `RunLifecycle` (see `engine/lifecycle.py`), wired in `runtime.open_runtime`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from openorchestrator.config import Config
from openorchestrator.core.clock import Clock
from openorchestrator.core.crypto import SecretBox
from openorchestrator.core.i18n import run_error_message
from openorchestrator.core.process import holder_is_gone
from openorchestrator.db.models import Run
from openorchestrator.engine.executor import Executor
from openorchestrator.engine.lifecycle import RunChanged, RunLifecycle
from openorchestrator.engine.queue import RunQueue
from openorchestrator.engine.spawning import Spawner
from openorchestrator.engine.states import TERMINAL, RunStatus, Trigger, transition
from openorchestrator.engine.store import RunStore
from openorchestrator.engine.tooling import ToolSetup
from openorchestrator.errors import NotFound, QueueFull
from openorchestrator.providers.llm import LLMGateway
from openorchestrator.settings.service import SettingsStore

log = logging.getLogger(__name__)

T = TypeVar("T")

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
        lifecycle: RunLifecycle | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.lifecycle = lifecycle or RunLifecycle()
        self.stopping = False
        self.gone_owners: set[str] = set()
        """Processes known to be gone (a scheduling process whose lease ran out), for `recover`."""
        self._sessionmaker = sessionmaker
        self._cancel_grace = config.cancel_grace_seconds
        self._accepting = 0
        self.store = RunStore(config.db_url)
        self.spawner = Spawner(
            clock,
            retry_delay=lambda: config.retry_delay_seconds,
            max_retry_delay=lambda: config.max_retry_delay_seconds,
        )
        tools = ToolSetup(sessionmaker, box, settings, config.bot_dir, config.search_fallback_url)
        self.executor = Executor(
            store=self.store,
            gateway=gateway,
            box=box,
            clock=clock,
            settings=settings,
            tools=tools,
            bot_dir=config.bot_dir,
            spawner=self.spawner,
            lifecycle=self.lifecycle,
            submit=lambda run_id, not_before: self.queue.submit(run_id, not_before),
            queue_room=self.queue_room,
            stopping=lambda: self.stopping,
        )
        self.queue = RunQueue(self.executor.execute, settings.current.max_parallel_runs, clock)
        settings.subscribe(lambda new: self.queue.set_parallelism(new.max_parallel_runs))

    @property
    def gateway(self) -> LLMGateway:
        """The gateway runs call models through."""
        return self.executor.gateway

    @gateway.setter
    def gateway(self, gateway: LLMGateway) -> None:
        """Swap it for the runs that start from now on (the benchmarks compare a zero-cost double with the
        real gateway on one engine)."""
        self.executor.gateway = gateway

    # -- life ------------------------------------------------------------------------------------------
    async def start(self, *, recover: bool = True) -> None:
        if recover:
            await self.recover()
        self.queue.start()

    async def stop(self) -> None:
        """Runs in flight end as `failed`/`interrupted`; waiting runs stay `pending` for the next start."""
        self.stopping = True
        await self.queue.stop()

    def run_as(self, owner: str) -> None:
        """Name this process on the runs it starts (the scheduler lease's holder id), for `recover`."""
        self.store.owner = owner

    def owner_gone(self, owner: str) -> None:
        """A process whose lease ran out: the runs it left `running` are stranded."""
        self.gone_owners.add(owner)

    async def recover_stranded(self) -> dict[str, int]:
        """`recover`, keeping the runs this process has in hand (queued or running)."""
        return await self.recover(keep=self.queue.known())

    async def recover(self, keep: set[str] | None = None) -> dict[str, int]:
        """After a crash: runs left `running` become `failed`/`interrupted`; `pending` runs queue again.

        Only the process that holds the scheduler lease calls this (see `Scheduler._lead`): a second process on
        the same database must not take the first one's runs for stranded. `keep`: runs this process has in hand."""
        keep = keep or set()
        now = self.clock.now()
        message = run_error_message("interrupted", self.settings.current.language)
        async with self._sessionmaker() as session:
            rows = (
                await session.execute(select(Run.id, Run.bot_id, Run.log, Run.owner).where(Run.status == "running"))
            ).all()
            stranded = [row for row in rows if row.id not in keep and self._owner_is_gone(row.owner)]
            for run_id, _bot_id, entries, _owner in stranded:
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
        for row in stranded:
            self.lifecycle.ended(row.id, row.bot_id, RunStatus.FAILED)
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
        self.lifecycle.publish(RunChanged("created", run.id, bot_id, RunStatus.PENDING))
        if submit:
            self.queue.submit(run.id)
        return run

    async def admit(self, work: Callable[[Session], T], created: Callable[[T], Iterable[Run]]) -> T:
        """Run `work` in the run store's thread (it writes runs and commits them, e.g. a scheduled fire's), then
        queue the runs `created(result)` names and tell listeners."""
        result = await self.store.transact(work)
        for run in created(result):
            self.lifecycle.publish(RunChanged("created", run.id, run.bot_id, RunStatus(run.status)))
            self.queue.submit(run.id, run.not_before)
        return result

    def _new_run(self, bot_id: str, run_input: str | None, trigger: Trigger, **values: Any) -> Run:
        return self.spawner.new_run(bot_id, run_input, trigger, **values)

    def queue_room(self) -> int:
        """How many more runs may wait before the queue is full (read on the event loop)."""
        return QUEUE_MAX_DEPTH - self.queue.depth - self._accepting

    # -- cancelling ------------------------------------------------------------------------------------
    async def cancel(self, run_id: str) -> Run:
        run = await self.get_run(run_id)
        if RunStatus(run.status) in TERMINAL:
            return run
        if run.status == RunStatus.PENDING:
            self.queue.withdraw(run_id)
            async with self._sessionmaker() as session:
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
                self.lifecycle.ended(run_id, run.bot_id, RunStatus.CANCELLED)
                return await self.get_run(run_id)
        if self.queue.cancel_running(run_id):
            await self.queue.wait_for(run_id, self._cancel_grace)
        return await self.get_run(run_id)

    async def get_run(self, run_id: str) -> Run:
        async with self._sessionmaker() as session:
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
