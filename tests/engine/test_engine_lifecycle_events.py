"""A run's life as events (engine/lifecycle.py): listeners hear created → started → ended after each commit,
ending hooks write inside the ending's transaction (all or nothing), and neither can lose a run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.conftest import make_bot
from tests.engine.engine_support import World, finish, start_run
from tests.support.fake_openai import delay, text

from openorchestrator.db.models import Event, EventKind
from openorchestrator.engine.lifecycle import RunChanged, RunEnding, RunEvent, RunOutput
from openorchestrator.events.record import record_event

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def heard(world: World) -> Iterator[list[RunEvent]]:
    events: list[RunEvent] = []
    undo = world.services.engine.lifecycle.subscribe(events.append)
    yield events
    undo()


async def test_listeners_hear_created_started_ended_in_order_after_each_commit(
    world: World, heard: list[RunEvent]
) -> None:
    bot = await make_bot(world.client)
    world.fake.script(text("3 neue Treffer"))
    run = await finish(world.client, (await start_run(world.client, bot["id"]))["id"])
    mine = [event for event in heard if isinstance(event, RunChanged) and event.run_id == run["id"]]
    assert [(event.kind, event.status.value) for event in mine] == [
        ("created", "pending"),
        ("started", "running"),
        ("ended", "completed"),
    ]
    assert all(event.bot_id == bot["id"] for event in mine)
    assert not [event for event in heard if isinstance(event, RunOutput)]  # nobody asked for output


async def test_an_ending_names_the_runs_it_created_and_they_are_heard_as_created(
    world: World, heard: list[RunEvent]
) -> None:
    writer = await make_bot(world.client, name="Writer")
    scout = await make_bot(world.client, name="Scout", on_complete=[writer["id"]])
    world.fake.script(text("2 neue Treffer"), text("Zusammenfassung"))
    run = await finish(world.client, (await start_run(world.client, scout["id"]))["id"])
    ended = next(e for e in heard if isinstance(e, RunChanged) and e.kind == "ended" and e.run_id == run["id"])
    assert len(ended.spawned) == 1
    created = [e for e in heard if isinstance(e, RunChanged) and e.kind == "created" and e.run_id in ended.spawned]
    assert [(e.bot_id, e.status.value) for e in created] == [(writer["id"], "pending")]
    await finish(world.client, ended.spawned[0])


async def test_an_ending_hook_writes_in_the_ending_transaction(world: World) -> None:
    def note(session: Session, ending: RunEnding) -> None:
        record_event(
            session,
            EventKind.BOT_STALE,
            f"ended {ending.status}",
            bot_id=ending.bot.id,
            now=ending.values["finished_at"],
        )

    undo = world.services.engine.lifecycle.on_ending(note)
    try:
        bot = await make_bot(world.client)
        world.fake.script(text("ok"))
        run = await finish(world.client, (await start_run(world.client, bot["id"]))["id"])
    finally:
        undo()
    assert run["status"] == "completed"
    assert await _events_of(world, bot["id"]) == ["ended completed"]


async def test_a_failing_ending_hook_rolls_the_whole_ending_back_and_the_run_ends_internal(
    world: World, heard: list[RunEvent]
) -> None:
    def note(session: Session, ending: RunEnding) -> None:
        record_event(
            session, EventKind.BOT_STALE, "half an ending", bot_id=ending.bot.id, now=ending.values["finished_at"]
        )

    def broken(session: Session, ending: RunEnding) -> None:
        raise RuntimeError("a subscriber's bug")

    undo_note = world.services.engine.lifecycle.on_ending(note)
    undo_broken = world.services.engine.lifecycle.on_ending(broken)
    try:
        bot = await make_bot(world.client)
        world.fake.script(text("the answer"))
        run = await finish(world.client, (await start_run(world.client, bot["id"]))["id"])
    finally:
        undo_broken()
        undo_note()
    assert (run["status"], run["error_code"]) == ("failed", "internal")
    assert run["output"] is None  # the completed values were rolled back with the hook's rows
    assert await _events_of(world, bot["id"]) == []
    assert any("a subscriber's bug" in entry["message"] for entry in run["log"])
    ended = [e for e in heard if isinstance(e, RunChanged) and e.kind == "ended" and e.run_id == run["id"]]
    assert [e.status.value for e in ended] == ["failed"]


async def test_a_failing_listener_neither_fails_the_run_nor_silences_the_others(
    world: World, heard: list[RunEvent]
) -> None:
    def broken(event: RunEvent) -> None:
        raise RuntimeError("a listener's bug")

    undo = world.services.engine.lifecycle.subscribe(broken)
    try:
        bot = await make_bot(world.client)
        world.fake.script(text("fine"))
        run = await finish(world.client, (await start_run(world.client, bot["id"]))["id"])
    finally:
        undo()
    assert run["status"] == "completed"
    assert [e.kind for e in heard if isinstance(e, RunChanged) and e.run_id == run["id"]] == [
        "created",
        "started",
        "ended",
    ]


async def test_a_waiting_run_cancelled_is_heard_as_ended(world: World, heard: list[RunEvent]) -> None:
    await world.client.patch("/api/settings", json={"max_parallel_runs": 1})
    bot = await make_bot(world.client)
    world.fake.script(delay(1.0, text("slow")), text("never"))
    first = await start_run(world.client, bot["id"])
    second = await start_run(world.client, bot["id"])
    cancelled = (await world.client.post(f"/api/runs/{second['id']}/cancel")).json()
    assert cancelled["status"] == "cancelled"
    assert [(e.kind, e.status.value) for e in heard if isinstance(e, RunChanged) and e.run_id == second["id"]] == [
        ("created", "pending"),
        ("ended", "cancelled"),
    ]
    await finish(world.client, first["id"])


async def _events_of(world: World, bot_id: str) -> list[Any]:
    async with world.services.sessionmaker() as session:
        rows = await session.scalars(select(Event.message).where(Event.bot_id == bot_id).order_by(Event.created_at))
        count = await session.scalar(select(func.count()).select_from(Event).where(Event.bot_id == bot_id))
    messages = list(rows)
    assert count == len(messages)
    return messages
