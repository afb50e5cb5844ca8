from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from openorchestrator.db.models import EventKind


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: EventKind
    bot_id: str | None
    run_id: str | None
    credential_id: str | None
    message: str
    data: dict[str, Any]
    created_at: datetime
