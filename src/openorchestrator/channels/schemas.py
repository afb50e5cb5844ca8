"""Channel shapes for the API (api-v1: Channels)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

NotifyRule = Literal["always", "on_new", "on_results", "on_error", "never"]
Format = Literal["short", "full", "summary"]


class ChannelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: str = Field(min_length=1, max_length=32, description='"telegram" | "email" | "webhook" | "apprise"')
    name: str = Field(min_length=1, max_length=100)
    config: dict[str, Any] = Field(default_factory=dict)


class ChannelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=100)
    config: dict[str, Any] | None = Field(None, description="Changed keys only; secrets left out stay as they were.")


class ChannelRead(BaseModel):
    id: str
    type: str
    name: str
    config: dict[str, Any]
    """The settings, secrets replaced by hints ("…abcd")."""
    status: Literal["connected", "pending", "error"]
    error_message: str | None
    last_used_at: datetime | None
    created_at: datetime
    pairing_code: str | None = None
    """Telegram, until paired: send this code to the bot, then `POST /api/channels/{id}/pair`."""


class BotChannelLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel_id: str
    notify_rule: NotifyRule = "always"
    format: Format | None = None
    """null = the channel type's default (Telegram short, e-mail full)."""


class BotChannelRead(BaseModel):
    channel_id: str
    notify_rule: NotifyRule
    format: Format


class NotificationRead(BaseModel):
    id: str
    channel_id: str
    bot_id: str | None
    run_id: str | None
    event_id: str | None
    subject: str
    format: str
    status: Literal["pending", "held", "sending", "sent", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None
    error_message: str | None
    read_at: datetime | None
    created_at: datetime
