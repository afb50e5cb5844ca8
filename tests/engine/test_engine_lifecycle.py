"""A run's life as a user sees it: pending → running → completed, its timestamps and log, listing, `is_new`."""

from __future__ import annotations

import hashlib

import pytest
from tests.conftest import make_bot
from tests.engine.engine_support import World, finish, log_messages, runs_of, start_run, ts, wait_status
from tests.support.fake_openai import delay, model_not_found, text

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_run_goes_pending_running_completed(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(delay(0.3, text("2 offers", prompt_tokens=50, completion_tokens=3)))

    created = await start_run(client, bot["id"], "Nike AM90")
    assert created["status"] == "pending"
    assert (created["trigger"], created["attempt"], created["input"]) == ("manual", 1, "Nike AM90")
    assert created["started_at"] is None and created["finished_at"] is None

    running = await wait_status(client, created["id"], "running")
    assert running["started_at"] is not None and running["finished_at"] is None
    assert running["output"] is None

    run = await finish(client, created["id"])
    assert run["status"] == "completed", run
    assert run["output"] == "2 offers"
    assert (run["tokens_in"], run["tokens_out"]) == (50, 3)
    assert run["error_code"] is None and run["error_message"] is None
    assert ts(run["created_at"]) <= ts(run["started_at"]) <= ts(run["finished_at"])
    took_ms = (ts(run["finished_at"]) - ts(run["started_at"])).total_seconds() * 1000
    assert run["duration_ms"] >= 300  # the provider took 0.3 s
    assert abs(run["duration_ms"] - took_ms) < 200
    messages = log_messages(run)
    assert messages[0] == "Run started."
    assert messages[1] == "Context assembled."
    assert messages[-1] == "Run completed."
    assert all(entry["level"] == "info" for entry in run["log"]), run["log"]
    stamps = [entry["at"] for entry in run["log"]]
    assert stamps == sorted(stamps)


async def test_runs_are_listed_newest_first_with_limit_and_before(world: World) -> None:
    client = world.client
    bot = await make_bot(client)
    other = await make_bot(client, name="Other")
    ids = []
    for word in ("one", "two", "three"):
        run = await start_run(client, bot["id"], word)
        await finish(client, run["id"])
        ids.append(run["id"])
    await finish(client, (await start_run(client, other["id"]))["id"])

    listed = await runs_of(client, bot["id"])
    assert [run["id"] for run in listed] == ids[::-1]
    assert [run["input"] for run in listed] == ["three", "two", "one"]

    assert [run["id"] for run in await runs_of(client, bot["id"], limit=2)] == [ids[2], ids[1]]
    assert [run["id"] for run in await runs_of(client, bot["id"], before=ids[1])] == [ids[0]]
    assert [run["id"] for run in await runs_of(client, bot["id"], limit=1, before=ids[2])] == [ids[1]]
    assert await runs_of(client, bot["id"], before=ids[0]) == []

    assert (await client.get(f"/api/bots/{bot['id']}/runs", params={"limit": 0})).status_code == 422
    assert (await client.get("/api/bots/01NOSUCHBOT0000000000000000/runs")).status_code == 404


async def test_is_new_compares_with_the_last_completed_output_ignoring_whitespace(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(
        text("Two offers:\nNike AM90 for 99 €, Adidas Samba for 80 €."),
        text("Two offers:\nNike AM90 for 99 €, Adidas Samba for 80 €."),  # the very same
        text("  Two offers:  Nike AM90 for 99 €,\n\tAdidas Samba\r\nfor 80 €.\n\n"),  # re-wrapped
        text("Three offers: Nike AM90 for 89 €."),  # new
    )
    runs = []
    for _ in range(4):
        runs.append(await finish(client, (await start_run(client, bot["id"]))["id"]))
    assert [run["status"] for run in runs] == ["completed"] * 4
    assert [run["is_new"] for run in runs] == [True, False, False, True]

    hashes = [run["output_hash"] for run in runs]
    assert all(h and len(h) == 64 and int(h, 16) >= 0 for h in hashes)
    assert hashes[0] == hashes[1] == hashes[2] != hashes[3]
    normalized = "Two offers: Nike AM90 for 99 €, Adidas Samba for 80 €."
    assert hashes[0] == hashlib.sha256(normalized.encode()).hexdigest()


async def test_is_new_skips_failed_runs_when_comparing(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(text("same"), model_not_found("gpt-4.1-mini"), text("same"))
    first = await finish(client, (await start_run(client, bot["id"]))["id"])
    failed = await finish(client, (await start_run(client, bot["id"]))["id"])
    third = await finish(client, (await start_run(client, bot["id"]))["id"])
    assert failed["status"] == "failed" and failed["is_new"] is None and failed["output_hash"] is None
    assert (first["is_new"], third["is_new"]) == (True, False)
