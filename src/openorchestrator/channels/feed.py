"""The in-app feed: the notifications of the always-on in-app channel, newest first; marking one read; and what
arrived since a given one, for the live stream.

Services never commit: the request's unit of work does. A stream outlives its request, so `newest_id` and
`since` open a short session of their own for each look (reads only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openorchestrator.db.models import IN_APP_CHANNEL_ID, Notification
from openorchestrator.errors import NotFound

STREAM_BATCH = 100


def _feed_query(unread: bool, before: str | None, limit: int) -> Any:
    query = select(Notification).where(Notification.channel_id == IN_APP_CHANNEL_ID)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    if before:
        query = query.where(Notification.id < before)
    return query.order_by(Notification.id.desc()).limit(limit)


async def list_feed(session: AsyncSession, *, unread: bool, before: str | None, limit: int) -> list[Notification]:
    """Newest first; `before` is a notification id (ids sort by creation time)."""
    return list((await session.scalars(_feed_query(unread, before, limit))).all())


async def mark_read(session: AsyncSession, notification_id: str, now: datetime) -> Notification:
    """Mark an in-app notification read (once: a second call keeps the first time). 404 for any other channel's."""
    row = await session.get(Notification, notification_id)
    if row is None or row.channel_id != IN_APP_CHANNEL_ID:
        raise NotFound("notification", notification_id)
    if row.read_at is None:
        await session.execute(update(Notification).where(Notification.id == notification_id).values(read_at=now))
        await session.refresh(row)
    return row


async def newest_id(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    """The id of the newest in-app notification, or "" when there is none (everything is newer than "")."""
    async with sessionmaker() as session:
        newest = await session.scalar(_feed_query(False, None, 1))
    return newest.id if newest else ""


async def since(sessionmaker: async_sessionmaker[AsyncSession], after: str) -> list[Notification]:
    """The in-app notifications newer than `after`, oldest first, at most `STREAM_BATCH`."""
    query = (
        select(Notification)
        .where(Notification.channel_id == IN_APP_CHANNEL_ID, Notification.id > after)
        .order_by(Notification.id)
        .limit(STREAM_BATCH)
    )
    async with sessionmaker() as session:
        return list((await session.scalars(query)).all())
