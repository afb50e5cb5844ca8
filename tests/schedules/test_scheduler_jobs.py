"""Jobs follow the bots table live; jitter; daylight-saving changes; stale bots; one scheduling process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from tests.schedules.conftest import World, at
from tests.support.fake_openai import error

from openorchestrator.db.models import Bot, Event
from openorchestrator.runtime import open_runtime
from openorchestrator.settings.schemas import AppSettingsUpdate


def when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# -- live updates --------------------------------------------------------------------------------------------
async def test_jobs_follow_edits_pauses_and_deletes(world: World) -> None:
    scheduler = world.svc.scheduler
    bot = await world.bot(schedule="0 * * * *")
    manual = await world.bot(name="Manual")
    assert manual["next_run_at"] is None and scheduler.job_next_fire(manual["id"]) is None

    edited = await world.patch_bot(bot["id"], schedule="0 9 * * 1", timezone="Europe/Berlin")
    assert edited["schedule_description"] == "Mondays at 09:00"
    monday = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)  # 09:00 in Berlin (winter time)
    assert when(edited["next_run_at"]) == monday and scheduler.job_next_fire(bot["id"]) == monday

    await world.patch_bot(manual["id"], schedule="*/15 * * * *")
    assert scheduler.job_next_fire(manual["id"]) == at("12:45")

    paused = await world.patch_bot(bot["id"], enabled=False)
    assert paused["next_run_at"] is None and scheduler.job_next_fire(bot["id"]) is None
    cleared = await world.patch_bot(manual["id"], schedule=None)
    assert cleared["next_run_at"] is None and scheduler.job_next_fire(manual["id"]) is None

    await world.patch_bot(bot["id"], enabled=True)
    assert scheduler.job_next_fire(bot["id"]) == monday
    assert (await world.http.delete(f"/api/bots/{bot['id']}")).status_code == 204
    await world.jobs_settled()
    assert scheduler.job_next_fire(bot["id"]) is None
    assert scheduler.status()["jobs"] == 0


async def test_changes_made_elsewhere_are_picked_up_on_the_next_tick(world: World) -> None:
    """The CLI or a second process edits the table directly; the scheduling process notices."""
    bot = await world.bot(schedule="0 * * * *")
    async with world.svc.sessionmaker() as session:
        row = await session.get(Bot, bot["id"])
        assert row is not None
        row.schedule, row.updated_at = "30 * * * *", world.clock.now() + timedelta(seconds=1)
        await session.commit()
    await world.svc.scheduler.tick()
    assert world.svc.scheduler.job_next_fire(bot["id"]) == at("13:30")


async def test_a_new_app_timezone_moves_bots_without_their_own(world: World) -> None:
    bot = await world.bot(schedule="0 14 * * *")
    assert world.svc.scheduler.job_next_fire(bot["id"]) == at("14:00")
    await world.settings(timezone="Europe/Berlin")
    assert world.svc.scheduler.job_next_fire(bot["id"]) == at("13:00")
    assert when((await world.http.get(f"/api/bots/{bot['id']}")).json()["next_run_at"]) == at("13:00")


# -- jitter --------------------------------------------------------------------------------------------------
async def test_jitter_spreads_bots_within_its_bounds(world: World) -> None:
    await world.settings(jitter_seconds=30)
    bots = [await world.bot(name=f"Hourly {i}", schedule="0 13 * * *") for i in range(20)]
    fires = [when(bot["next_run_at"]) for bot in bots]
    assert all(f is not None and abs((f - at("13:00")).total_seconds()) <= 30 for f in fires), fires
    assert len({f for f in fires}) == 20  # spread, not one second for all
    assert [world.svc.scheduler.job_next_fire(bot["id"]) for bot in bots] == fires

    earliest = min(f for f in fires if f is not None)
    world.clock.advance_to(earliest - timedelta(milliseconds=1))
    await world.fire()
    assert all([await world.runs(bot["id"]) == [] for bot in bots])
    world.clock.advance_to(at("13:00") + timedelta(seconds=30))
    await world.fire()
    for bot in bots:
        (run,) = await world.runs(bot["id"])
        assert when(run["scheduled_for"]) == at("13:00")  # the nominal time; jitter only moves the moment


async def test_jitter_zero_fires_on_the_minute(world: World) -> None:
    bot = await world.bot(schedule="0 13 * * *")
    assert when(bot["next_run_at"]) == at("13:00")


# -- daylight saving (Europe/Berlin) -------------------------------------------------------------------------
async def _walk_day(world: World, day_start: datetime, hours: int, bot_ids: list[str]) -> dict[str, list[datetime]]:
    """Move the clock through a local day (15 minutes before its midnight, `hours` long) in 15-minute steps,
    firing at each; the scheduled times per bot."""
    world.clock.advance_to(day_start - timedelta(minutes=15))
    await world.fire()
    seen = {bot_id: len(await world.runs(bot_id)) for bot_id in bot_ids}
    for _ in range(hours * 4):
        world.clock.advance(minutes=15)
        await world.fire()
    found: dict[str, list[datetime]] = {}
    for bot_id in bot_ids:
        runs = (await world.runs(bot_id))[seen[bot_id] :]
        assert all(run["status"] == "completed" for run in runs), runs
        found[bot_id] = [when(run["scheduled_for"]) for run in runs]  # type: ignore[misc]
    return found


async def test_autumn_fixed_times_fire_once_and_hourly_every_real_hour(world: World) -> None:
    daily = await world.bot(name="Daily", schedule="30 2 * * *", timezone="Europe/Berlin")
    hourly = await world.bot(name="Hourly", schedule="0 * * * *", timezone="Europe/Berlin")
    # 2027-10-31: at 03:00 CEST clocks go back to 02:00 CET; 02:30 happens twice. The local day has 25 hours.
    found = await _walk_day(world, datetime(2027, 10, 30, 22, 0, tzinfo=UTC), 25, [daily["id"], hourly["id"]])
    assert found[daily["id"]] == [datetime(2027, 10, 31, 0, 30, tzinfo=UTC)]  # 02:30 CEST, not again at 02:30 CET
    assert len(found[hourly["id"]]) == 25  # the day has 25 hours
    assert len(set(found[hourly["id"]])) == 25


async def test_spring_a_time_that_does_not_exist_fires_once_an_hour_later(world: World) -> None:
    daily = await world.bot(name="Daily", schedule="30 2 * * *", timezone="Europe/Berlin")
    hourly = await world.bot(name="Hourly", schedule="0 * * * *", timezone="Europe/Berlin")
    # 2027-03-28: at 02:00 CET clocks jump to 03:00 CEST; 02:30 does not exist. The local day has 23 hours.
    found = await _walk_day(world, datetime(2027, 3, 27, 23, 0, tzinfo=UTC), 23, [daily["id"], hourly["id"]])
    assert found[daily["id"]] == [datetime(2027, 3, 28, 1, 30, tzinfo=UTC)]  # 03:30 CEST
    berlin_hours = {moment.astimezone(ZoneInfo("Europe/Berlin")).hour for moment in found[hourly["id"]]}
    assert len(found[hourly["id"]]) == 23 and 2 not in berlin_hours


# -- stale bots ----------------------------------------------------------------------------------------------
async def test_a_bot_failing_three_fires_in_a_row_is_reported_stale_once(world: World) -> None:
    response = await world.http.post(
        "/api/providers",
        params={"validate": "false"},
        json={
            "type": "openai",
            "name": "broken",
            "api_key": "sk-wrong-0123456789abcdef",
            "base_url": world.fake.base_url,
        },
    )
    assert response.status_code == 201, response.text
    bot = await world.bot(schedule="0 * * * *", model="broken:gpt-4.1-mini")
    for hour in ("13:00", "14:00", "15:00", "16:00"):
        world.clock.advance_to(at(hour))
        await world.fire()
    runs = await world.runs(bot["id"])
    assert [run["status"] for run in runs] == ["failed"] * 4
    events = (await world.http.get("/api/events", params={"kind": "bot_stale"})).json()
    (event,) = events
    assert event["bot_id"] == bot["id"] and event["data"]["failed_fires"] == 3, event
    assert event["run_id"] == runs[2]["id"]
    assert "“Scout” has not completed a scheduled run 3 times in a row" in event["message"]

    await world.patch_bot(bot["id"], model="openai:gpt-4.1-mini")
    world.clock.advance_to(at("17:00"))
    await world.fire()
    async with world.svc.sessionmaker() as session:
        assert await session.scalar(select(Bot.failed_fires).where(Bot.id == bot["id"])) == 0
        assert len((await session.scalars(select(Event).where(Event.kind == "bot_stale"))).all()) == 1


async def test_manual_runs_do_not_count_towards_stale(world: World) -> None:
    bot = await world.bot(schedule="0 * * * *")
    world.fake.set_default(error(401, "bad key"))
    for _ in range(3):
        run = (await world.http.post(f"/api/bots/{bot['id']}/runs", json={})).json()
        await world.svc.engine.queue.wait_idle()
        assert (await world.http.get(f"/api/runs/{run['id']}")).json()["status"] == "failed"
    assert (await world.http.get("/api/events", params={"kind": "bot_stale"})).json() == []


# -- one scheduling process ----------------------------------------------------------------------------------
async def test_a_second_process_stands_by_and_takes_over_when_the_first_stops(world: World) -> None:
    await world.bot(schedule="0 * * * *")
    other = await open_runtime(world.config, clock=world.clock)
    other.scheduler.monotonic = world.clock.monotonic
    try:
        await other.start()
        status = other.scheduler.status()
        assert status["role"] == "standby" and status["holder"] == world.svc.scheduler.holder, status
        assert "serves the API" in status["message"]
        assert (await world.http.get("/api/status")).json()["scheduler"]["role"] == "leader"

        await world.svc.scheduler.stop()  # a normal stop hands over at once
        await other.scheduler.tick()
        assert other.scheduler.status()["role"] == "leader" and other.scheduler.status()["jobs"] == 1
    finally:
        await other.close()


async def test_a_crashed_scheduler_is_replaced_after_its_lease_runs_out(world: World) -> None:
    other = await open_runtime(world.config, clock=world.clock)
    other.scheduler.monotonic = world.clock.monotonic
    try:
        await other.start()
        assert other.scheduler.role == "standby"
        world.svc.scheduler._task.cancel()  # type: ignore[union-attr]  # the leader stops renewing (as if hung)
        world.clock.advance(seconds=world.config.scheduler_lease_seconds + 1)
        await other.scheduler.tick()
        assert other.scheduler.role == "leader"
        await world.svc.scheduler.tick()  # the old one wakes up, sees it lost the lease and steps down
        assert world.svc.scheduler.role == "standby"
    finally:
        await other.close()


async def test_scheduling_can_be_switched_off_per_process(world: World) -> None:
    config = world.config.model_copy(update={"scheduler": False})
    other = await open_runtime(config, clock=world.clock)
    try:
        await other.start()
        assert other.scheduler.status()["role"] == "off"
    finally:
        await other.close()


async def test_apscheduler_wakes_the_fire_path(world: World) -> None:
    """The real APScheduler timer: a job due now (real time) hands its bot to the fire path."""
    bot = await world.bot(schedule="0 13 * * *")
    world.clock.advance_to(at("13:00"))
    aps = world.svc.scheduler._aps
    assert aps is not None
    aps.modify_job(bot["id"], next_run_time=datetime.now(UTC))
    aps.wakeup()
    for _ in range(200):
        if await world.runs(bot["id"]):
            break
        await asyncio.sleep(0.01)
    await world.svc.engine.queue.wait_idle()
    (run,) = await world.runs(bot["id"])
    assert run["status"] == "completed" and when(run["scheduled_for"]) == at("13:00")


# -- settings and fields -------------------------------------------------------------------------------------
async def test_new_bots_take_missed_runs_from_the_setting(world: World) -> None:
    assert (await world.bot(name="A"))["missed_runs"] == "skip"
    await world.settings(missed_runs_default="catch_up")
    assert (await world.bot(name="B"))["missed_runs"] == "catch_up"
    assert (await world.bot(name="C", missed_runs="skip"))["missed_runs"] == "skip"
    response = await world.http.patch("/api/bots/" + (await world.bot(name="D"))["id"], json={"missed_runs": None})
    assert response.status_code == 422 and "missed_runs" in response.text, response.text


async def test_stale_after_fires_is_a_checked_setting(world: World) -> None:
    assert (await world.http.get("/api/settings")).json()["stale_after_fires"] == 3
    response = await world.http.patch("/api/settings", json={"stale_after_fires": 0})
    assert response.status_code == 422, response.text
    assert "stale_after_fires" in response.text


async def test_settings_changed_by_another_process_arrive_with_the_next_tick(world: World) -> None:
    bot = await world.bot(schedule="0 14 * * *")
    other = await open_runtime(world.config, clock=world.clock)
    try:
        await other.settings.update(AppSettingsUpdate(timezone="Europe/Berlin", max_parallel_runs=5))
    finally:
        await other.close()
    await world.svc.scheduler.tick()
    await world.jobs_settled()
    assert world.svc.settings.current.timezone == "Europe/Berlin"
    assert world.svc.engine.queue.parallelism == 5
    assert world.svc.scheduler.job_next_fire(bot["id"]) == at("13:00")
