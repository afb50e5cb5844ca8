"""The web application: routers, error handling, the guard, and the run engine's life in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from openorchestrator import __version__
from openorchestrator.bots.router import router as bots_router
from openorchestrator.channels.router import router as channels_router
from openorchestrator.config import Config
from openorchestrator.errors import AppError
from openorchestrator.events.router import router as events_router
from openorchestrator.live.router import add_live_schemas
from openorchestrator.live.router import router as live_router
from openorchestrator.providers.router import router as providers_router
from openorchestrator.runs.router import router as runs_router
from openorchestrator.runtime import Runtime, open_runtime
from openorchestrator.schedules.router import router as schedules_router
from openorchestrator.security import GuardMiddleware
from openorchestrator.settings.router import router as settings_router
from openorchestrator.system.router import router as system_router
from openorchestrator.templates.router import router as templates_router
from openorchestrator.tools.router import router as tools_router
from openorchestrator.usage.router import router as usage_router
from openorchestrator.web_ui import ui_routes

log = logging.getLogger(__name__)


def create_app(config: Config, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the app. Pass `runtime` to share them with a caller (tests); else the lifespan opens its own."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        svc = runtime or await open_runtime(config)
        app.state.runtime = svc
        await svc.start()
        try:
            yield
        finally:
            if own:
                await svc.close()
            else:
                await svc.stop()

    app = FastAPI(
        title="openOrchestrator",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    routers = (
        system_router,
        bots_router,
        runs_router,
        providers_router,
        settings_router,
        usage_router,
        events_router,
        schedules_router,
        channels_router,
        tools_router,
        templates_router,
        live_router,
    )
    for router in routers:
        app.include_router(router)
    add_live_schemas(app)
    app.router.routes.extend(ui_routes(config.web_dist_dir))  # last: it answers every path the API does not own
    _install_error_handlers(app)
    bound = [config.host] if config.host not in ("0.0.0.0", "::") else []  # e.g. 127.0.0.2 answers to itself
    app.add_middleware(
        GuardMiddleware,
        allowed_hosts=[*config.allowed_hosts, *bound],
        access_token=config.access_token,
        allowed_origins=config.allowed_origins,
    )

    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [_field_error(error) for error in exc.errors()]
        first = details[0] if details else {"field": "body", "reason": "is not valid"}
        body = {
            "error": {
                "code": "invalid_input",
                "message": f"{first['field']}: {first['reason']}",
                "details": details,
            }
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        body = {"error": {"code": code, "message": str(exc.detail)}}
        headers = {key.lower(): value for key, value in (exc.headers or {}).items()}
        if exc.status_code == 405:  # Starlette names only the first matching route's methods
            headers["allow"] = ", ".join(_allowed_methods(app, request))
        return JSONResponse(body, status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        body = {"error": {"code": "internal", "message": "Something went wrong on our side; it has been logged."}}
        return JSONResponse(body, status_code=500)


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """The methods some route fully matches for this path (routers nest, so ask each method)."""
    return [
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in app.routes)
    ]


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    field = ".".join(location) or "body"
    reason = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    if error.get("type") == "json_invalid":
        field, reason = "body", "is not valid JSON"
    elif error.get("type") == "extra_forbidden":
        reason = "is not a known field"
    return {"field": field, "reason": reason}
