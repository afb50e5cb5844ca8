"""Helpers shared by the run-engine tests (tests/engine/test_engine_*.py).

Importing this module also imports the provider SDKs (and the price table pydantic-ai loads) once, at collection
time: the app imports them lazily during the first run, and that one-off cost (seconds on a slow machine) would
otherwise count against whichever run comes first and distort its timings (time limits, cancel latency).
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio._backends._asyncio  # noqa: F401  (warm-up, see above)
import genai_prices.data  # noqa: F401  (the price table pydantic-ai loads on the first usage it prices)
import genai_prices.decompose  # noqa: F401
import genai_prices.validation  # noqa: F401
import httpx2
import openai  # noqa: F401
import openai.pagination  # noqa: F401
import openai.resources  # noqa: F401
import pydantic_ai  # noqa: F401
import pydantic_ai.models.openai  # noqa: F401
import pydantic_ai.providers.openai  # noqa: F401
from tests.support.fake_openai import FakeOpenAI

from openorchestrator.config import Config
from openorchestrator.runtime import Runtime

FINAL = ("completed", "failed", "cancelled", "timeout")


@dataclass
class World:
    """What the `world` fixture (tests/engine/conftest.py) hands a test."""

    client: httpx2.AsyncClient
    fake: FakeOpenAI
    services: Runtime
    config: Config
    credential: dict[str, Any]


def ts(value: str | None) -> datetime:
    """An API timestamp (`2026-01-01T12:00:00.123456Z`) as an aware datetime."""
    assert value is not None, "timestamp missing"
    return datetime.fromisoformat(value)


async def start_run(client: httpx2.AsyncClient, bot_id: str, run_input: str | None = None) -> dict[str, Any]:
    body = {"input": run_input} if run_input is not None else {}
    response = await client.post(f"/api/bots/{bot_id}/runs", json=body)
    assert response.status_code == 202, response.text
    return response.json()  # type: ignore[no-any-return]


async def get_run(client: httpx2.AsyncClient, run_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/runs/{run_id}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def runs_of(client: httpx2.AsyncClient, bot_id: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(f"/api/bots/{bot_id}/runs", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def engine_status(client: httpx2.AsyncClient) -> dict[str, Any]:
    """`/api/status` without its `scheduler` part (the scheduler's tests look at that)."""
    response = await client.get("/api/status")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    body.pop("scheduler")
    return body


async def patch_settings(client: httpx2.AsyncClient, **values: Any) -> dict[str, Any]:
    response = await client.patch("/api/settings", json=values)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def finish(client: httpx2.AsyncClient, run_id: str, seconds: float = 5.0) -> dict[str, Any]:
    """Poll until the run has ended.

    Fails fast (instead of after `seconds`) when the run is stuck: still pending/running in the database while
    the engine has nothing running and nothing waiting, i.e. nobody will ever finish it.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    idle_polls = 0
    while True:
        run = await get_run(client, run_id)
        if run["status"] in FINAL:
            return run
        status = await engine_status(client)
        idle_polls = (
            idle_polls + 1 if status["running"] == 0 and status["queue_depth"] == 0 and status["held"] == 0 else 0
        )
        if idle_polls >= 5:
            raise AssertionError(f"run {run_id} is stuck {run['status']!r} while the engine is idle: {run['log']}")
        if loop.time() > deadline:
            raise AssertionError(f"run {run_id} still {run['status']!r} after {seconds} s")
        await asyncio.sleep(0.01)


async def settle(client: httpx2.AsyncClient, seconds: float = 5.0) -> None:
    """Until the engine has nothing running and nothing waiting (held retries included), seen a few polls in a row."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    idle_polls = 0
    while idle_polls < 3:
        status = await engine_status(client)
        idle_polls = (
            idle_polls + 1 if status["running"] == 0 and status["queue_depth"] == 0 and status["held"] == 0 else 0
        )
        if loop.time() > deadline:
            raise AssertionError(f"the engine is still busy after {seconds} s: {status}")
        await asyncio.sleep(0.01)


async def wait_status(client: httpx2.AsyncClient, run_id: str, status: str, seconds: float = 3.0) -> dict[str, Any]:
    """Poll until the run is in `status` (e.g. `running`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        run = await get_run(client, run_id)
        if run["status"] == status:
            return run
        if loop.time() > deadline:
            raise AssertionError(f"run {run_id} is {run['status']!r}, not {status!r}, after {seconds} s")
        await asyncio.sleep(0.005)


def messages(request: Any) -> list[dict[str, Any]]:
    """The chat messages of one request the fake received."""
    return request.json["messages"]  # type: ignore[no-any-return]


def system_of(request: Any) -> str:
    return next(m["content"] for m in messages(request) if m["role"] == "system")  # type: ignore[no-any-return]


def user_of(request: Any) -> str:
    return next(m["content"] for m in messages(request) if m["role"] == "user")  # type: ignore[no-any-return]


def log_messages(run: dict[str, Any], level: str | None = None) -> list[str]:
    return [entry["message"] for entry in run["log"] if level is None or entry["level"] == level]


def write_file(path: Path, content: str | bytes, age_seconds: float) -> None:
    """Write a file into a bot's folder and date it `age_seconds` back (notes are read newest first)."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
