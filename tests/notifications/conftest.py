"""A delivery world per test: real services on a real SQLite file, the app, the local OpenAI stand-in, one
credential, and a `FakeClock` that the engine, the outbox and the dispatcher all read.

The scheduler is off (`OPENORCH_SCHEDULER=false`), so no dispatcher loop runs: a test sends what is due with
`post.pump()` at the clock's time, and moves the clock to see retries and quiet hours end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from tests.conftest import TEST_KEY, app_client, wait_for_run
from tests.support.clock import FakeClock
from tests.support.fake_openai import FakeOpenAI, text

from openorchestrator.config import Config
from openorchestrator.runtime import Runtime, open_runtime

START = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
"""A Wednesday; 13:00 in Berlin."""


@dataclass
class Post:
    svc: Runtime
    http: httpx2.AsyncClient
    clock: FakeClock
    fake: FakeOpenAI

    async def channel(self, type_: str, config: dict[str, Any], name: str | None = None) -> dict[str, Any]:
        response = await self.http.post("/api/channels", json={"type": type_, "name": name or type_, "config": config})
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    async def bot(self, links: list[tuple[str, str, str | None]] = (), **fields: Any) -> dict[str, Any]:  # type: ignore[assignment]
        """A bot linked to channels: [(channel id, rule, format or None for the type's default)]."""
        body = {"name": "eBay-Scout", "emoji": "🛒", "prompt": "Find offers.", "model": "openai:gpt-4.1-mini"}
        response = await self.http.post("/api/bots", json=body | fields)
        assert response.status_code == 201, response.text
        bot: dict[str, Any] = response.json()
        if links:
            await self.link(bot["id"], links)
        return bot

    async def link(self, bot_id: str, links: list[tuple[str, str, str | None]]) -> list[dict[str, Any]]:
        body = [
            {"channel_id": channel_id, "notify_rule": rule} | ({"format": fmt} if fmt else {})
            for channel_id, rule, fmt in links
        ]
        response = await self.http.put(f"/api/bots/{bot_id}/channels", json=body)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def run(self, bot_id: str, output: str | None = None, **reply: Any) -> dict[str, Any]:
        """One manual run to its end, answering `output` (or the scripted reply already set)."""
        if output is not None:
            self.fake.script(text(output, **reply))
        response = await self.http.post(f"/api/bots/{bot_id}/runs", json={})
        assert response.status_code in (201, 202), response.text
        return await wait_for_run(self.http, response.json()["id"])

    async def pump(self) -> int:
        return await self.svc.dispatcher.pump()

    async def sent(self, run_id: str) -> dict[str, dict[str, Any]]:
        """The run's notification rows by channel id."""
        response = await self.http.get(f"/api/runs/{run_id}/notifications")
        assert response.status_code == 200, response.text
        return {row["channel_id"]: row for row in response.json()}

    async def settings(self, **values: Any) -> None:
        response = await self.http.patch("/api/settings", json=values)
        assert response.status_code == 200, response.text


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def post(tmp_path: Any, fake: FakeOpenAI, clock: FakeClock) -> AsyncIterator[Post]:
    config = Config(data_dir=tmp_path / "data", retry_delay_seconds=0.05, scheduler=False, _env_file=None)  # type: ignore[call-arg]
    svc = await open_runtime(config, clock=clock)
    try:
        async with app_client(config, svc) as http:
            response = await http.post(
                "/api/providers", json={"type": "openai", "api_key": TEST_KEY, "base_url": fake.base_url}
            )
            assert response.status_code == 201, response.text
            world = Post(svc, http, clock, fake)
            await world.settings(language="de", timezone="Europe/Berlin")
            yield world
    finally:
        await svc.close()
