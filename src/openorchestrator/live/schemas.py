"""What `GET /api/live` sends: `event: run` with a run's summary, `event: output` with streamed text."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from openorchestrator.engine.states import RunStatus, Trigger


class LiveRun(BaseModel):
    """A run as `GET /api/runs/{run_id}` reads it, without its input and log."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    bot_id: str
    status: RunStatus
    trigger: Trigger
    output: str | None
    model: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    tokens_in: int | None
    tokens_out: int | None
    cost_estimate: float | None
    error_code: str | None
    error_message: str | None
    is_new: bool | None
    attempt: int
    scheduled_for: datetime | None


class LiveRunEvent(BaseModel):
    """`event: run`: a run was created, started or ended (its summary as committed)."""

    type: Literal["run.created", "run.started", "run.ended"]
    run: LiveRun


class LiveOutput(BaseModel):
    """`event: output`: a piece of a running run's answer, to append to what came before (`restart`: start over)."""

    run_id: str
    bot_id: str
    text: str
    restart: bool = False
