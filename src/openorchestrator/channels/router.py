"""Channels (api-v1), the bots' links to them, what was sent for a run, and the in-app feed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from openorchestrator.api_deps import ClockDep, RuntimeDep, SessionDep, SessionmakerDep
from openorchestrator.channels import feed as feed_service
from openorchestrator.channels import service
from openorchestrator.channels.schemas import (
    BotChannelLink,
    BotChannelRead,
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    NotificationRead,
)
from openorchestrator.db.models import Channel, Notification
from openorchestrator.db.session import get_or_404

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


def _notification(row: Notification) -> NotificationRead:
    return NotificationRead.model_validate(row, from_attributes=True)


@router.post("/channels", status_code=201)
async def create_channel(body: ChannelCreate, session: SessionDep, runtime: RuntimeDep) -> ChannelRead:
    now = runtime.clock.now()
    return _read(await service.create_channel(session, runtime.box, now, body.type, body.name, body.config))


@router.get("/channels")
async def list_channels(session: SessionDep) -> list[ChannelRead]:
    return [_read(channel) for channel in await service.list_channels(session)]


@router.get("/channels/{channel_id}")
async def read_channel(channel_id: str, session: SessionDep) -> ChannelRead:
    return _read(await get_or_404(session, Channel, channel_id))


@router.patch("/channels/{channel_id}")
async def update_channel(channel_id: str, body: ChannelUpdate, session: SessionDep, runtime: RuntimeDep) -> ChannelRead:
    channel = await get_or_404(session, Channel, channel_id)
    await service.update_channel(session, runtime.box, runtime.clock.now(), channel, body.name, body.config)
    return _read(channel)


@router.delete("/channels/{channel_id}", status_code=204)
async def delete_channel(channel_id: str, session: SessionDep) -> Response:
    await service.delete_channel(session, await get_or_404(session, Channel, channel_id))
    return Response(status_code=204)


@router.post("/channels/{channel_id}/test")
async def test_channel(channel_id: str, session: SessionDep, runtime: RuntimeDep) -> ChannelRead:
    """Send a test message now; the answer's `status` and `error_message` say how it went."""
    channel = await get_or_404(session, Channel, channel_id)
    await service.send_test(channel, runtime.box, runtime.language, runtime.clock.now())
    return _read(channel)


@router.post("/channels/{channel_id}/pair")
async def pair_channel(channel_id: str, session: SessionDep, runtime: RuntimeDep) -> ChannelRead:
    """Telegram's "Chat suchen": bind the chat that sent the pairing code; `pending` until the code arrives."""
    channel = await get_or_404(session, Channel, channel_id)
    await service.pair_telegram(channel, runtime.box, runtime.language, runtime.clock.now())
    return _read(channel)


# -- links ---------------------------------------------------------------------------------------------------
@router.get("/bots/{bot_id}/channels")
async def read_links(bot_id: str, session: SessionDep) -> list[BotChannelRead]:
    links = await service.bot_links(session, bot_id)
    return [BotChannelRead.model_validate(link, from_attributes=True) for link in links]


@router.put("/bots/{bot_id}/channels")
async def replace_links(bot_id: str, body: list[BotChannelLink], session: SessionDep) -> list[BotChannelRead]:
    links = await service.set_bot_links(session, bot_id, [link.model_dump() for link in body])
    return [BotChannelRead.model_validate(link, from_attributes=True) for link in links]


@router.get("/runs/{run_id}/notifications")
async def run_notifications(run_id: str, session: SessionDep) -> list[NotificationRead]:
    """What was sent where for this run: status, attempts, when, and what failed."""
    return [_notification(row) for row in await service.run_notifications(session, run_id)]


# -- the in-app feed -----------------------------------------------------------------------------------------
@router.get("/notifications")
async def feed(
    session: SessionDep,
    unread: bool = Query(False),
    before: str | None = Query(None, max_length=26),
    limit: int = Query(50, ge=1, le=200),
) -> list[NotificationRead]:
    """The in-app feed, newest first: every finished run and event the bots' rules let through."""
    rows = await feed_service.list_feed(session, unread=unread, before=before, limit=limit)
    return [_notification(row) for row in rows]


@router.post("/notifications/{notification_id}/read")
async def mark_read(notification_id: str, session: SessionDep, clock: ClockDep) -> NotificationRead:
    return _notification(await feed_service.mark_read(session, notification_id, clock.now()))


@router.get("/notifications/stream")
async def stream(
    request: Request, sessionmaker: SessionmakerDep, after: str | None = Query(None, max_length=26)
) -> StreamingResponse:
    """Live feed for the UI (Server-Sent Events): each new in-app notification as `data: {json}`."""
    # The stream outlives the request and its session: each look at the feed opens a short session of its own.

    async def events() -> AsyncIterator[str]:
        last = after if after is not None else await feed_service.newest_id(sessionmaker)
        yield ": connected\n\n"
        while not await request.is_disconnected():
            rows = await feed_service.since(sessionmaker, last)
            for row in rows:
                last = row.id
                yield f"id: {row.id}\nevent: notification\ndata: {_notification(row).model_dump_json()}\n\n"
            if not rows:
                yield ": keep-alive\n\n"
            await asyncio.sleep(FEED_POLL_SECONDS)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"cache-control": "no-cache"})
