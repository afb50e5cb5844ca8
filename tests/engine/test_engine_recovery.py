"""Crash recovery and shutdown: runs left `running` end as interrupted, `pending` runs run on the next start."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx2
from tests.conftest import make_bot
from tests.engine.engine_support import patch_settings, start_run, user_of, wait_status
from tests.support.fake_openai import FakeOpenAI, delay, hang

from openorchestrator.config import Config
from openorchestrator.core.ids import new_id
from openorchestrator.db.models import Run
from openorchestrator.runtime import Runtime, open_runtime


def _row(bot_id: str, status: str, run_input: str, created_at: Any, **values: Any) -> Run:
    return Run(
        id=new_id(),
        bot_id=bot_id,
        status=status,
        trigger=values.pop("trigger", "manual"),
        input=run_input,
        log=values.pop("log", []),
        attempt=values.pop("attempt", 1),
        created_at=created_at,
        **values,
    )


async def _until_final(svc: Runtime, run_ids: list[str], seconds: float = 5.0) -> list[Run]:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        runs = [await svc.engine.get_run(run_id) for run_id in run_ids]
        if all(run.status not in ("pending", "running") for run in runs):
            return runs
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still not done after {seconds} s: {[(r.input, r.status) for r in runs]}")
        await asyncio.sleep(0.01)


async def test_after_a_crash_running_runs_are_interrupted_and_pending_runs_run_in_fifo_order(
    client: httpx2.AsyncClient, fake: FakeOpenAI, credential: dict, config: Config, services: Runtime
) -> None:
    await patch_settings(client, max_parallel_runs=1)  # stored, so the next process runs one at a time too
    bot = await make_bot(client)
    fake.set_default(delay(0.05, "done"))

    # What a crashed process left behind, written straight into the database.
    t0 = services.clock.now() - timedelta(minutes=5)
    stranded = _row(
        bot["id"],
        "running",
        "was running",
        t0,
        started_at=t0,
        log=[{"at": t0.isoformat(), "level": "info", "message": "Run started."}],
    )
    held = _row(  # a retry waiting for its Retry-After, created before the other two
        bot["id"],
        "pending",
        "held retry",
        t0 + timedelta(seconds=1),
        trigger="retry",
        attempt=2,
        retry_of=stranded.id,
        not_before=services.clock.now() + timedelta(seconds=0.4),
    )
    first = _row(bot["id"], "pending", "first", t0 + timedelta(seconds=2))
    second = _row(bot["id"], "pending", "second", t0 + timedelta(seconds=3))
    async with services.sessionmaker() as session:
        session.add_all([second, stranded, first, held])  # insertion order must not matter
        await session.commit()

    fresh = await open_runtime(config)
    try:
        await fresh.engine.start()
        stranded_run, held_run, first_run, second_run = await _until_final(
            fresh, [stranded.id, held.id, first.id, second.id]
        )
    finally:
        await fresh.close()

    assert (stranded_run.status, stranded_run.error_code) == ("failed", "interrupted")
    assert stranded_run.error_message == "Die App wurde beendet, während der Bot lief."
    assert stranded_run.finished_at is not None and stranded_run.output is None
    assert [entry["message"] for entry in stranded_run.log] == [
        "Run started.",
        "The app stopped while this run was running.",
    ]
    assert stranded_run.log[-1]["level"] == "error"

    assert [run.status for run in (first_run, second_run, held_run)] == ["completed"] * 3
    assert first_run.started_at < second_run.started_at  # FIFO by creation
    assert first_run.finished_at <= second_run.started_at  # one at a time
    assert held_run.started_at >= held.not_before  # the held retry kept its not_before
    assert [user_of(request) for request in fake.chat_requests] == ["first", "second", "held retry"]
    assert held_run.attempt == 2 and held_run.retry_of == stranded.id


async def test_stopping_the_app_interrupts_runs_in_flight_and_keeps_waiting_runs_for_the_next_start(
    client: httpx2.AsyncClient, fake: FakeOpenAI, credential: dict, config: Config, services: Runtime
) -> None:
    await patch_settings(client, max_parallel_runs=1)
    bot = await make_bot(client)
    fake.set_default(hang())
    busy = (await start_run(client, bot["id"], "busy"))["id"]
    waiting = (await start_run(client, bot["id"], "waiting"))["id"]
    await wait_status(client, busy, "running")
    assert await asyncio.to_thread(fake.wait_for_requests, 2, 3.0)  # the key check, then "busy" at the provider

    await services.engine.stop()
    busy_run = await services.engine.get_run(busy)
    assert (busy_run.status, busy_run.error_code) == ("failed", "interrupted")
    assert busy_run.error_message == "Die App wurde beendet, während der Bot lief."
    assert "The app stopped while this run was running." in [entry["message"] for entry in busy_run.log]
    assert (await services.engine.get_run(waiting)).status == "pending"

    fake.set_default("picked up again")
    fresh = await open_runtime(config)
    try:
        await fresh.engine.start()
        (waiting_run,) = await _until_final(fresh, [waiting])
    finally:
        await fresh.close()
    assert (waiting_run.status, waiting_run.output) == ("completed", "picked up again")
    assert (await services.engine.get_run(busy)).status == "failed"  # not run again
    assert [user_of(request) for request in fake.chat_requests] == ["busy", "waiting"]
