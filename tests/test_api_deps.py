"""The request's unit of work (`api_deps.SessionDep`): one commit when the route returns, a rollback when it raises,
`after_commit` work only once the rows are visible to other sessions, all before the client has its answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from tests.conftest import error_of

from openorchestrator.api_deps import RuntimeDep, SessionDep
from openorchestrator.db.models import Setting
from openorchestrator.db.session import after_commit
from openorchestrator.errors import AppError, Conflict
from openorchestrator.runtime import Runtime

KEY = "unit_of_work_probe"  # not an AppSettings field: the settings store ignores it


@pytest.fixture
async def probe(services: Runtime) -> AsyncIterator[tuple[httpx2.AsyncClient, list[str]]]:
    """A small app on the real runtime (migrated SQLite file) whose routes write a row; and what their
    after-commit work saw."""
    app = FastAPI()
    app.state.runtime = services
    seen: list[str] = []

    @app.exception_handler(AppError)
    async def app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code)

    async def look(runtime: Runtime) -> None:
        async with runtime.sessionmaker() as other:
            seen.append("visible" if await other.get(Setting, KEY) is not None else "not yet")

    @app.post("/write")
    async def write(session: SessionDep, runtime: RuntimeDep, fail: bool = False) -> dict[str, Any]:
        session.add(Setting(key=KEY, value={"written": True}))
        await session.flush()
        after_commit(session, lambda: seen.append("plain work"))
        after_commit(session, lambda: look(runtime))
        if fail:
            raise Conflict("refused after writing", code="probe_refused")
        return {"ok": True}

    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as http:
        yield http, seen


async def stored(services: Runtime) -> bool:
    async with services.sessionmaker() as session:
        return await session.get(Setting, KEY) is not None


async def test_a_route_that_returns_is_committed_before_the_answer(
    probe: tuple[httpx2.AsyncClient, list[str]], services: Runtime
) -> None:
    http, seen = probe
    response = await http.post("/write")
    assert response.status_code == 200, response.text
    assert await stored(services)
    assert seen == ["plain work", "visible"]  # in order, and after the commit: another session sees the row


async def test_a_route_that_raises_writes_nothing_and_its_after_commit_work_never_runs(
    probe: tuple[httpx2.AsyncClient, list[str]], services: Runtime
) -> None:
    http, seen = probe
    error_of(await http.post("/write", params={"fail": "true"}), 409, "probe_refused")
    assert not await stored(services)
    assert seen == []
    assert (await http.post("/write")).status_code == 200  # the rollback left no lock or half-done row behind


async def test_two_requests_racing_for_one_bot_name_make_one_bot_and_one_422(
    client: httpx2.AsyncClient, credential: dict[str, Any]
) -> None:
    body = {"name": "Twin", "prompt": "Find new offers.", "model": "openai:gpt-4.1-mini"}
    first, second = await asyncio.gather(client.post("/api/bots", json=body), client.post("/api/bots", json=body))
    assert sorted([first.status_code, second.status_code]) == [201, 422], (first.text, second.text)
    loser = first if first.status_code == 422 else second
    assert error_of(loser, 422, "invalid_input")["details"] == [
        {"field": "name", "reason": "another bot is already called 'Twin'"}
    ]
    assert [bot["name"] for bot in (await client.get("/api/bots")).json()] == ["Twin"]
