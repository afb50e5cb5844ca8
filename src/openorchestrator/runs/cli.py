"""What `openorch run` and `openorch runs …` do: run a bot in this process, list runs."""

from __future__ import annotations

import asyncio
from typing import Any

from openorchestrator.bots.service import find_bot
from openorchestrator.db.models import Run
from openorchestrator.engine.states import Trigger
from openorchestrator.runs import service
from openorchestrator.runs.schemas import RunRead
from openorchestrator.services import Services


async def run_once(svc: Services, bot_ref: str, run_input: str | None, spinner: bool) -> Run:
    """Create a run and execute it here (no server needed), with the same engine the server uses."""
    async with svc.sessionmaker() as session:
        bot = await find_bot(session, bot_ref)
    run = await svc.engine.create_run(bot.id, run_input, Trigger.MANUAL, submit=False)
    task = asyncio.create_task(svc.engine.executor.execute(run.id))
    if spinner:
        from rich.console import Console

        with Console(stderr=True).status(f"{bot.emoji} {bot.name} is thinking…"):
            await asyncio.gather(task, return_exceptions=True)
    else:
        await asyncio.gather(task, return_exceptions=True)
    return await svc.engine.get_run(run.id)


async def list_rows(svc: Services, bot_ref: str, limit: int) -> list[dict[str, Any]]:
    async with svc.sessionmaker() as session:
        bot = await find_bot(session, bot_ref)
        runs = await service.list_runs(session, bot.id, limit, None)
    return [RunRead.model_validate(run).model_dump(mode="json") for run in runs]
