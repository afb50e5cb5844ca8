"""Channels: create, edit, delete, test, pair (Telegram); the bots' links to them. Secrets sealed at rest.

Services never commit: the request's unit of work (`api_deps.SessionDep`) does. The in-app feed: `feed.py`.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.channels import links, registry
from openorchestrator.channels.base import ChannelType, SendError
from openorchestrator.channels.test_message import test_message
from openorchestrator.core.crypto import SecretBox, hint
from openorchestrator.core.i18n import Language
from openorchestrator.core.ids import new_id
from openorchestrator.db.models import IN_APP_CHANNEL_ID, Bot, BotChannel, Channel, Notification, Run
from openorchestrator.db.session import get_or_404
from openorchestrator.errors import Conflict, InvalidInput


def purpose(channel_id: str) -> str:
    return f"channel:{channel_id}"


def kind_of(type_name: str) -> ChannelType:
    try:
        return registry.get(type_name)
    except KeyError:
        known = ", ".join(registry.names())
        raise InvalidInput("type", f"unknown channel type {type_name!r} (known: {known})") from None


def validate_config(kind: ChannelType, config: dict[str, Any]) -> dict[str, Any]:
    """The type's own model checks the config; 422 names the field (`config.smtp_port`) and the reason."""
    try:
        model: BaseModel = kind.config_model.model_validate(config)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise InvalidInput(
            f"config.{where}" if where else "config", error["msg"].removeprefix("Value error, ")
        ) from None
    return model.model_dump(mode="json", exclude_none=True)


def _store_config(channel: Channel, kind: ChannelType, config: dict[str, Any], box: SecretBox) -> None:
    secrets = {key: value for key, value in config.items() if key in kind.secret_fields and value}
    channel.config = {key: value for key, value in config.items() if key not in kind.secret_fields}
    channel.secrets = box.seal(json.dumps(secrets), purpose(channel.id)) if secrets else None
    channel.hints = {key: hint(str(value)) or "" for key, value in secrets.items()}


def open_config(channel: Channel, box: SecretBox) -> dict[str, Any]:
    """The whole config with its secrets decrypted: only for sending, never for an answer or a log."""
    secrets = json.loads(box.open(channel.secrets, purpose(channel.id))) if channel.secrets else {}
    return {**(channel.config or {}), **secrets}


async def list_channels(session: AsyncSession) -> list[Channel]:
    return list(await session.scalars(select(Channel).order_by(Channel.created_at, Channel.id)))


async def create_channel(
    session: AsyncSession, box: SecretBox, now: datetime, type_name: str, name: str, config: dict[str, Any]
) -> Channel:
    if type_name == "in_app":
        raise InvalidInput("type", "the in-app feed exists once and is always on")
    kind = kind_of(type_name)
    checked = await asyncio.to_thread(validate_config, kind, config)  # Apprise's first import takes ~0.6 s
    channel = Channel(id=new_id(), type=type_name, name=name, status="pending", created_at=now, updated_at=now)
    _store_config(channel, kind, checked, box)
    if type_name == "telegram" and not checked.get("chat_id"):
        from openorchestrator.channels.types.telegram import new_pairing_code

        channel.pairing_code = new_pairing_code()
    session.add(channel)
    return channel


async def update_channel(
    session: AsyncSession,
    box: SecretBox,
    now: datetime,
    channel: Channel,
    name: str | None,
    config: dict[str, Any] | None,
) -> Channel:
    if name is not None:
        channel.name = name
    if config is not None:
        if channel.type == "in_app":
            raise InvalidInput("config", "the in-app feed has no settings")
        kind = kind_of(channel.type)
        merged = {**open_config(channel, box), **config}  # secrets left out of a PATCH stay as they were
        checked = await asyncio.to_thread(validate_config, kind, merged)
        _store_config(channel, kind, checked, box)
        channel.status, channel.error_message = "pending", None
    channel.updated_at = now
    return channel


async def delete_channel(session: AsyncSession, channel: Channel) -> None:
    if channel.id == IN_APP_CHANNEL_ID:
        raise Conflict("The in-app feed cannot be deleted.", code="channel_protected")
    await session.delete(channel)


async def send_test(channel: Channel, box: SecretBox, language: Language, now: datetime) -> None:
    """Send the test message; the channel's status and error say how it went (the caller commits)."""
    if channel.type == "in_app":
        channel.status, channel.error_message, channel.last_used_at = "connected", None, now
        return
    kind = kind_of(channel.type)
    try:
        await kind.send(open_config(channel, box), test_message(language, f"test-{new_id()}"))
    except SendError as exc:
        channel.status, channel.error_message = "error", exc.text(language)
        return
    channel.status, channel.error_message, channel.last_used_at = "connected", None, now


async def pair_telegram(channel: Channel, box: SecretBox, language: Language, now: datetime) -> bool:
    """ "Chat suchen": bind the chat that sent this channel's pairing code, then send the test message."""
    if channel.type != "telegram":
        raise InvalidInput("type", "only Telegram channels are paired")
    from openorchestrator.channels.types.telegram import find_chat

    config = open_config(channel, box)
    if not channel.pairing_code:
        return bool(config.get("chat_id"))
    try:
        chat_id = await find_chat(config, channel.pairing_code)
    except SendError as exc:
        channel.status, channel.error_message = "error", exc.text(language)
        return False
    if chat_id is None:
        return False
    kind = kind_of("telegram")
    _store_config(channel, kind, validate_config(kind, {**config, "chat_id": chat_id}), box)
    channel.pairing_code = None
    await send_test(channel, box, language, now)
    return True


# -- bot links -----------------------------------------------------------------------------------------------
async def bot_links(session: AsyncSession, bot_id: str) -> list[BotChannel]:
    await get_or_404(session, Bot, bot_id)
    return list(await session.scalars(select(BotChannel).where(BotChannel.bot_id == bot_id)))


async def set_bot_links(session: AsyncSession, bot_id: str, links: list[dict[str, Any]]) -> list[BotChannel]:
    """Replace the bot's links. Format defaults per type (Telegram short, e-mail full)."""
    await get_or_404(session, Bot, bot_id)
    channels = {channel.id: channel for channel in await list_channels(session)}
    seen: set[str] = set()
    rows: list[BotChannel] = []
    for index, link in enumerate(links):
        channel = channels.get(link["channel_id"])
        if channel is None:
            raise InvalidInput(f"[{index}].channel_id", f"no channel with id {link['channel_id']!r}")
        if channel.id in seen:
            raise InvalidInput(f"[{index}].channel_id", "lists a channel twice")
        seen.add(channel.id)
        fmt = link.get("format") or ("full" if channel.type in ("email", "webhook") else "short")
        rows.append(BotChannel(bot_id=bot_id, channel_id=channel.id, notify_rule=link["notify_rule"], format=fmt))
    await session.execute(delete(BotChannel).where(BotChannel.bot_id == bot_id))
    session.add_all(rows)
    return rows


def check_rule_and_format(rule: str, fmt: str | None) -> None:
    if rule not in links.RULES:
        raise InvalidInput("notify_rule", f"must be one of {', '.join(links.RULES)}")
    if fmt is not None and fmt not in links.FORMATS:
        raise InvalidInput("format", f"must be one of {', '.join(links.FORMATS)}")


async def run_notifications(session: AsyncSession, run_id: str) -> list[Notification]:
    """What was sent where for this run (404 for an unknown run), oldest first."""
    await get_or_404(session, Run, run_id)
    query = select(Notification).where(Notification.run_id == run_id).order_by(Notification.created_at)
    return list(await session.scalars(query))
