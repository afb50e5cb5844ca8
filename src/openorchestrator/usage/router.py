from __future__ import annotations

from fastapi import APIRouter, Query

from openorchestrator.api_deps import ClockDep, SessionDep, SettingsDep
from openorchestrator.usage import service
from openorchestrator.usage.schemas import GroupBy, UsageRow, UsageSummary

router = APIRouter(prefix="/api/usage", tags=["usage"])


@router.get("")
async def read_usage(
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    group_by: GroupBy = Query("bot"),
    from_: str | None = Query(
        None, alias="from", max_length=40, description="ISO date or datetime; default: this month's start"
    ),
    to: str | None = Query(None, max_length=40, description="Exclusive end; default: next month's start"),
) -> list[UsageRow]:
    """Runs, tokens and costs of the runs created in [from, to), in the app's time zone."""
    tz = settings.current.timezone
    start, end = service.period(from_, to, tz, clock.now())
    return await service.usage(session, group_by, start, end, tz)


@router.get("/summary")
async def read_summary(session: SessionDep, settings: SettingsDep, clock: ClockDep) -> UsageSummary:
    """This month (app time zone) in one line, with the share of the global monthly budget used."""
    current = settings.current
    return await service.summary(session, current.timezone, clock.now(), current.budget_monthly_usd)
