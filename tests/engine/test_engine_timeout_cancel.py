"""Stopping runs: the bot's own time limit, and cancelling a running, a waiting or a finished run."""

from __future__ import annotations

import asyncio
import time

import pytest
from tests.conftest import make_bot
from tests.engine.engine_support import (
    World,
    engine_status,
    finish,
    get_run,
    log_messages,
    patch_settings,
    runs_of,
    settle,
    start_run,
    ts,
    wait_status,
)
from tests.support.fake_openai import FakeOpenAI, hang, text

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def _request_arrived(fake: FakeOpenAI, count: int) -> None:
    assert await asyncio.to_thread(fake.wait_for_requests, count, 3.0), "the provider got no request"


async def test_a_run_over_its_time_limit_ends_as_timeout_with_a_friendly_message(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client, max_runtime_seconds=1)
    fake.set_default(hang())

    t0 = time.perf_counter()
    run = await finish(client, (await start_run(client, bot["id"]))["id"])
    elapsed = time.perf_counter() - t0
    assert (run["status"], run["error_code"]) == ("timeout", "timeout"), run
    assert 1.0 <= elapsed < 1.5, elapsed
    assert 1.0 <= (ts(run["finished_at"]) - ts(run["started_at"])).total_seconds() < 1.5
    assert 1000 <= run["duration_ms"] < 1500
    assert run["error_message"] == "Zeitüberschreitung — der Bot hat länger als 1 s gebraucht."
    assert "Stopped after the bot's limit of 1 s." in log_messages(run, "error")
    assert log_messages(run)[-1] == "Run timeout."
    assert run["output"] is None

    await patch_settings(client, language="en")
    again = await finish(client, (await start_run(client, bot["id"]))["id"])
    assert (again["status"], again["error_code"]) == ("timeout", "timeout"), again
    assert again["error_message"] == "Timed out — the bot took longer than 1 s."

    await settle(client)
    assert len(await runs_of(client, bot["id"])) == 2  # a timeout is not retried


async def test_cancelling_a_running_run_stops_it_within_a_second(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.set_default(hang())
    run_id = (await start_run(client, bot["id"]))["id"]
    await wait_status(client, run_id, "running")
    await _request_arrived(fake, 1)  # the provider is working on it

    t0 = time.perf_counter()
    response = await client.post(f"/api/runs/{run_id}/cancel")
    elapsed = time.perf_counter() - t0
    assert response.status_code == 200, response.text
    run = response.json()
    assert elapsed < 1.0, elapsed
    assert (run["status"], run["error_code"], run["error_message"]) == ("cancelled", "cancelled", "Abgebrochen.")
    assert run["finished_at"] is not None and run["duration_ms"] is not None
    assert "Cancelled." in log_messages(run, "warning")
    assert log_messages(run)[-1] == "Run cancelled."
    await settle(client)
    assert [r["status"] for r in await runs_of(client, bot["id"])] == ["cancelled"]  # no retry for a cancel


async def test_cancelling_a_waiting_run_cancels_it_at_once_and_it_never_starts(world: World) -> None:
    client, fake = world.client, world.fake
    await patch_settings(client, max_parallel_runs=1)
    bot = await make_bot(client)
    fake.set_default(hang())
    first = (await start_run(client, bot["id"], "first"))["id"]
    second = (await start_run(client, bot["id"], "second"))["id"]
    await wait_status(client, first, "running")
    assert (await get_run(client, second))["status"] == "pending"

    t0 = time.perf_counter()
    cancelled = (await client.post(f"/api/runs/{second}/cancel")).json()
    assert time.perf_counter() - t0 < 0.3
    assert (cancelled["status"], cancelled["error_code"]) == ("cancelled", "cancelled")
    assert cancelled["started_at"] is None and cancelled["finished_at"] is not None
    assert (await engine_status(client))["queue_depth"] == 0

    # Free the slot: the cancelled run must not take it.
    await client.post(f"/api/runs/{first}/cancel")
    await settle(client)
    assert (await get_run(client, second))["started_at"] is None
    assert [m["content"] for r in fake.chat_requests for m in r.json["messages"] if m["role"] == "user"] == ["first"]


async def test_cancelling_a_finished_run_changes_nothing(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(text("all done"))
    run = await finish(client, (await start_run(client, bot["id"]))["id"])
    assert run["status"] == "completed"

    response = await client.post(f"/api/runs/{run['id']}/cancel")
    assert response.status_code == 200, response.text
    assert response.json() == run
    assert await get_run(client, run["id"]) == run

    missing = await client.post("/api/runs/01NOSUCHRUN0000000000000000/cancel")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
