from __future__ import annotations

from fastapi import APIRouter, Query, Request

from openorchestrator.bots.service import get_bot
from openorchestrator.engine.states import Trigger
from openorchestrator.runs import service
from openorchestrator.runs.schemas import RunCreate, RunRead
from openorchestrator.runtime import runtime_of

router = APIRouter(prefix="/api", tags=["runs"])


@router.post("/bots/{bot_id}/runs", status_code=202)
async def start_run(bot_id: str, request: Request, body: RunCreate | None = None) -> RunRead:
    engine = runtime_of(request).engine
    run = await engine.create_run(bot_id, body.input if body else None, Trigger.MANUAL)
    return RunRead.model_validate(run)


@router.get("/bots/{bot_id}/runs")
async def list_runs(
    bot_id: str,
    request: Request,
    limit: int = Query(50, ge=1, le=500),
    before: str | None = Query(None, max_length=26),
) -> list[RunRead]:
    async with runtime_of(request).sessionmaker() as session:
        await get_bot(session, bot_id)
        runs = await service.list_runs(session, bot_id, limit, before)
    return [RunRead.model_validate(run) for run in runs]


@router.get("/runs/{run_id}")
async def read_run(run_id: str, request: Request) -> RunRead:
    return RunRead.model_validate(await runtime_of(request).engine.get_run(run_id))


@router.post("/runs/{run_id}/cancel")
async def cancel_run(run_id: str, request: Request) -> RunRead:
    return RunRead.model_validate(await runtime_of(request).engine.cancel(run_id))
