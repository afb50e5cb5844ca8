from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from openorchestrator.db.base import Base, UTCDateTime


class ProviderCredential(Base):
    __tablename__ = "provider_credentials"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64), unique=True)
    base_url: Mapped[str | None] = mapped_column(String(500))
    api_key_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    """AES-256-GCM ciphertext of the key (core/crypto.py); the plaintext is never stored."""
    api_key_hint: Mapped[str | None] = mapped_column(String(8))
    models: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="connected")
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
