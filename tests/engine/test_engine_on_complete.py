"""`on_complete`: a completed run hands its output to the next bots; loops are refused when saved."""

from __future__ import annotations

import httpx2
import pytest
from tests.conftest import make_bot
from tests.engine.engine_support import World, finish, runs_of, settle, start_run, system_of, user_of
from tests.support.fake_openai import model_not_found, text

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_completed_run_hands_its_output_to_the_next_bot(world: World) -> None:
    client, fake = world.client, world.fake
    writer = await make_bot(client, name="Writer", prompt="Summarise what you get.")
    scout = await make_bot(client, name="Scout", on_complete=[writer["id"]])
    fake.script(text("3 new offers: AM90, Samba, Gazelle"), text("Summary: three offers"))

    first = await finish(client, (await start_run(client, scout["id"], "sneakers"))["id"])
    assert first["status"] == "completed", first
    handed = [entry for entry in first["log"] if entry["message"].startswith("Handed the output to 'Writer'")]
    assert len(handed) == 1

    followed = await runs_of(client, writer["id"])
    assert len(followed) == 1
    follow_up = followed[0]
    assert handed[0]["next_run_id"] == follow_up["id"]
    assert (follow_up["trigger"], follow_up["parent_run_id"], follow_up["attempt"]) == ("bot", first["id"], 1)
    assert follow_up["input"] == "3 new offers: AM90, Samba, Gazelle"
    follow_up = await finish(client, follow_up["id"])
    assert (follow_up["status"], follow_up["output"]) == ("completed", "Summary: three offers")

    scout_call, writer_call = fake.chat_requests
    assert user_of(scout_call) == "sneakers"
    assert user_of(writer_call) == "3 new offers: AM90, Samba, Gazelle"
    assert "Du bist Writer." in system_of(writer_call)
    await settle(client)
    assert len(await runs_of(client, scout["id"])) == 1  # nothing flows back


async def test_one_output_can_go_to_several_bots(world: World) -> None:
    client, fake = world.client, world.fake
    a = await make_bot(client, name="A")
    b = await make_bot(client, name="B")
    source = await make_bot(client, name="Source", on_complete=[a["id"], b["id"]])
    fake.script(text("news"))
    first = await finish(client, (await start_run(client, source["id"]))["id"])
    await settle(client)
    for target in (a, b):
        (run,) = await runs_of(client, target["id"])
        assert (run["status"], run["input"], run["parent_run_id"]) == ("completed", "news", first["id"])


async def test_a_paused_next_bot_is_skipped_with_a_warning(world: World) -> None:
    client = world.client
    paused = await make_bot(client, name="Paused", enabled=False)
    source = await make_bot(client, name="Source", on_complete=[paused["id"]])
    first = await finish(client, (await start_run(client, source["id"]))["id"])
    await settle(client)
    assert first["status"] == "completed"
    assert await runs_of(client, paused["id"]) == []
    assert any("skipped" in entry["message"] for entry in first["log"] if entry["level"] == "warning"), first["log"]


async def test_a_failed_run_triggers_nothing(world: World) -> None:
    client, fake = world.client, world.fake
    writer = await make_bot(client, name="Writer")
    scout = await make_bot(client, name="Scout", on_complete=[writer["id"]])
    fake.script(model_not_found("gpt-4.1-mini"))  # permanent: no retry either
    run = await finish(client, (await start_run(client, scout["id"]))["id"])
    assert run["status"] == "failed"
    await settle(client)
    assert await runs_of(client, writer["id"]) == []
    assert len(fake.chat_requests) == 1


async def test_loops_self_references_and_unknown_bots_are_refused(world: World) -> None:
    client = world.client
    b = await make_bot(client, name="B")
    a = await make_bot(client, name="A", on_complete=[b["id"]])
    c = await make_bot(client, name="C")

    def refused(response: httpx2.Response) -> str:
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "invalid_input"
        assert error["details"][0]["field"] == "on_complete"
        return str(error["details"][0]["reason"])

    assert "loop" in refused(await client.patch(f"/api/bots/{b['id']}", json={"on_complete": [a["id"]]}))
    # A longer loop: B → C is fine, then C → A would close A → B → C → A.
    assert (await client.patch(f"/api/bots/{b['id']}", json={"on_complete": [c["id"]]})).status_code == 200
    assert "loop" in refused(await client.patch(f"/api/bots/{c['id']}", json={"on_complete": [a["id"]]}))
    assert "itself" in refused(await client.patch(f"/api/bots/{a['id']}", json={"on_complete": [a["id"]]}))
    unknown = "01NOSUCHBOT0000000000000000"
    assert unknown in refused(await client.patch(f"/api/bots/{a['id']}", json={"on_complete": [unknown]}))
    new_bot = {"name": "D", "prompt": "p", "model": "openai:gpt-4.1-mini", "on_complete": [unknown]}
    assert unknown in refused(await client.post("/api/bots", json=new_bot))
    # Nothing refused was saved.
    assert (await client.get(f"/api/bots/{a['id']}")).json()["on_complete"] == [b["id"]]
    assert (await client.get(f"/api/bots/{c['id']}")).json()["on_complete"] == []
