from __future__ import annotations

from fastapi import APIRouter, Query

from openorchestrator.api_deps import EngineDep, SessionDep
from openorchestrator.db.models import Bot
from openorchestrator.db.session import get_or_404
from openorchestrator.engine.states import Trigger
from openorchestrator.runs import service
from openorchestrator.runs.schemas import RunCreate, RunRead

router = APIRouter(prefix="/api", tags=["runs"])


@router.post("/bots/{bot_id}/runs", status_code=202)
async def start_run(bot_id: str, engine: EngineDep, body: RunCreate | None = None) -> RunRead:
    # The engine writes the run and commits it before its queue can see it: no request session here.
    run = await engine.create_run(bot_id, body.input if body else None, Trigger.MANUAL)
    return RunRead.model_validate(run)


@router.get("/bots/{bot_id}/runs")
async def list_runs(
    bot_id: str,
    session: SessionDep,
    limit: int = Query(50, ge=1, le=500),
    before: str | None = Query(None, max_length=26),
) -> list[RunRead]:
    await get_or_404(session, Bot, bot_id)
    runs = await service.list_runs(session, bot_id, limit, before)
    return [RunRead.model_validate(run) for run in runs]


@router.get("/runs/{run_id}")
async def read_run(run_id: str, engine: EngineDep) -> RunRead:
    return RunRead.model_validate(await engine.get_run(run_id))


@router.post("/runs/{run_id}/cancel")
async def cancel_run(run_id: str, engine: EngineDep) -> RunRead:
    return RunRead.model_validate(await engine.cancel(run_id))
