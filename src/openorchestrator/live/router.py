from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import StreamingResponse

from openorchestrator.errors import TooManyConnections
from openorchestrator.live.hub import TooManyClients
from openorchestrator.live.schemas import LiveOutput, LiveRunEvent
from openorchestrator.runtime import runtime_of

router = APIRouter(prefix="/api", tags=["live"])


@router.get(
    "/live",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Server-sent events: `event: run` (data: LiveRunEvent) and `event: output` "
            "(data: LiveOutput); a comment line every 15 s keeps the connection open.",
            "content": {"text/event-stream": {}},
        }
    },
)
async def live(request: Request) -> StreamingResponse:
    """Runs as they are created, start and end, and their output while the model writes it."""
    hub = runtime_of(request).live
    try:
        client = hub.connect()
    except TooManyClients:
        raise TooManyConnections("Too many live connections are open. Close a browser tab and try again.") from None
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(hub.stream(client), media_type="text/event-stream", headers=headers)


def add_live_schemas(app: FastAPI) -> None:
    """Put the stream's payload models into the API document (the web client's types are generated from it):
    no route returns them as JSON, so FastAPI would leave them out."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in (LiveRunEvent, LiveOutput):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
        return document

    app.openapi = openapi  # type: ignore[method-assign]
