"""Everything a process runs on, built once from `Config` and shared by the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from openorchestrator.config import Config
from openorchestrator.core.clock import Clock, SystemClock
from openorchestrator.core.crypto import SecretBox, load_or_create_key
from openorchestrator.core.i18n import Language
from openorchestrator.db.connection import make_engine, make_sessionmaker
from openorchestrator.db.migrate import upgrade
from openorchestrator.engine.effects import record_run_effects
from openorchestrator.engine.lifecycle import RunChanged, RunLifecycle
from openorchestrator.engine.runner import RunEngine
from openorchestrator.live.hub import LiveHub
from openorchestrator.notifications.dispatcher import Dispatcher
from openorchestrator.notifications.outbox import RunNotifications
from openorchestrator.providers.llm import LLMGateway, PydanticAIGateway
from openorchestrator.schedules.fires import FireBookkeeping
from openorchestrator.schedules.scheduler import Scheduler
from openorchestrator.settings.service import SettingsStore

if TYPE_CHECKING:
    from fastapi import Request


@dataclass
class Runtime:
    config: Config
    db: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    box: SecretBox
    clock: Clock
    settings: SettingsStore
    gateway: LLMGateway
    engine: RunEngine
    scheduler: Scheduler
    dispatcher: Dispatcher
    live: LiveHub

    @property
    def language(self) -> Language:
        return self.settings.current.language

    def gateway_forget(self, credential_id: str) -> None:
        forget = getattr(self.gateway, "forget", None)
        if forget is not None:
            forget(credential_id)

    async def start(self) -> None:
        """Run the engine, then the scheduler. The process that gets the scheduler lease also recovers the runs a
        crash left behind; a second process on the same database leaves them to it."""
        await self.engine.start(recover=False)
        await self.scheduler.start()

    async def stop(self) -> None:
        await self.live.close()
        await self.scheduler.stop()
        await self.engine.stop()

    async def close(self) -> None:
        await self.stop()
        closing = getattr(self.gateway, "aclose", None)
        if closing is not None:
            await closing()
        self.engine.store.close()
        await self.db.dispose()


async def open_runtime(config: Config, *, clock: Clock | None = None, gateway: LLMGateway | None = None) -> Runtime:
    """Create the data dir, migrate the database, load settings. Does not start the run engine."""
    config.ensure_dirs()
    upgrade(config.db_url)
    db = make_engine(config.db_url)
    sessionmaker = make_sessionmaker(db)
    clock = clock or SystemClock()
    box = SecretBox(load_or_create_key(config.key_file))
    store = SettingsStore(sessionmaker)
    await store.load()
    gateway = gateway or PydanticAIGateway()
    lifecycle = RunLifecycle()
    engine = RunEngine(
        config=config,
        sessionmaker=sessionmaker,
        box=box,
        settings=store,
        clock=clock,
        gateway=gateway,
        lifecycle=lifecycle,
    )
    scheduler = Scheduler(config=config, engine=engine, sessionmaker=sessionmaker, settings=store, clock=clock)
    dispatcher = Dispatcher(
        sessionmaker=sessionmaker,
        store=engine.store,
        box=box,
        settings=store,
        clock=clock,
        gateway=gateway,
        next_run_at=scheduler.next_run_at,
    )
    live = LiveHub(lifecycle, sessionmaker)
    _subscribe(lifecycle, engine, store, clock, dispatcher)
    scheduler.while_leading(dispatcher.start, dispatcher.stop)  # notifications go out where the schedules run
    return Runtime(config, db, sessionmaker, box, clock, store, gateway, engine, scheduler, dispatcher, live)


def _subscribe(
    lifecycle: RunLifecycle, engine: RunEngine, settings: SettingsStore, clock: Clock, dispatcher: Dispatcher
) -> None:
    """What follows from a run's ending, in this order inside its transaction, then after the commit."""
    lifecycle.on_ending(record_run_effects)  # credentials that proved bad, a bot paused by its budget
    lifecycle.on_ending(FireBookkeeping(settings, clock))  # scheduled fires in a row without success
    lifecycle.on_ending(RunNotifications(settings, clock))  # the outbox rows
    lifecycle.on_ending(engine.spawner.follow_ups)  # the runs of `on_complete` bots
    lifecycle.subscribe(
        lambda event: dispatcher.wake() if isinstance(event, RunChanged) and event.kind == "ended" else None
    )


def runtime_of(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)
