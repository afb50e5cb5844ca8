"""Reading events, newest first. Events are written where they happen (e.g. `engine/budget.py`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.db.models import Event, EventKind


async def list_events(
    session: AsyncSession, *, kind: EventKind | None, bot_id: str | None, limit: int, before: str | None
) -> list[Event]:
    """Newest first (by `created_at`, then id); `before` is the id of the last event of the previous page."""
    query = select(Event)
    if kind is not None:
        query = query.where(Event.kind == kind.value)
    if bot_id is not None:
        query = query.where(Event.bot_id == bot_id)
    if before:
        query = query.where(await _older_than(session, before))
    return list(await session.scalars(query.order_by(Event.created_at.desc(), Event.id.desc()).limit(limit)))


async def _older_than(session: AsyncSession, event_id: str) -> Any:
    cursor = await session.get(Event, event_id)
    if cursor is None:  # gone meanwhile (its bot was deleted): ids sort by creation time too
        return Event.id < event_id
    return or_(
        Event.created_at < cursor.created_at,
        and_(Event.created_at == cursor.created_at, Event.id < cursor.id),
    )
