"""Bot shapes for the API. Limits on every text a user can send are here, in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openorchestrator.engine.states import RunStatus, Trigger
from openorchestrator.notifications.rules import check_pattern

NAME_MAX = 100
PROMPT_MAX = 20_000
DESCRIPTION_MAX = 2_000
RUNTIME_MAX_SECONDS = 3_600

MODEL_REQUESTS_MAX = 50
MissedRuns = Literal["skip", "catch_up"]


class _BotFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("name", check_fields=False)
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and any(ch in value for ch in "\n\r\t"):
            raise ValueError("must be a single line")
        return value


class BotCreate(_BotFields):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    prompt: str = Field(min_length=1, max_length=PROMPT_MAX)
    model: str = Field(min_length=3, max_length=300, description='"<credential name>:<model name>"')
    description: str = Field("", max_length=DESCRIPTION_MAX)
    emoji: str = Field("🤖", min_length=1, max_length=16)
    schedule: str | None = Field(None, max_length=120, description="5-field cron; null = manual only")
    timezone: str | None = Field(None, max_length=64, description="IANA zone; null = the app's setting")
    enabled: bool = True
    max_runtime_seconds: int = Field(120, ge=1, le=RUNTIME_MAX_SECONDS)
    max_output_tokens: int | None = Field(None, ge=1, le=1_000_000)
    missed_runs: MissedRuns | None = Field(None, description="null = the app's setting `missed_runs_default`")
    fallback_models: list[str] = Field(default_factory=list, max_length=5)
    tools: list[str] = Field(default_factory=list, max_length=20, description="names from GET /api/tools")
    max_model_requests: int = Field(10, ge=1, le=MODEL_REQUESTS_MAX, description="with tools: model requests per run")
    on_complete: list[str] = Field(default_factory=list, max_length=20)
    budget_daily_usd: float | None = Field(None, ge=0)
    budget_monthly_usd: float | None = Field(None, ge=0)
    no_results_pattern: str | None = Field(
        None, max_length=500, description='Regex: an output matching it is "no results" (null = the built-in one)'
    )

    @field_validator("no_results_pattern", check_fields=False)
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        return _checked_pattern(value)

    @field_validator("tools", check_fields=False)
    @classmethod
    def _tools(cls, value: list[str] | None) -> list[str] | None:
        return _checked_tools(value)


class BotUpdate(_BotFields):
    """A PATCH: any subset. Only fields that may be null in a bot accept null."""

    name: str | None = Field(None, min_length=1, max_length=NAME_MAX)
    prompt: str | None = Field(None, min_length=1, max_length=PROMPT_MAX)
    model: str | None = Field(None, min_length=3, max_length=300)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX)
    emoji: str | None = Field(None, min_length=1, max_length=16)
    schedule: str | None = Field(None, max_length=120)
    timezone: str | None = Field(None, max_length=64)
    enabled: bool | None = None
    max_runtime_seconds: int | None = Field(None, ge=1, le=RUNTIME_MAX_SECONDS)
    max_output_tokens: int | None = Field(None, ge=1, le=1_000_000)
    missed_runs: MissedRuns | None = None
    fallback_models: list[str] | None = Field(None, max_length=5)
    tools: list[str] | None = Field(None, max_length=20)
    max_model_requests: int | None = Field(None, ge=1, le=MODEL_REQUESTS_MAX)
    on_complete: list[str] | None = Field(None, max_length=20)
    budget_daily_usd: float | None = Field(None, ge=0)
    budget_monthly_usd: float | None = Field(None, ge=0)
    no_results_pattern: str | None = Field(None, max_length=500)

    @field_validator("no_results_pattern", check_fields=False)
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        return _checked_pattern(value)

    @field_validator("tools", check_fields=False)
    @classmethod
    def _tools(cls, value: list[str] | None) -> list[str] | None:
        return _checked_tools(value)


def _checked_tools(value: list[str] | None) -> list[str] | None:
    """Names of registered tools (built-in or plugin), each once."""
    if value is None:
        return None
    from openorchestrator.tools import registry

    known = registry.names()
    for name in value:
        if name not in known:
            raise ValueError(f"unknown tool {name!r}; known tools: {', '.join(known)}")
    return list(dict.fromkeys(value))


def _checked_pattern(value: str | None) -> str | None:
    if value is not None and value.strip():
        reason = check_pattern(value)
        if reason:
            raise ValueError(reason)
        return value
    return None


NULLABLE_FIELDS = frozenset(
    {"schedule", "timezone", "max_output_tokens", "budget_daily_usd", "budget_monthly_usd", "no_results_pattern"}
)


class RunSummary(BaseModel):
    id: str
    status: RunStatus
    trigger: Trigger
    created_at: datetime
    finished_at: datetime | None
    is_new: bool | None
    error_code: str | None
    error_message: str | None


class BotRead(BaseModel):
    id: str
    name: str
    description: str
    emoji: str
    prompt: str
    model: str
    schedule: str | None
    timezone: str | None
    enabled: bool
    max_runtime_seconds: int
    max_output_tokens: int | None
    missed_runs: MissedRuns
    fallback_models: list[str]
    tools: list[str]
    max_model_requests: int
    on_complete: list[str]
    budget_daily_usd: float | None
    budget_monthly_usd: float | None
    no_results_pattern: str | None
    created_at: datetime
    updated_at: datetime
    last_run: RunSummary | None
    next_run_at: datetime | None
    """When the next scheduled run will be created (jitter included); null without schedule or when paused."""
    schedule_description: str | None
