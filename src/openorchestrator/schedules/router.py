from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from openorchestrator.api_deps import ClockDep, LanguageDep, SessionDep, SettingsDep
from openorchestrator.db.models import Bot
from openorchestrator.db.session import get_or_404
from openorchestrator.schedules.service import SchedulePreview, presets, preview

router = APIRouter(prefix="/api", tags=["schedules"])

Cron = Query(..., min_length=1, max_length=120, description='5-field cron, e.g. "0 9 * * 1"')


@router.get("/schedule/presets")
async def list_presets(language: LanguageDep) -> list[dict[str, Any]]:
    """The shapes a schedule picker offers, with the cron pattern to fill in."""
    return presets(language)


@router.get("/schedule/preview")
async def preview_schedule(
    settings: SettingsDep, clock: ClockDep, language: LanguageDep, cron: str = Cron, timezone: str | None = None
) -> SchedulePreview:
    """Description and next 5 times of a schedule, in `timezone` (default: the app's)."""
    return preview(cron, timezone or settings.current.timezone, clock.now(), language)


@router.get("/bots/{bot_id}/schedule/preview")
async def preview_bot_schedule(
    bot_id: str,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    language: LanguageDep,
    cron: str = Cron,
    timezone: str | None = None,
) -> SchedulePreview:
    """As /api/schedule/preview, in the bot's time zone unless `timezone` is given."""
    bot = await get_or_404(session, Bot, bot_id)
    zone = timezone or bot.timezone or settings.current.timezone
    return preview(cron, zone, clock.now(), language)
