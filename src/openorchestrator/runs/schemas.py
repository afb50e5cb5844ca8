from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from openorchestrator.engine.states import RunStatus, Trigger

INPUT_MAX = 100_000


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: str | None = Field(None, max_length=INPUT_MAX, description="Given to the bot as the user message.")


class RunSummaryRead(BaseModel):
    """A run without its input and log: what the live stream (`GET /api/live`) sends, and the core of `RunRead`."""

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
    """For runs of a schedule: the fire time they belong to (without jitter). A record of missed fires has
    status `cancelled` with `error_code` `missed`; a fire dropped because the bot's previous one still waited,
    `dropped`."""


class RunRead(RunSummaryRead):
    input: str | None
    log: list[dict[str, Any]]
    output_hash: str | None
    retry_of: str | None
    parent_run_id: str | None
    not_before: datetime | None
