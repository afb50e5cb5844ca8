"""What the API's routes are given, as `Annotated` aliases: the request's session and the runtime's services.

    async def read_bot(bot_id: str, session: SessionDep, runtime: RuntimeDep) -> BotRead: ...

`SessionDep` is one unit of work per request (`db.session.unit_of_work`): it commits once when the route returns
without an error, rolls back when it raises, then runs the route's `after_commit` work. Its scope is "function",
so all of that happens before the response is sent: a client that reads after a write sees the write, and an
error in the commit is the client's error, not a log line after a 200.

Routers use these; the engine, core and db never import this module (the import contracts in .importlinter).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openorchestrator.core.clock import Clock
from openorchestrator.core.i18n import Language
from openorchestrator.db.session import unit_of_work
from openorchestrator.engine.runner import RunEngine
from openorchestrator.runtime import Runtime, runtime_of
from openorchestrator.settings.service import SettingsStore


def get_runtime(request: Request) -> Runtime:
    return runtime_of(request)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(runtime.sessionmaker) as session:
        yield session


def get_sessionmaker(runtime: RuntimeDep) -> async_sessionmaker[AsyncSession]:
    """For what outlives the request (a stream): handed to a service, which opens its own short sessions."""
    return runtime.sessionmaker


def get_settings(runtime: RuntimeDep) -> SettingsStore:
    return runtime.settings


def get_engine(runtime: RuntimeDep) -> RunEngine:
    return runtime.engine


def get_clock(runtime: RuntimeDep) -> Clock:
    return runtime.clock


def get_language(runtime: RuntimeDep) -> Language:
    """The app's language setting (what answers are written in unless a route is asked for another)."""
    return runtime.language


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SessionmakerDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]
SettingsDep = Annotated[SettingsStore, Depends(get_settings)]
EngineDep = Annotated[RunEngine, Depends(get_engine)]
ClockDep = Annotated[Clock, Depends(get_clock)]
LanguageDep = Annotated[Language, Depends(get_language)]
