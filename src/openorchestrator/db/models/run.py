from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from openorchestrator.db.base import Base, UTCDateTime


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_bot_id_created_at", "bot_id", "created_at"),
        Index("ix_runs_status", "status"),
        # One fire, one run: a second insert for the same bot and nominal fire time fails, in every process.
        Index(
            "ux_runs_bot_id_scheduled_for",
            "bot_id",
            "scheduled_for",
            unique=True,
            sqlite_where=text("trigger = 'schedule'"),
            postgresql_where=text("trigger = 'schedule'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    bot_id: Mapped[str] = mapped_column(ForeignKey("bots.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16))
    input: Mapped[str | None] = mapped_column(Text)
    output: Mapped[str | None] = mapped_column(Text)
    log: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    model: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    tokens_in: Mapped[int | None] = mapped_column(Integer)
    tokens_out: Mapped[int | None] = mapped_column(Integer)
    cost_estimate: Mapped[float | None] = mapped_column(Float)
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    output_hash: Mapped[str | None] = mapped_column(String(64))
    is_new: Mapped[bool | None] = mapped_column(Boolean)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    retry_of: Mapped[str | None] = mapped_column(String(26))
    parent_run_id: Mapped[str | None] = mapped_column(String(26))
    owner: Mapped[str | None] = mapped_column(String(200))
    """The process (`machine:pid:tag`) that started the run: crash recovery leaves live processes' runs alone."""
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The nominal fire time (without jitter) of a scheduled run, of its retry, or of a missed/dropped fire."""
