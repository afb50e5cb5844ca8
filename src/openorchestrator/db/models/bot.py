from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openorchestrator.db.base import Base, UTCDateTime


class Bot(Base):
    __tablename__ = "bots"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    """`name.casefold()`: names are unique regardless of case (also Ä/ä), because the CLI finds bots by name.
    SQLite's lower() folds ASCII only, so the key is computed in Python."""
    description: Mapped[str] = mapped_column(Text, default="")
    emoji: Mapped[str] = mapped_column(String(16), default="🤖")
    prompt: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(300))
    fallback_models: Mapped[list[str]] = mapped_column(JSON, default=list)
    schedule: Mapped[str | None] = mapped_column(String(120))
    timezone: Mapped[str | None] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    max_runtime_seconds: Mapped[int] = mapped_column(Integer, default=120)
    max_output_tokens: Mapped[int | None] = mapped_column(Integer)
    missed_runs: Mapped[str] = mapped_column(String(16), default="skip")
    tools: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_model_requests: Mapped[int] = mapped_column(Integer, default=10)
    """With tools: at most this many model requests per run (the first answer and each round of tool results)."""
    on_complete: Mapped[list[str]] = mapped_column(JSON, default=list)
    budget_daily_usd: Mapped[float | None] = mapped_column(Float)
    budget_monthly_usd: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fired_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The schedule is handled up to this nominal time: fired, missed or dropped. Set to "now" when the schedule,
    its time zone or `enabled` changes, so a pause or an edit is never mistaken for missed runs."""
    no_results_pattern: Mapped[str | None] = mapped_column(String(500))
    """A regular expression: an output matching it counts as "no results" for the `on_results` rule
    (null = the built-in pattern, see notifications/rules.py)."""
    failed_fires: Mapped[int] = mapped_column(Integer, default=0)
    """Scheduled fires in a row that did not end in a completed run (reset by one that does)."""
