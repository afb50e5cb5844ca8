"""Shared fixtures: a real migrated SQLite file in a temp data dir, the local OpenAI stand-in, the app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from tests.support.fake_openai import FakeOpenAI

from openorchestrator.app import create_app
from openorchestrator.config import Config
from openorchestrator.runtime import Runtime, open_runtime

TEST_KEY = "sk-test-0123456789abcdefSECRET"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(data_dir=tmp_path / "data", retry_delay_seconds=0.05, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_keys=[TEST_KEY]) as server:
        yield server


@pytest.fixture
async def services(config: Config) -> AsyncIterator[Runtime]:
    svc = await open_runtime(config)
    try:
        yield svc
    finally:
        await svc.close()


@contextlib.asynccontextmanager
async def app_client(config: Config, services: Runtime) -> AsyncIterator[httpx2.AsyncClient]:
    """The app on `services`, started (lifespan) and reached in-process, as a client on http://127.0.0.1:8765."""
    app = create_app(config, runtime=services)
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as http:
            yield http


@pytest.fixture
async def client(config: Config, services: Runtime) -> AsyncIterator[httpx2.AsyncClient]:
    async with app_client(config, services) as http:
        yield http


@pytest.fixture
async def credential(client: httpx2.AsyncClient, fake: FakeOpenAI) -> dict[str, Any]:
    response = await client.post(
        "/api/providers", json={"type": "openai", "api_key": TEST_KEY, "base_url": fake.base_url}
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def make_bot(client: httpx2.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "Scout", "prompt": "Find new offers.", "model": "openai:gpt-4.1-mini", **fields}
    response = await client.post("/api/bots", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def wait_for_run(client: httpx2.AsyncClient, run_id: str, seconds: float = 10.0) -> dict[str, Any]:
    """Poll until the run has ended; the test fails after `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        run = (await client.get(f"/api/runs/{run_id}")).json()
        if run["status"] not in ("pending", "running"):
            return run  # type: ignore[no-any-return]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"run {run_id} still {run['status']} after {seconds} s")
        await asyncio.sleep(0.01)


def error_of(response: httpx2.Response, status: int, code: str) -> dict[str, Any]:
    """The `error` object of a JSON error answer with this status and code (and nothing else)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert error["code"] == code, body
    assert isinstance(error["message"], str) and error["message"].strip(), body
    assert "Traceback" not in response.text
    return error  # type: ignore[no-any-return]
