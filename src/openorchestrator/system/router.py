from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from openorchestrator import __version__
from openorchestrator.api_deps import EngineDep, RuntimeDep

router = APIRouter(prefix="/api", tags=["system"])


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str


class SchedulerStatus(BaseModel):
    role: Literal["leader", "standby", "off"]
    """`leader`: this process fires the schedules; `standby`: another process on the same database does."""
    jobs: int
    holder: str | None
    """The process that schedules (host:pid:tag)."""
    message: str


class Status(BaseModel):
    queue_depth: int
    """Runs waiting for a free slot."""
    held: int
    """Retries waiting for their pause to end (not counted as waiting: they do not need a slot yet)."""
    running: int
    max_parallel_runs: int
    warnings: list[str]
    scheduler: SchedulerStatus


@router.get("/health")
async def health(engine: EngineDep) -> Health:
    status = engine.status()
    return Health(status="degraded" if status["warnings"] else "ok", version=__version__)


@router.get("/status")
async def status(runtime: RuntimeDep) -> Status:
    return Status.model_validate({**runtime.engine.status(), "scheduler": runtime.scheduler.status()})
