from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from openorchestrator.db.base import Base


class Setting(Base):
    """One runtime setting (`key` → JSON value); unset keys take their defaults from `settings/schemas.py`."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
