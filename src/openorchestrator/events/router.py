from __future__ import annotations

from fastapi import APIRouter, Query

from openorchestrator.api_deps import SessionDep
from openorchestrator.db.models import EventKind
from openorchestrator.events import service
from openorchestrator.events.schemas import EventRead

router = APIRouter(prefix="/api/events", tags=["events"])


@router.get("")
async def list_events(
    session: SessionDep,
    kind: EventKind | None = Query(None),
    bot_id: str | None = Query(None, max_length=26),
    limit: int = Query(50, ge=1, le=500),
    before: str | None = Query(None, max_length=26, description="Id of the last event of the previous page"),
) -> list[EventRead]:
    """Budget warnings and stops, failing credentials, bots gone quiet: newest first."""
    events = await service.list_events(session, kind=kind, bot_id=bot_id, limit=limit, before=before)
    return [EventRead.model_validate(event) for event in events]
