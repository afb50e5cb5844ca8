"""Runtime settings: stored as key/JSON rows, held in memory, changed only through `update`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openorchestrator.core.tz import machine_timezone
from openorchestrator.db.models import Setting
from openorchestrator.errors import InvalidInput
from openorchestrator.settings.schemas import AppSettings, AppSettingsUpdate

Listener = Callable[[AppSettings], None]


class SettingsStore:
    """The current settings, loaded at start-up and refreshed by the scheduler's tick (so a change made through
    another process on the same database arrives within seconds); listeners hear about every change."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self.current = AppSettings(timezone=machine_timezone())
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def load(self) -> AppSettings:
        async with self._sessionmaker() as session:
            rows = (await session.execute(select(Setting))).scalars().all()
        stored = {row.key: row.value for row in rows if row.key in AppSettings.model_fields}
        merged = {**self.current.model_dump(), **stored}
        try:
            self.current = AppSettings.model_validate(merged)
        except ValidationError:
            # A stored value that no longer validates (e.g. a zone removed from tzdata) falls back to its default.
            self.current = AppSettings(timezone=machine_timezone())
        return self.current

    async def refresh(self) -> bool:
        """Pick up what another process on the same database saved; listeners hear about a change."""
        before = self.current
        after = await self.load()
        if after == before:
            return False
        for listener in self._listeners:
            listener(after)
        return True

    async def update(self, patch: AppSettingsUpdate) -> AppSettings:
        changes = patch.model_dump(exclude_unset=True)
        for key, value in changes.items():
            if value is None and key not in AppSettingsUpdate.NULLABLE:
                raise InvalidInput(key, "may not be null")
        merged = {**self.current.model_dump(), **changes}
        try:
            new = AppSettings.model_validate(merged)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"]) or "settings"
            raise InvalidInput(field, _reason(error["msg"])) from None
        await self._save({key: getattr(new, key) for key in changes})
        self.current = new
        for listener in self._listeners:
            listener(new)
        return new

    async def _save(self, values: dict[str, Any]) -> None:
        async with self._sessionmaker() as session:
            for key, value in values.items():
                dumped = value.model_dump() if hasattr(value, "model_dump") else value
                await session.merge(Setting(key=key, value=dumped))
            await session.commit()


def _reason(message: str) -> str:
    return message.removeprefix("Value error, ")
