"""What `GET /api/live` sends: `event: run` with a run's summary, `event: output` with streamed text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from openorchestrator.runs.schemas import RunSummaryRead


class LiveRun(RunSummaryRead):
    """A run as `GET /api/runs/{run_id}` reads it, without its input and log."""


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
