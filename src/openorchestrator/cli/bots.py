"""What `openorch bots …` prints."""

from __future__ import annotations

from openorchestrator.bots import service
from openorchestrator.bots.schemas import BotUpdate
from openorchestrator.cli.table import Listing, local_time
from openorchestrator.runtime import Runtime
from openorchestrator.schedules.service import SchedulePreview, preview


async def list_rows(svc: Runtime) -> Listing:
    """The bots as JSON (`--json`) and as table rows for people."""
    async with svc.sessionmaker() as session:
        bots = await service.list_bots(session)
        last = await service.last_runs(session, [bot.id for bot in bots])
    reads = [service.to_read(bot, last.get(bot.id), svc.language, svc.scheduler.next_run_at(bot)) for bot in bots]
    zone = svc.settings.current.timezone
    table = [
        {
            "bot": f"{read.emoji} {read.name}",
            "model": read.model,
            "schedule": read.schedule_description or "—",
            "state": "on" if read.enabled else "paused",
            "next run": local_time(read.next_run_at, zone) if read.next_run_at else "—",
            "last run": f"{read.last_run.status} {local_time(read.last_run.created_at, zone)}"
            if read.last_run
            else "—",
            "id": read.id,
        }
        for read in reads
    ]
    return Listing([read.model_dump(mode="json") for read in reads], table)


async def set_schedule(
    svc: Runtime, bot_ref: str, cron: str | None, timezone: str | None, dry_run: bool
) -> tuple[str, SchedulePreview | None]:
    """Set (or with `cron` None, clear) a bot's schedule; the bot's name and the preview of the new schedule."""
    async with svc.sessionmaker() as session:
        bot = await service.find_bot(session, bot_ref)
        zone = timezone or bot.timezone or svc.settings.current.timezone
        shown = preview(cron, zone, svc.clock.now(), svc.language) if cron else None
        if not dry_run:
            changes: dict[str, str | None] = {"schedule": cron}
            if timezone:
                changes["timezone"] = timezone
            patch = BotUpdate.model_validate(changes)
            current = svc.settings.current
            await service.update_bot(session, svc.clock, bot, patch, current.timezone, current.jitter_seconds)
            await session.commit()
    return bot.name, shown


async def preview_only(svc: Runtime, cron: str, timezone: str | None) -> SchedulePreview:
    return preview(cron, timezone or svc.settings.current.timezone, svc.clock.now(), svc.language)
