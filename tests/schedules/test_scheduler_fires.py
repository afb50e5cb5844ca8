"""Fires on time, exactly once; misses after downtime, sleep and clock changes; catch-up; pauses; dropped fires."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import func, select
from tests.schedules.conftest import World, at
from tests.support.fake_openai import delay

from openorchestrator.db.models import Run
from openorchestrator.runtime import open_runtime


def when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def test_a_fire_creates_one_run_and_only_one(world: World) -> None:
    bot = await world.bot(schedule="0 * * * *")
    assert when(bot["next_run_at"]) == at("13:00")
    assert world.svc.scheduler.job_next_fire(bot["id"]) == at("13:00")

    world.clock.advance_to(at("12:59"))
    await world.fire()
    assert await world.runs(bot["id"]) == []

    world.clock.advance_to(at("13:00"))
    await world.fire()
    await world.fire()  # a second wake-up for the same fire finds nothing left to do
    (run,) = await world.runs(bot["id"])
    assert run["trigger"] == "schedule" and run["status"] == "completed", run
    assert when(run["scheduled_for"]) == at("13:00")
    assert when(run["created_at"]) == at("13:00")
    assert run["log"][0]["message"].startswith("Scheduled for 13:00")
    bot = (await world.http.get(f"/api/bots/{bot['id']}")).json()
    assert when(bot["next_run_at"]) == at("14:00")

    world.clock.advance_to(at("14:00"))
    await world.fire()
    assert [when(r["scheduled_for"]) for r in await world.runs(bot["id"])] == [at("13:00"), at("14:00")]


async def test_missed_fires_while_the_app_was_off_are_recorded_once_and_skipped(world: World) -> None:
    bot = await world.bot(schedule="0 * * * *")
    await world.svc.scheduler.stop()  # the app goes off at 12:30 …
    world.clock.advance_to(at("15:30"))  # … and comes back at 15:30: 13:00, 14:00 and 15:00 were missed
    await world.svc.scheduler.start()
    await world.svc.engine.queue.wait_idle()

    (record,) = await world.runs(bot["id"])
    assert record["status"] == "cancelled" and record["error_code"] == "missed", record
    assert record["error_message"].startswith("Missed: 13:00, 14:00, 15:00 — the app was off. Skipped")
    assert when(record["scheduled_for"]) == at("15:00")
    assert record["log"][0]["missed_count"] == 3 and record["log"][0]["decision"] == "skip"
    assert record["log"][0]["reason"] == "app_off"

    await world.fire()  # nothing is fired twice
    assert len(await world.runs(bot["id"])) == 1
    world.clock.advance_to(at("16:00"))
    await world.fire()
    runs = await world.runs(bot["id"])
    assert [r["status"] for r in runs] == ["cancelled", "completed"]


async def test_catch_up_runs_once_however_many_fires_were_missed(world: World) -> None:
    bot = await world.bot(schedule="*/5 * * * *", missed_runs="catch_up")
    await world.svc.scheduler.stop()
    world.clock.advance_to(at("22:33"))  # 12:35 … 22:30: 120 fires missed
    await world.svc.scheduler.start()
    await world.svc.engine.queue.wait_idle()

    (run,) = await world.runs(bot["id"])
    assert run["status"] == "completed" and run["trigger"] == "schedule", run
    assert when(run["scheduled_for"]) == at("22:30")
    note = run["log"][0]
    assert note["decision"] == "catch_up" and note["missed_count"] == 120 and note["level"] == "warning"
    assert "catching up" in run["log"][1]["message"]


async def test_a_fire_a_little_late_still_runs_as_itself(world: World) -> None:
    bot = await world.bot(schedule="0 * * * *")
    await world.svc.scheduler.stop()
    world.clock.advance_to(at("13:01"))  # a restart that took a minute
    await world.svc.scheduler.start()
    await world.svc.engine.queue.wait_idle()
    (run,) = await world.runs(bot["id"])
    assert run["status"] == "completed" and when(run["scheduled_for"]) == at("13:00"), run


async def test_the_app_language_words_the_record(world: World) -> None:
    await world.settings(language="de")
    bot = await world.bot(schedule="0 13 * * *", timezone="Europe/Berlin")  # 13:00 Berlin = 12:00 UTC
    await world.svc.scheduler.stop()
    world.clock.advance_to(at("12:30") + timedelta(days=2))
    await world.svc.scheduler.start()
    (record,) = await world.runs(bot["id"])
    assert record["error_message"].startswith("Verpasst: 05.01. 13:00, 13:00 — die App war aus. Übersprungen"), record


async def test_sleep_is_noticed_and_its_misses_recorded(world: World) -> None:
    bot = await world.bot(schedule="0 * * * *")
    world.clock.jump(hours=3)  # the laptop slept: wall time moved, the monotonic clock did not
    await world.svc.scheduler.tick()
    await world.svc.engine.queue.wait_idle()
    (record,) = await world.runs(bot["id"])
    assert record["error_code"] == "missed" and record["log"][0]["reason"] == "asleep", record
    assert "asleep or the clock was changed" in record["error_message"]
    # the jobs were rebuilt from the new time: the next fire is the next hour, not a stale one
    assert world.svc.scheduler.job_next_fire(bot["id"]) == at("16:00")


async def test_a_clock_set_back_does_not_fire_twice(world: World) -> None:
    bot = await world.bot(schedule="0 * * * *")
    world.clock.advance_to(at("13:00"))
    await world.fire()
    world.clock.jump(minutes=-40)  # someone sets the clock back to 12:20
    await world.svc.scheduler.tick()
    assert when((await world.http.get(f"/api/bots/{bot['id']}")).json()["next_run_at"]) == at("14:00")
    world.clock.advance_to(at("13:00"))
    await world.fire()
    world.clock.advance_to(at("13:30"))
    await world.fire()
    assert [when(r["scheduled_for"]) for r in await world.runs(bot["id"])] == [at("13:00")]


async def test_a_pause_is_not_a_miss(world: World) -> None:
    bot = await world.bot(schedule="0 * * * *")
    await world.patch_bot(bot["id"], enabled=False)
    assert world.svc.scheduler.job_next_fire(bot["id"]) is None
    world.clock.advance_to(at("15:30"))
    await world.fire()
    paused = await world.patch_bot(bot["id"], enabled=True)
    assert when(paused["next_run_at"]) == at("16:00")
    await world.fire()
    assert await world.runs(bot["id"]) == []  # nothing recorded as missed while it was paused
    assert world.svc.scheduler.job_next_fire(bot["id"]) == at("16:00")


async def test_a_fire_is_dropped_and_recorded_while_the_previous_one_still_waits(world: World) -> None:
    await world.settings(max_parallel_runs=1)
    blocker = await world.bot(name="Blocker")
    bot = await world.bot(schedule="* * * * *")
    world.fake.set_default(delay(30.0))
    started = await world.http.post(f"/api/bots/{blocker['id']}/runs", json={})
    assert started.status_code == 202
    world.clock.advance_to(at("12:31"))
    await world.svc.scheduler.settle_now()
    world.clock.advance_to(at("12:32"))
    await world.svc.scheduler.settle_now()
    runs = await world.runs(bot["id"])
    assert [(r["status"], r["error_code"]) for r in runs] == [("pending", None), ("cancelled", "dropped")]
    assert runs[1]["error_message"] == "Skipped: this bot's previous scheduled run is still waiting for a free slot."
    assert when(runs[1]["scheduled_for"]) == at("12:32")
    await world.http.post(f"/api/runs/{started.json()['id']}/cancel")


async def test_bots_due_together_all_run_even_beyond_the_queue_limit(world: World) -> None:
    """25 bots due in one minute exceed the 20-run queue limit for manual runs; scheduled fires are not lost."""
    bots = [await world.bot(name=f"Bot {i}", schedule="0 13 * * *") for i in range(25)]
    world.clock.advance_to(at("13:00"))
    await world.fire()
    for bot in bots:
        assert [r["status"] for r in await world.runs(bot["id"])] == ["completed"]


async def test_two_processes_settling_the_same_fire_make_one_run(world: World) -> None:
    bots = [await world.bot(name=f"Bot {i}", schedule="0 13 * * *", missed_runs="catch_up") for i in range(10)]
    other = await open_runtime(world.config, clock=world.clock)  # a second process on the same database
    try:
        world.clock.advance_to(at("13:00"))
        await asyncio.gather(world.svc.scheduler.settle_now(), other.scheduler.settle_now())
        async with world.svc.sessionmaker() as session:
            counts = (
                await session.execute(
                    select(Run.bot_id, func.count()).where(Run.trigger == "schedule").group_by(Run.bot_id)
                )
            ).all()
        assert sorted(count for _, count in counts) == [1] * len(bots)
    finally:
        await other.close()
