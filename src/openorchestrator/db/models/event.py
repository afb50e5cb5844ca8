"""Events: facts worth telling someone about (a budget reached, a key that stopped working, a bot gone quiet).

They are only recorded here; the notification system delivers them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openorchestrator.db.base import Base, UTCDateTime


class EventKind(StrEnum):
    BUDGET_EXCEEDED = "budget_exceeded"
    BUDGET_WARNING = "budget_warning"
    CREDENTIAL_ERROR = "credential_error"
    BOT_STALE = "bot_stale"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_kind_created_at", "kind", "created_at"),
        Index("ix_events_bot_id_created_at", "bot_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    """An `EventKind` value."""
    bot_id: Mapped[str | None] = mapped_column(ForeignKey("bots.id", ondelete="CASCADE"))
    run_id: Mapped[str | None] = mapped_column(String(26))
    """No foreign key: the fact stays true when the run is gone."""
    credential_id: Mapped[str | None] = mapped_column(String(26))
    message: Mapped[str] = mapped_column(Text)
    """Plain words in the app's language at the time of the event."""
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
