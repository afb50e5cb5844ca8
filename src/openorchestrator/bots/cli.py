"""What `openorch bots …` prints."""

from __future__ import annotations

from typing import Any

from openorchestrator.bots import service
from openorchestrator.services import Services


async def list_rows(svc: Services) -> list[dict[str, Any]]:
    async with svc.sessionmaker() as session:
        bots = await service.list_bots(session)
        last = await service.last_runs(session, [bot.id for bot in bots])
    rows = []
    for bot in bots:
        read = service.to_read(bot, last.get(bot.id)).model_dump(mode="json")
        read["last_status"] = read["last_run"]["status"] if read["last_run"] else None
        read["last_run_at"] = read["last_run"]["created_at"] if read["last_run"] else None
        rows.append(read)
    return rows
