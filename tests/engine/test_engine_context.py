"""What a bot sees in a run, checked on the wire: the messages the provider received (units: test_engine_units.py)."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.conftest import make_bot
from tests.engine.engine_support import (
    World,
    finish,
    log_messages,
    messages,
    start_run,
    system_of,
    ts,
    user_of,
    write_file,
)
from tests.support.fake_openai import model_not_found, text

from openorchestrator.engine.context import NOTES_TOKEN_BUDGET, estimate_tokens

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOW_DE = re.compile(r"^Jetzt: \d{4}-\d\d-\d\d \d\d:\d\d \S+\.$")


def _notes_section(system: str) -> str:
    """The text between the notes heading and the task heading."""
    match = re.search(r"Deine Notizen:\n(.*)\n\nDeine Aufgabe:", system, re.S)
    assert match, system
    return match.group(1)


async def test_the_provider_gets_identity_notes_task_and_the_input_and_nothing_else(
    world: World, tmp_path: Path
) -> None:
    client, fake, config = world.client, world.fake, world.config
    bot = await make_bot(client, description="Watches sneaker prices for Max.")
    folder = config.bot_dir(bot["id"])
    folder.mkdir(parents=True, exist_ok=True)
    write_file(folder / "old-note.md", "Old: the AM90 cost 120 €.\n", age_seconds=3600)
    write_file(folder / "latest.txt", "Latest: watch the Samba.", age_seconds=60)
    write_file(folder / "photo.png", b"\x89PNG\r\n\x1a\nPIXELS", age_seconds=10)
    write_file(folder / "dump.txt", b"BINARY-NOTE \x00\x01\x02", age_seconds=10)
    write_file(folder / "huge.txt", "HUGE-NOTE " * 110_000, age_seconds=10)  # over 1 MB
    outside = tmp_path / "outside.md"
    write_file(outside, "OUTSIDE-SECRET", age_seconds=10)
    (folder / "linked.md").symlink_to(outside)
    (folder / "sub").mkdir()
    write_file(folder / "sub" / "inner.md", "INNER-NOTE", age_seconds=10)

    run = await finish(client, (await start_run(client, bot["id"], "Nike AM90"))["id"])
    assert run["status"] == "completed", run

    (request,) = fake.chat_requests
    assert [m["role"] for m in messages(request)] == ["system", "user"]
    assert system_of(request) == (
        "Du bist Scout. Watches sneaker prices for Max.\n\n"
        "Deine Notizen:\n"
        "### latest.txt\nLatest: watch the Samba.\n\n"
        "### old-note.md\nOld: the AM90 cost 120 €.\n\n"
        "Deine Aufgabe:\nFind new offers."
    )
    assert user_of(request) == "Nike AM90"
    assembled = next(entry for entry in run["log"] if entry["message"] == "Context assembled.")
    assert assembled["notes"] == 2
    assert (assembled["has_last_result"], assembled["has_input"]) == (False, True)
    assert assembled["tokens_estimate"] == estimate_tokens(system_of(request)) + estimate_tokens("Nike AM90")
    assert log_messages(run, "warning") == []


async def test_the_last_completed_output_is_remembered_and_no_input_means_now(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client, description="", timezone="UTC")
    fake.script(text("2 offers: AM90, Samba"), model_not_found("gpt-4.1-mini"), text("nothing new"))
    first = await finish(client, (await start_run(client, bot["id"], "sneakers"))["id"])
    failed = await finish(client, (await start_run(client, bot["id"], "again"))["id"])
    third = await finish(client, (await start_run(client, bot["id"]))["id"])
    assert [first["status"], failed["status"], third["status"]] == ["completed", "failed", "completed"]

    second_call, third_call = fake.chat_requests[1:]
    at = ts(first["finished_at"]).strftime("%Y-%m-%d %H:%M")
    expected_system = (
        f"Du bist Scout.\n\nDein letztes Ergebnis ({at} UTC):\n2 offers: AM90, Samba\n\n"
        "Deine Aufgabe:\nFind new offers."
    )
    assert system_of(second_call) == expected_system
    assert system_of(third_call) == expected_system  # the failed run in between changes nothing
    assert third["input"] is None
    assert NOW_DE.match(user_of(third_call)), user_of(third_call)
    # No chat history: every call is exactly one system and one user message.
    assert all(len(messages(request)) == 2 for request in fake.chat_requests)


async def test_a_long_last_result_is_cut_at_2000_characters_with_a_warning(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(text("x" * 2000 + "Z" * 500))
    await finish(client, (await start_run(client, bot["id"]))["id"])
    run = await finish(client, (await start_run(client, bot["id"]))["id"])

    system = system_of(fake.chat_requests[1])
    assert ":\n" + "x" * 2000 + " [… gekürzt]\n\nDeine Aufgabe:" in system
    assert "Z" not in system
    assert "Last result shortened from 2500 to 2000 characters." in log_messages(run, "warning")


async def test_notes_fill_a_4000_token_budget_newest_first_and_older_ones_are_cut_or_left_out(world: World) -> None:
    client, fake, config = world.client, world.fake, world.config
    bot = await make_bot(client)
    folder = config.bot_dir(bot["id"])
    folder.mkdir(parents=True, exist_ok=True)
    write_file(folder / "newest.md", "newA " * 3000, age_seconds=10)
    write_file(folder / "middle.md", "midB " * 2000, age_seconds=20)
    write_file(folder / "oldest.md", "oldC " * 10, age_seconds=30)

    run = await finish(client, (await start_run(client, bot["id"]))["id"])
    system = system_of(fake.chat_requests[0])
    notes = _notes_section(system)
    assert notes.startswith("### newest.md\n" + ("newA " * 3000).strip() + "\n\n### middle.md\nmidB")
    assert notes.endswith(" [… gekürzt]")
    assert 0 < notes.count("midB") < 2000
    assert "oldC" not in system
    assert estimate_tokens(notes) <= NOTES_TOKEN_BUDGET
    assert estimate_tokens(notes) > NOTES_TOKEN_BUDGET - 60  # the budget is used, not wasted
    assert log_messages(run, "warning") == [
        "Note 'middle.md' shortened to fit the notes budget of 4000 tokens.",
        "1 older note(s) left out (budget 4000 tokens): oldest.md",
    ]


async def test_the_last_result_time_is_in_the_bots_time_zone_like_now(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client, timezone="Asia/Tokyo")
    first = await finish(client, (await start_run(client, bot["id"]))["id"])
    await finish(client, (await start_run(client, bot["id"]))["id"])

    tokyo = ts(first["finished_at"]).astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")
    system = system_of(fake.chat_requests[1])
    assert user_of(fake.chat_requests[1]).endswith(" JST.")
    assert f"Dein letztes Ergebnis ({tokyo} JST):" in system, system
