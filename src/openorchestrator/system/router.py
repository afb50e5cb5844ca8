from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from openorchestrator import __version__
from openorchestrator.services import services_of

router = APIRouter(prefix="/api", tags=["system"])


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str


class Status(BaseModel):
    queue_depth: int
    """Runs waiting for a free slot."""
    held: int
    """Retries waiting for their pause to end (not counted as waiting: they do not need a slot yet)."""
    running: int
    max_parallel_runs: int
    warnings: list[str]


@router.get("/health")
async def health(request: Request) -> Health:
    status = services_of(request).engine.status()
    return Health(status="degraded" if status["warnings"] else "ok", version=__version__)


@router.get("/status")
async def status(request: Request) -> Status:
    return Status.model_validate(services_of(request).engine.status())
