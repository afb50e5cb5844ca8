"""Channels (api-v1), the bots' links to them, what was sent for a run, and the in-app feed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy import select, update

from openorchestrator.channels import service
from openorchestrator.channels.schemas import (
    BotChannelLink,
    BotChannelRead,
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    NotificationRead,
)
from openorchestrator.db.models import IN_APP_CHANNEL_ID, Channel, Notification, Run
from openorchestrator.errors import NotFound
from openorchestrator.runtime import runtime_of

router = APIRouter(prefix="/api", tags=["channels"])

FEED_POLL_SECONDS = 1.0


def _read(channel: Channel) -> ChannelRead:
    shown: dict[str, Any] = {**(channel.config or {}), **(channel.hints or {})}
    return ChannelRead(
        id=channel.id,
        type=channel.type,
        name=channel.name,
        config=shown,
        status=channel.status,  # type: ignore[arg-type]
        error_message=channel.error_message,
        last_used_at=channel.last_used_at,
        created_at=channel.created_at,
        pairing_code=channel.pairing_code,
    )


@router.post("/channels", status_code=201)
async def create_channel(body: ChannelCreate, request: Request) -> ChannelRead:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        channel = await service.create_channel(session, svc.box, svc.clock.now(), body.type, body.name, body.config)
        await session.commit()
    return _read(channel)


@router.get("/channels")
async def list_channels(request: Request) -> list[ChannelRead]:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        return [_read(channel) for channel in await service.list_channels(session)]


@router.get("/channels/{channel_id}")
async def read_channel(channel_id: str, request: Request) -> ChannelRead:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        return _read(await service.get_channel(session, channel_id))


@router.patch("/channels/{channel_id}")
async def update_channel(channel_id: str, body: ChannelUpdate, request: Request) -> ChannelRead:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        channel = await service.get_channel(session, channel_id)
        await service.update_channel(session, svc.box, svc.clock.now(), channel, body.name, body.config)
        await session.commit()
    return _read(channel)


@router.delete("/channels/{channel_id}", status_code=204)
async def delete_channel(channel_id: str, request: Request) -> Response:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        await service.delete_channel(session, await service.get_channel(session, channel_id))
        await session.commit()
    return Response(status_code=204)


@router.post("/channels/{channel_id}/test")
async def test_channel(channel_id: str, request: Request) -> ChannelRead:
    """Send a test message now; the answer's `status` and `error_message` say how it went."""
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        channel = await service.get_channel(session, channel_id)
        await service.send_test(channel, svc.box, svc.language, svc.clock.now())
        await session.commit()
    return _read(channel)


@router.post("/channels/{channel_id}/pair")
async def pair_channel(channel_id: str, request: Request) -> ChannelRead:
    """Telegram's "Chat suchen": bind the chat that sent the pairing code; `pending` until the code arrives."""
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        channel = await service.get_channel(session, channel_id)
        await service.pair_telegram(channel, svc.box, svc.language, svc.clock.now())
        await session.commit()
    return _read(channel)


# -- links ---------------------------------------------------------------------------------------------------
@router.get("/bots/{bot_id}/channels")
async def read_links(bot_id: str, request: Request) -> list[BotChannelRead]:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        links = await service.bot_links(session, bot_id)
    return [BotChannelRead.model_validate(link, from_attributes=True) for link in links]


@router.put("/bots/{bot_id}/channels")
async def replace_links(bot_id: str, body: list[BotChannelLink], request: Request) -> list[BotChannelRead]:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        links = await service.set_bot_links(session, bot_id, [link.model_dump() for link in body])
        await session.commit()
    return [BotChannelRead.model_validate(link, from_attributes=True) for link in links]


@router.get("/runs/{run_id}/notifications")
async def run_notifications(run_id: str, request: Request) -> list[NotificationRead]:
    """What was sent where for this run: status, attempts, when, and what failed."""
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        if await session.get(Run, run_id) is None:
            raise NotFound("run", run_id)
        rows = await service.run_notifications(session, run_id)
    return [NotificationRead.model_validate(row, from_attributes=True) for row in rows]


# -- the in-app feed -----------------------------------------------------------------------------------------
def _feed_query(unread: bool, before: str | None, limit: int) -> Any:
    query = select(Notification).where(Notification.channel_id == IN_APP_CHANNEL_ID)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    if before:
        query = query.where(Notification.id < before)
    return query.order_by(Notification.id.desc()).limit(limit)


@router.get("/notifications")
async def feed(
    request: Request,
    unread: bool = Query(False),
    before: str | None = Query(None, max_length=26),
    limit: int = Query(50, ge=1, le=200),
) -> list[NotificationRead]:
    """The in-app feed, newest first: every finished run and event the bots' rules let through."""
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        rows = (await session.scalars(_feed_query(unread, before, limit))).all()
    return [NotificationRead.model_validate(row, from_attributes=True) for row in rows]


@router.post("/notifications/{notification_id}/read")
async def mark_read(notification_id: str, request: Request) -> NotificationRead:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        row = await session.get(Notification, notification_id)
        if row is None or row.channel_id != IN_APP_CHANNEL_ID:
            raise NotFound("notification", notification_id)
        if row.read_at is None:
            await session.execute(
                update(Notification).where(Notification.id == notification_id).values(read_at=svc.clock.now())
            )
            await session.commit()
            await session.refresh(row)
    return NotificationRead.model_validate(row, from_attributes=True)


@router.get("/notifications/stream")
async def stream(request: Request, after: str | None = Query(None, max_length=26)) -> StreamingResponse:
    """Live feed for the UI (Server-Sent Events): each new in-app notification as `data: {json}`."""
    svc = runtime_of(request)

    async def events() -> AsyncIterator[str]:
        last = after
        if last is None:
            async with svc.sessionmaker() as session:
                newest = await session.scalar(_feed_query(False, None, 1))
            last = newest.id if newest else ""
        yield ": connected\n\n"
        while not await request.is_disconnected():
            async with svc.sessionmaker() as session:
                query = (
                    select(Notification)
                    .where(Notification.channel_id == IN_APP_CHANNEL_ID, Notification.id > last)
                    .order_by(Notification.id)
                    .limit(100)
                )
                rows = (await session.scalars(query)).all()
            for row in rows:
                last = row.id
                body = NotificationRead.model_validate(row, from_attributes=True).model_dump_json()
                yield f"id: {row.id}\nevent: notification\ndata: {body}\n\n"
            if not rows:
                yield ": keep-alive\n\n"
            await asyncio.sleep(FEED_POLL_SECONDS)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"cache-control": "no-cache"})
