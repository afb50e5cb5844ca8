from __future__ import annotations

from fastapi import APIRouter, Query, Request

from openorchestrator.runtime import runtime_of
from openorchestrator.usage import service
from openorchestrator.usage.schemas import GroupBy, UsageRow, UsageSummary

router = APIRouter(prefix="/api/usage", tags=["usage"])


@router.get("")
async def read_usage(
    request: Request,
    group_by: GroupBy = Query("bot"),
    from_: str | None = Query(
        None, alias="from", max_length=40, description="ISO date or datetime; default: this month's start"
    ),
    to: str | None = Query(None, max_length=40, description="Exclusive end; default: next month's start"),
) -> list[UsageRow]:
    """Runs, tokens and costs of the runs created in [from, to), in the app's time zone."""
    svc = runtime_of(request)
    tz = svc.settings.current.timezone
    start, end = service.period(from_, to, tz, svc.clock.now())
    async with svc.sessionmaker() as session:
        return await service.usage(session, group_by, start, end, tz)


@router.get("/summary")
async def read_summary(request: Request) -> UsageSummary:
    """This month (app time zone) in one line, with the share of the global monthly budget used."""
    svc = runtime_of(request)
    settings = svc.settings.current
    async with svc.sessionmaker() as session:
        return await service.summary(session, settings.timezone, svc.clock.now(), settings.budget_monthly_usd)
