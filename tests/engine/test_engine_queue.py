"""The run queue: FIFO order, the `max_parallel_runs` limit (changeable at runtime), and backpressure."""

from __future__ import annotations

import asyncio

import httpx2
import pytest
from tests.conftest import make_bot
from tests.engine.engine_support import (
    World,
    engine_status,
    finish,
    get_run,
    patch_settings,
    runs_of,
    settle,
    start_run,
    ts,
    wait_status,
)
from tests.support.fake_openai import FakeOpenAI, delay, hang

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def _watch(client: httpx2.AsyncClient, bot_id: str, seen: list[dict[str, str]], stop: asyncio.Event) -> None:
    """Record the status of every run of the bot, every few milliseconds, until `stop`."""
    while not stop.is_set():
        seen.append({run["id"]: run["status"] for run in await runs_of(client, bot_id)})
        await asyncio.sleep(0.005)


async def test_at_most_max_parallel_runs_run_at_once_in_fifo_order(world: World) -> None:
    client, fake = world.client, world.fake
    await patch_settings(client, max_parallel_runs=2)
    bot = await make_bot(client)
    fake.set_default(delay(0.25, "done"))

    ids = [(await start_run(client, bot["id"], f"job {n}"))["id"] for n in range(5)]
    seen: list[dict[str, str]] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(_watch(client, bot["id"], seen, stop))
    runs = [await finish(client, run_id) for run_id in ids]
    stop.set()
    await watcher

    assert [run["status"] for run in runs] == ["completed"] * 5
    running_counts = [sum(status == "running" for status in snapshot.values()) for snapshot in seen]
    assert max(running_counts) == 2, running_counts
    # While two ran, the others waited as `pending`.
    assert any(
        count == 2 and "pending" in snapshot.values() for count, snapshot in zip(running_counts, seen, strict=True)
    )
    # They started in the order they were created.
    starts = [ts(run["started_at"]) for run in runs]
    assert starts == sorted(starts)
    # No run started before a slot was free: the 3rd starts only after the 1st or 2nd finished.
    first_free = min(ts(runs[0]["finished_at"]), ts(runs[1]["finished_at"]))
    assert starts[2] >= first_free
    assert {user for user in _user_messages(fake)} == {f"job {n}" for n in range(5)}


async def test_raising_max_parallel_runs_at_runtime_starts_waiting_runs(world: World) -> None:
    client, fake = world.client, world.fake
    await patch_settings(client, max_parallel_runs=1)
    bot = await make_bot(client)
    fake.set_default(hang())
    ids = [(await start_run(client, bot["id"], f"job {n}"))["id"] for n in range(4)]
    await wait_status(client, ids[0], "running")
    await asyncio.sleep(0.1)
    assert [(await get_run(client, run_id))["status"] for run_id in ids] == ["running"] + ["pending"] * 3
    assert await engine_status(client) == {
        "queue_depth": 3,
        "held": 0,
        "running": 1,
        "max_parallel_runs": 1,
        "warnings": [],
    }

    await patch_settings(client, max_parallel_runs=3)
    for run_id in ids[1:3]:
        await wait_status(client, run_id, "running", seconds=1.0)
    status = await engine_status(client)
    assert (status["running"], status["queue_depth"], status["max_parallel_runs"]) == (3, 1, 3)
    assert (await get_run(client, ids[3]))["status"] == "pending"
    # The one still waiting starts in turn as soon as a slot frees up.
    await client.post(f"/api/runs/{ids[0]}/cancel")
    await wait_status(client, ids[3], "running", seconds=1.0)

    # Lowering the limit never stops running runs; it only holds back new ones.
    await patch_settings(client, max_parallel_runs=1)
    late = (await start_run(client, bot["id"], "late"))["id"]
    await asyncio.sleep(0.1)
    assert (await get_run(client, late))["status"] == "pending"
    assert (await engine_status(client))["running"] == 3
    for run_id in [*ids, late]:
        await client.post(f"/api/runs/{run_id}/cancel")
    await settle(client)


async def test_a_full_queue_refuses_manual_runs_with_429_and_status_warns(world: World) -> None:
    client, fake = world.client, world.fake
    await patch_settings(client, max_parallel_runs=1)
    bot = await make_bot(client)
    fake.set_default(hang())
    first = (await start_run(client, bot["id"], "blocker"))["id"]
    await wait_status(client, first, "running")

    waiting = []
    for n in range(20):
        waiting.append((await start_run(client, bot["id"], f"job {n}"))["id"])
        status = await engine_status(client)
        assert (status["queue_depth"], status["running"]) == (n + 1, 1)
        if n + 1 <= 10:
            assert status["warnings"] == [], (n, status)
        else:
            assert len(status["warnings"]) == 1, (n, status)
            assert f"{n + 1} runs are waiting" in status["warnings"][0]
    assert (await client.get("/api/health")).json()["status"] == "degraded"

    refused = await client.post(f"/api/bots/{bot['id']}/runs", json={"input": "one too many"})
    assert refused.status_code == 429, refused.text
    error = refused.json()["error"]
    assert error["code"] == "queue_full"
    assert "20" in error["message"]
    assert len(await runs_of(client, bot["id"], limit=100)) == 21  # the refused one left no row

    # Cancelling a waiting run frees a place again.
    cancelled = (await client.post(f"/api/runs/{waiting[0]}/cancel")).json()
    assert cancelled["status"] == "cancelled"
    assert (await engine_status(client))["queue_depth"] == 19
    waiting.append((await start_run(client, bot["id"], "fits again"))["id"])

    for run_id in [*waiting, first]:
        assert (await client.post(f"/api/runs/{run_id}/cancel")).status_code == 200
    await settle(client, seconds=3.0)
    assert {run["status"] for run in await runs_of(client, bot["id"], limit=100)} == {"cancelled"}
    assert len(fake.chat_requests) == 1  # only the blocker ever reached the provider
    assert (await engine_status(client))["warnings"] == []


async def test_concurrent_requests_cannot_overfill_the_queue(world: World) -> None:
    client, fake = world.client, world.fake
    await patch_settings(client, max_parallel_runs=1)
    bot = await make_bot(client)
    fake.set_default(hang())
    blocker = (await start_run(client, bot["id"], "blocker"))["id"]
    await wait_status(client, blocker, "running")
    waiting = [(await start_run(client, bot["id"], f"job {n}"))["id"] for n in range(18)]

    burst = await asyncio.gather(
        *(client.post(f"/api/bots/{bot['id']}/runs", json={"input": f"burst {n}"}) for n in range(5))
    )
    accepted = [r.json()["id"] for r in burst if r.status_code == 202]
    try:
        assert sorted(r.status_code for r in burst) == [202, 202, 429, 429, 429]
        assert (await engine_status(client))["queue_depth"] == 20
    finally:
        for run_id in [*waiting, *accepted, blocker]:
            await client.post(f"/api/runs/{run_id}/cancel")


def _user_messages(fake: FakeOpenAI) -> list[str]:
    return [m["content"] for r in fake.chat_requests for m in r.json["messages"] if m["role"] == "user"]
