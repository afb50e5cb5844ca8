"""Usage report shapes: spending and tokens per bot, provider, model or day, and the dashboard's summary."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

GroupBy = Literal["bot", "provider", "model", "day"]


class UsageRow(BaseModel):
    key: str | None = Field(
        description="Bot id, credential name, `credential:model` or a date (YYYY-MM-DD in the app's time zone); "
        "null for runs that no model answered (provider and model grouping)"
    )
    label: str = Field(description="What to show: the bot's name, the credential name, the model, the date")
    runs: int
    tokens_in: int
    tokens_out: int
    cost_usd: float = Field(description="Sum of the runs' known costs")
    runs_without_price: int = Field(description="Runs a model answered whose cost is unknown (not in cost_usd)")
    provider_type: str | None = Field(None, description="The credential's type (provider grouping only)")


class UsageSummary(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: datetime = Field(alias="from", description="Start of the current month in the app's time zone")
    to: datetime = Field(description="Start of the next month (exclusive)")
    runs: int
    tokens_in: int
    tokens_out: int
    cost_usd: float
    budget_monthly_usd: float | None = Field(description="The global monthly budget (setting); null = none")
    budget_used_percent: float | None = Field(description="cost_usd as a percentage of that budget; null = none")
