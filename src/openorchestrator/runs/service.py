from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.db.models import Run


async def list_runs(session: AsyncSession, bot_id: str, limit: int, before: str | None) -> list[Run]:
    """Newest first; `before` is a run id (ids sort by creation time)."""
    query = select(Run).where(Run.bot_id == bot_id)
    if before:
        query = query.where(Run.id < before)
    return list(await session.scalars(query.order_by(Run.id.desc()).limit(limit)))
