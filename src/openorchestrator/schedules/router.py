from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from openorchestrator.bots.service import get_bot
from openorchestrator.runtime import runtime_of
from openorchestrator.schedules.service import SchedulePreview, presets, preview

router = APIRouter(prefix="/api", tags=["schedules"])

Cron = Query(..., min_length=1, max_length=120, description='5-field cron, e.g. "0 9 * * 1"')


@router.get("/schedule/presets")
async def list_presets(request: Request) -> list[dict[str, Any]]:
    """The shapes a schedule picker offers, with the cron pattern to fill in."""
    return presets(runtime_of(request).language)


@router.get("/schedule/preview")
async def preview_schedule(request: Request, cron: str = Cron, timezone: str | None = None) -> SchedulePreview:
    """Description and next 5 times of a schedule, in `timezone` (default: the app's)."""
    svc = runtime_of(request)
    return preview(cron, timezone or svc.settings.current.timezone, svc.clock.now(), svc.language)


@router.get("/bots/{bot_id}/schedule/preview")
async def preview_bot_schedule(
    bot_id: str, request: Request, cron: str = Cron, timezone: str | None = None
) -> SchedulePreview:
    """As /api/schedule/preview, in the bot's time zone unless `timezone` is given."""
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        bot = await get_bot(session, bot_id)
    zone = timezone or bot.timezone or svc.settings.current.timezone
    return preview(cron, zone, svc.clock.now(), svc.language)
