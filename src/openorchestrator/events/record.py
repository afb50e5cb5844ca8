"""Writing events: the facts (budget reached, key stopped working, bot stale) that the notification system and
the UI read. Called where a fact happens, inside that place's transaction; nothing here commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from openorchestrator.core.ids import new_id
from openorchestrator.db.models import Event, EventKind


def record_event(
    session: Session | AsyncSession,
    kind: EventKind,
    message: str,
    *,
    bot_id: str | None = None,
    run_id: str | None = None,
    credential_id: str | None = None,
    data: dict[str, Any] | None = None,
    now: datetime,
) -> Event:
    """Add an event to the session (the caller commits)."""
    event = Event(
        id=new_id(),
        kind=EventKind(kind).value,
        bot_id=bot_id,
        run_id=run_id,
        credential_id=credential_id,
        message=message,
        data=data or {},
        created_at=now,
    )
    session.add(event)
    return event
