"""GET /api/live: server-sent events of runs as they are created, start and end, and their output while the
model writes it, through a real uvicorn server on loopback and the OpenAI SDK streaming from the stand-in."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import uvicorn
from tests.conftest import TEST_KEY, make_bot
from tests.support.fake_openai import FakeOpenAI, streamed, text

from openorchestrator.app import create_app
from openorchestrator.config import Config
from openorchestrator.runtime import Runtime

Event = tuple[str, dict[str, Any]]


@contextlib.asynccontextmanager
async def served(config: Config, runtime: Runtime) -> AsyncIterator[httpx2.AsyncClient]:
    """The app on a real server (streams need one: an in-process transport buffers whole answers)."""
    app = create_app(config, runtime=runtime)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="on", log_level="warning", log_config=None, timeout_graceful_shutdown=5)
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(1000):
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        async with httpx2.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        await runtime.live.close()  # as `openorch serve` does on SIGTERM: open streams end first
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def read_events(response: httpx2.Response, until: Any, events: list[Event]) -> None:
    """Parse `event:`/`data:` blocks into `events` until `until(events)` is true or the stream ends."""
    name, data = "", ""
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = line.removeprefix("data: ")
        elif line == "" and name:
            events.append((name, json.loads(data)))
            name, data = "", ""
            if until(events):
                return


def ended(run_id: str) -> Any:
    return lambda events: any(n == "run" and d["type"] == "run.ended" and d["run"]["id"] == run_id for n, d in events)


async def test_a_run_is_seen_live_from_created_to_ended_with_its_output_as_it_is_written(
    config: Config, services: Runtime, fake: FakeOpenAI
) -> None:
    answer = "3 neue Treffer: Nike AM90 für 55 €, Samba für 60 €, Gazelle für 58 €."
    async with served(config, services) as client:
        created = await client.post(
            "/api/providers", json={"type": "openai", "api_key": TEST_KEY, "base_url": fake.base_url}
        )
        assert created.status_code == 201, created.text
        bot = await make_bot(client)
        fake.script(streamed(text(answer, prompt_tokens=40, completion_tokens=12), interval=0.01))
        events: list[Event] = []
        async with client.stream("GET", "/api/live") as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            run = (await client.post(f"/api/bots/{bot['id']}/runs", json={})).json()
            await asyncio.wait_for(read_events(response, ended(run["id"]), events), 10)
        mine = [
            (n, d) for n, d in events if (d.get("run") or {}).get("id") == run["id"] or d.get("run_id") == run["id"]
        ]
        kinds = [d["type"] if n == "run" else "output" for n, d in mine]
        assert kinds[:2] == ["run.created", "run.started"] and kinds[-1] == "run.ended"
        assert set(kinds[2:-1]) == {"output"} and len(kinds[2:-1]) > 1  # in pieces, while it was written
        assert "".join(d["text"] for n, d in mine if n == "output") == answer
        final = mine[-1][1]["run"]
        assert (final["status"], final["output"], final["tokens_in"], final["tokens_out"]) == (
            "completed",
            answer,
            40,
            12,
        )
        stored = (await client.get(f"/api/runs/{run['id']}")).json()
        assert (stored["output"], stored["tokens_in"], stored["tokens_out"]) == (answer, 40, 12)  # as without streaming
        assert "log" not in final and "input" not in final


async def test_without_a_live_client_runs_do_not_stream_from_the_provider(
    config: Config, services: Runtime, fake: FakeOpenAI
) -> None:
    async with served(config, services) as client:
        created = await client.post(
            "/api/providers", json={"type": "openai", "api_key": TEST_KEY, "base_url": fake.base_url}
        )
        assert created.status_code == 201
        bot = await make_bot(client)
        fake.script(text("plain"), text("streamed"))
        async with client.stream("GET", "/api/live") as response:
            events: list[Event] = []
            run = (await client.post(f"/api/bots/{bot['id']}/runs", json={})).json()
            await asyncio.wait_for(read_events(response, ended(run["id"]), events), 10)
        for _ in range(100):  # the server notices the closed stream
            if not services.engine.lifecycle.watching_output:
                break
            await asyncio.sleep(0.02)
        assert not services.engine.lifecycle.watching_output
        later = (await client.post(f"/api/bots/{bot['id']}/runs", json={})).json()
        for _ in range(500):
            if (await client.get(f"/api/runs/{later['id']}")).json()["status"] == "completed":
                break
            await asyncio.sleep(0.01)
        first, second = (request.json for request in fake.chat_requests)
        assert first.get("stream") is True and not second.get("stream")


async def test_stopping_the_server_ends_open_streams(config: Config, services: Runtime) -> None:
    async with served(config, services) as client, client.stream("GET", "/api/live") as response:
        lines = response.aiter_lines()
        assert await anext(lines) == "retry: 2000"
        await services.live.close()
        rest = [line async for line in lines]
        assert rest == [""]  # the stream ended: no hang at shutdown
