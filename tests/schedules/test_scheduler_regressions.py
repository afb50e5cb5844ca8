"""Regressions found in review: spring-change midnight fires, a clash in one bot, failed settles retried."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.schedules.conftest import World, at

from openorchestrator.core.cron import next_fire_times


def test_midnight_fires_survive_the_spring_change() -> None:
    """APScheduler's CronTrigger skipped these; the fire times are now computed by core.triggers."""
    daily = next_fire_times("0 0 * * *", "Europe/Berlin", datetime(2027, 3, 27, 12, tzinfo=UTC), 3)
    assert [t.astimezone(UTC) for t in daily] == [
        datetime(2027, 3, 27, 23, 0, tzinfo=UTC),  # 28 March 00:00 CET
        datetime(2027, 3, 28, 22, 0, tzinfo=UTC),  # 29 March 00:00 CEST
        datetime(2027, 3, 29, 22, 0, tzinfo=UTC),
    ]
    monthly = next_fire_times("0 0 1 * *", "Europe/Berlin", datetime(2027, 3, 2, tzinfo=UTC), 2)
    assert [t.astimezone(UTC) for t in monthly] == [
        datetime(2027, 3, 31, 22, 0, tzinfo=UTC),  # 1 April 00:00 CEST
        datetime(2027, 4, 30, 22, 0, tzinfo=UTC),
    ]
    new_york = next_fire_times("30 0 * * *", "America/New_York", datetime(2027, 3, 13, 12, tzinfo=UTC), 2)
    assert [t.astimezone(UTC) for t in new_york] == [
        datetime(2027, 3, 14, 5, 30, tzinfo=UTC),
        datetime(2027, 3, 15, 4, 30, tzinfo=UTC),
    ]


def test_times_skipped_in_spring_fire_once_each_an_hour_later() -> None:
    times = next_fire_times("*/15 2 * * *", "Europe/Berlin", datetime(2027, 3, 27, 12, tzinfo=UTC), 5)
    assert [t.astimezone(UTC).strftime("%d %H:%M") for t in times] == [
        "28 01:00",
        "28 01:15",
        "28 01:30",
        "28 01:45",
        "29 00:00",
    ]


async def test_a_clash_in_one_bot_does_not_drop_the_fires_of_others(world: World) -> None:
    a = await world.bot(name="A", schedule="0 * * * *")
    world.clock.advance_to(at("13:00"))
    await world.fire()
    world.clock.advance_to(at("13:05"))
    world.clock.jump(minutes=-10)  # the clock is set back to 12:55
    await world.patch_bot(a["id"], schedule="0 */1 * * *")  # same times: its 13:00 fire would clash
    b = await world.bot(name="B", schedule="0 * * * *")
    world.clock.advance_to(at("13:00"))
    await world.fire()
    assert [r["status"] for r in await world.runs(b["id"])] == ["completed"]
    assert [r["scheduled_for"] for r in await world.runs(a["id"])] == ["2027-01-04T13:00:00Z"]


async def test_a_fire_whose_settle_failed_is_tried_again(world: World) -> None:
    bot = await world.bot(schedule="0 13 * * *")
    world.clock.advance_to(at("13:00"))
    store = world.svc.engine.store
    original = store.transact
    calls = {"n": 0}

    async def flaky(work):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database is locked")
        return await original(work)

    store.transact = flaky  # type: ignore[method-assign]
    world.svc.scheduler._fired(bot["id"])
    await world.svc.scheduler._flushing  # type: ignore[misc]
    assert await world.runs(bot["id"]) == []
    await world.svc.scheduler.tick()
    await world.svc.scheduler._flushing  # type: ignore[misc]
    await world.svc.engine.queue.wait_idle()
    (run,) = await world.runs(bot["id"])
    assert run["status"] == "completed" and run["scheduled_for"] == "2027-01-04T13:00:00Z"
