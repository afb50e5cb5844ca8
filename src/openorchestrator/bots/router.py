from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.api_deps import RuntimeDep, SessionDep
from openorchestrator.bots import service
from openorchestrator.bots.schemas import BotCreate, BotRead, BotUpdate
from openorchestrator.db.models import Bot, Run
from openorchestrator.db.session import after_commit, get_or_404
from openorchestrator.runtime import Runtime

router = APIRouter(prefix="/api/bots", tags=["bots"])

COPY_WORD = {"de": "Kopie", "en": "copy"}


def _read(runtime: Runtime, bot: Bot, last: Run | None) -> BotRead:
    return service.to_read(bot, last, runtime.language, runtime.scheduler.next_run_at(bot))


def _tell_scheduler(session: AsyncSession, runtime: Runtime, bot_id: str) -> None:
    """The scheduler re-reads the bot through its own session: only once this request's write is committed."""
    after_commit(session, lambda: runtime.scheduler.bot_changed(bot_id))


@router.post("", status_code=201)
async def create_bot(body: BotCreate, session: SessionDep, runtime: RuntimeDep) -> BotRead:
    current = runtime.settings.current
    bot = await service.create_bot(
        session, runtime.clock, body, current.timezone, current.missed_runs_default, current.jitter_seconds
    )
    _tell_scheduler(session, runtime, bot.id)
    return _read(runtime, bot, None)


@router.get("")
async def list_bots(session: SessionDep, runtime: RuntimeDep) -> list[BotRead]:
    bots = await service.list_bots(session)
    last = await service.last_runs(session, [bot.id for bot in bots])
    return [_read(runtime, bot, last.get(bot.id)) for bot in bots]


@router.get("/{bot_id}")
async def read_bot(bot_id: str, session: SessionDep, runtime: RuntimeDep) -> BotRead:
    bot = await get_or_404(session, Bot, bot_id)
    last = await service.last_runs(session, [bot.id])
    return _read(runtime, bot, last.get(bot.id))


@router.patch("/{bot_id}")
async def update_bot(bot_id: str, body: BotUpdate, session: SessionDep, runtime: RuntimeDep) -> BotRead:
    bot = await get_or_404(session, Bot, bot_id)
    current = runtime.settings.current
    await service.update_bot(session, runtime.clock, bot, body, current.timezone, current.jitter_seconds)
    last = await service.last_runs(session, [bot.id])
    _tell_scheduler(session, runtime, bot.id)
    return _read(runtime, bot, last.get(bot.id))


@router.delete("/{bot_id}", status_code=204)
async def delete_bot(bot_id: str, session: SessionDep, runtime: RuntimeDep) -> Response:
    bot = await get_or_404(session, Bot, bot_id)
    # Cancelled first (the engine writes and commits through its own sessions; this one has written nothing yet,
    # so it holds no write lock the engine would wait for).
    for run_id in await service.active_run_ids(session, bot_id):
        await runtime.engine.cancel(run_id)
    await service.delete_bot(session, bot)
    _tell_scheduler(session, runtime, bot_id)

    async def remove_folder() -> None:  # after the commit: a rolled-back delete keeps its bot's files
        await asyncio.to_thread(service.remove_bot_folder, runtime.config.bot_dir(bot_id))

    after_commit(session, remove_folder)
    return Response(status_code=204)


@router.post("/{bot_id}/duplicate", status_code=201)
async def duplicate_bot(bot_id: str, session: SessionDep, runtime: RuntimeDep) -> BotRead:
    bot = await get_or_404(session, Bot, bot_id)
    jitter = runtime.settings.current.jitter_seconds
    copy = await service.duplicate_bot(session, runtime.clock, bot, COPY_WORD[runtime.language], jitter)
    _tell_scheduler(session, runtime, copy.id)
    return _read(runtime, copy, None)
