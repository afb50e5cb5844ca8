from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.bots import service
from openorchestrator.bots.schemas import BotCreate, BotRead, BotUpdate
from openorchestrator.db.models import Bot, Run
from openorchestrator.errors import InvalidInput
from openorchestrator.runtime import Runtime, runtime_of

router = APIRouter(prefix="/api/bots", tags=["bots"])

COPY_WORD = {"de": "Kopie", "en": "copy"}


async def _commit(session: AsyncSession, name: str) -> None:
    """Commit; two requests racing for one name meet the unique index, and the loser gets a 422."""
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise InvalidInput("name", f"another bot is already called {name!r}") from None


def _read(svc: Runtime, bot: Bot, last: Run | None) -> BotRead:
    return service.to_read(bot, last, svc.language, svc.scheduler.next_run_at(bot))


@router.post("", status_code=201)
async def create_bot(body: BotCreate, request: Request) -> BotRead:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        current = svc.settings.current
        bot = await service.create_bot(
            session, svc.clock, body, current.timezone, current.missed_runs_default, current.jitter_seconds
        )
        await _commit(session, body.name)
    svc.scheduler.bot_changed(bot.id)
    return _read(svc, bot, None)


@router.get("")
async def list_bots(request: Request) -> list[BotRead]:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        bots = await service.list_bots(session)
        last = await service.last_runs(session, [bot.id for bot in bots])
    return [_read(svc, bot, last.get(bot.id)) for bot in bots]


@router.get("/{bot_id}")
async def read_bot(bot_id: str, request: Request) -> BotRead:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        bot = await service.get_bot(session, bot_id)
        last = await service.last_runs(session, [bot.id])
    return _read(svc, bot, last.get(bot.id))


@router.patch("/{bot_id}")
async def update_bot(bot_id: str, body: BotUpdate, request: Request) -> BotRead:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        bot = await service.get_bot(session, bot_id)
        current = svc.settings.current
        await service.update_bot(session, svc.clock, bot, body, current.timezone, current.jitter_seconds)
        await _commit(session, bot.name)
        last = await service.last_runs(session, [bot.id])
    svc.scheduler.bot_changed(bot.id)
    return _read(svc, bot, last.get(bot.id))


@router.delete("/{bot_id}", status_code=204)
async def delete_bot(bot_id: str, request: Request) -> Response:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        bot = await service.get_bot(session, bot_id)
        active = await service.active_run_ids(session, bot_id)
    for run_id in active:
        await svc.engine.cancel(run_id)
    async with svc.sessionmaker() as session:
        await service.delete_bot(session, await service.get_bot(session, bot_id))
        await session.commit()
    svc.scheduler.bot_changed(bot_id)
    await asyncio.to_thread(service.remove_bot_folder, svc.config.bot_dir(bot.id))
    return Response(status_code=204)


@router.post("/{bot_id}/duplicate", status_code=201)
async def duplicate_bot(bot_id: str, request: Request) -> BotRead:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        bot = await service.get_bot(session, bot_id)
        jitter = svc.settings.current.jitter_seconds
        copy = await service.duplicate_bot(session, svc.clock, bot, COPY_WORD[svc.language], jitter)
        await _commit(session, copy.name)
    svc.scheduler.bot_changed(copy.id)
    return _read(svc, copy, None)
