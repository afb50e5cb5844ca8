"""Helpers for the budget, usage and events tests: a fixed clock and rows written straight through the ORM."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from openorchestrator.core.ids import new_id
from openorchestrator.db.models import Bot, ProviderCredential, Run

NOW = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)
"""The app's "now" in these tests: mid-December 2026."""


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def utc(text: str) -> datetime:
    """`"2026-11-30 23:30"` as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def add_bot(session: Session, name: str, **fields: Any) -> Bot:
    values: dict[str, Any] = {"prompt": "Find new offers.", "model": "openai:gpt-4.1-mini", **fields}
    bot = Bot(id=new_id(), name=name, name_key=name.casefold(), created_at=NOW, updated_at=NOW, **values)
    session.add(bot)
    session.flush()
    return bot


def add_run(session: Session, bot: Bot, created_at: str, cost: float | None, **fields: Any) -> Run:
    """A finished run created at `created_at` (UTC) that cost `cost` USD (None = unknown)."""
    values: dict[str, Any] = {
        "status": "completed",
        "trigger": "manual",
        "log": [],
        "model": bot.model,
        "tokens_in": 100,
        "tokens_out": 50,
        "attempt": 1,
        **fields,
    }
    run = Run(id=new_id(), bot_id=bot.id, created_at=utc(created_at), cost_estimate=cost, **values)
    session.add(run)
    return run


def add_credential(session: Session, name: str, type_: str) -> ProviderCredential:
    credential = ProviderCredential(id=new_id(), type=type_, name=name, models=[], created_at=NOW, updated_at=NOW)
    session.add(credential)
    return credential
