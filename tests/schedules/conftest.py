"""A scheduling world per test: real services on a real SQLite file, the app, the local OpenAI stand-in, one
credential, and a `FakeClock` that the scheduler and the run engine both read (no test waits for real time).

The clock starts in 2027, ahead of the real date: APScheduler's own timers (real time) then never fire during a
test, and the tests drive fires with `scheduler.settle_now()` / `scheduler.tick()`, the code paths APScheduler's
wake-ups and the maintenance loop use. `test_apscheduler_wakes_the_fire_path` checks the APScheduler wiring itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from tests.conftest import TEST_KEY, app_client
from tests.support.clock import FakeClock
from tests.support.fake_openai import FakeOpenAI

from openorchestrator.config import Config
from openorchestrator.runtime import Runtime, open_runtime

START = datetime(2027, 1, 4, 12, 30, tzinfo=UTC)
"""A Monday."""


@dataclass
class World:
    svc: Runtime
    http: httpx2.AsyncClient
    clock: FakeClock
    fake: FakeOpenAI
    config: Config

    async def bot(self, **fields: Any) -> dict[str, Any]:
        body = {"name": "Scout", "prompt": "Find new offers.", "model": "openai:gpt-4.1-mini", **fields}
        response = await self.http.post("/api/bots", json=body)
        assert response.status_code == 201, response.text
        await self.jobs_settled()
        return response.json()  # type: ignore[no-any-return]

    async def patch_bot(self, bot_id: str, **fields: Any) -> dict[str, Any]:
        response = await self.http.patch(f"/api/bots/{bot_id}", json=fields)
        assert response.status_code == 200, response.text
        await self.jobs_settled()
        return response.json()  # type: ignore[no-any-return]

    async def settings(self, **values: Any) -> None:
        response = await self.http.patch("/api/settings", json=values)
        assert response.status_code == 200, response.text
        await self.jobs_settled()

    async def fire(self, reason: str = "late") -> None:
        """What APScheduler's wake-up does at the clock's time, then let the runs it made finish."""
        await self.svc.scheduler.settle_now(reason)
        await self.svc.engine.queue.wait_idle()

    async def runs(self, bot_id: str) -> list[dict[str, Any]]:
        """The bot's runs, oldest first."""
        response = await self.http.get(f"/api/bots/{bot_id}/runs", params={"limit": 200})
        assert response.status_code == 200, response.text
        return list(reversed(response.json()))

    async def jobs_settled(self) -> None:
        """Wait for the job updates the last API call started in the background."""
        import asyncio

        for _ in range(500):
            if not self.svc.scheduler._updates:
                return
            await asyncio.sleep(0.005)
        raise AssertionError("scheduler job updates did not finish")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def world(config: Config, fake: FakeOpenAI, clock: FakeClock) -> AsyncIterator[World]:
    svc = await open_runtime(config, clock=clock)
    svc.scheduler.monotonic = clock.monotonic
    try:
        async with app_client(config, svc) as http:
            response = await http.post(
                "/api/providers", json={"type": "openai", "api_key": TEST_KEY, "base_url": fake.base_url}
            )
            assert response.status_code == 201, response.text
            world = World(svc, http, clock, fake, config)
            await world.settings(jitter_seconds=0, language="en")
            yield world
    finally:
        await svc.close()


def at(text: str) -> datetime:
    """`"13:00"` on the start day (UTC), or a full ISO time."""
    if len(text) == 5:
        hour, minute = map(int, text.split(":"))
        return START.replace(hour=hour, minute=minute)
    return datetime.fromisoformat(text)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
