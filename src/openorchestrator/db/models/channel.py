"""Channels (ways to reach a person), the links from bots to them, and the outbox of notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openorchestrator.db.base import Base, UTCDateTime

IN_APP_CHANNEL_ID = "in_app"
"""The app's own feed: one row, always there, not deletable."""


class Channel(Base):
    __tablename__ = "channels"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The non-secret part of the config."""
    secrets: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The secret fields as JSON, AES-256-GCM sealed (associated data: the channel id)."""
    hints: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    """Per secret field its hint ("…abcd"), shown instead of the value."""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error_message: Mapped[str | None] = mapped_column(Text)
    pairing_code: Mapped[str | None] = mapped_column(String(32))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BotChannel(Base):
    __tablename__ = "bot_channels"

    bot_id: Mapped[str] = mapped_column(ForeignKey("bots.id", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[str] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True)
    notify_rule: Mapped[str] = mapped_column(String(16), default="always")
    format: Mapped[str] = mapped_column(String(16), default="short")


class Notification(Base):
    """One message for one channel about one run or event: the outbox row, written in the transaction that
    ends the run (or records the event), sent by the dispatcher, never twice."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("run_id", "channel_id", name="uq_notifications_run_channel"),
        UniqueConstraint("event_id", "channel_id", name="uq_notifications_event_channel"),
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_notifications_channel_id_created_at", "channel_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    channel_id: Mapped[str] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    bot_id: Mapped[str | None] = mapped_column(String(26))
    run_id: Mapped[str | None] = mapped_column(String(26))
    event_id: Mapped[str | None] = mapped_column(String(26))
    format: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    """pending → sending → sent | failed; held (quiet hours) → sent in a digest."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error_message: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text, default="")
    """The one-line gist, also what the in-app feed shows."""
    digest_id: Mapped[str | None] = mapped_column(String(40))
    """Set when the row goes out in a quiet-hours digest: the digest's delivery id, the same on every attempt
    (also after a crash), so a webhook receiver can tell a repeat."""
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """In-app feed only: when the user saw it."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
