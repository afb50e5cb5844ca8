"""Who schedules: one row per lease; the process holding an unexpired lease is the only one that fires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from openorchestrator.db.base import Base, UTCDateTime


class Lease(Base):
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    """`host:pid:random` of the holding process."""
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
