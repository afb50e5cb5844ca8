from __future__ import annotations

import httpx2
from tests.conftest import make_bot, wait_for_run
from tests.support.fake_openai import FakeOpenAI, text


async def test_a_bot_runs_and_its_result_is_stored(
    client: httpx2.AsyncClient, fake: FakeOpenAI, credential: dict
) -> None:
    bot = await make_bot(client)
    fake.script(text("3 new offers", prompt_tokens=120, completion_tokens=7))
    response = await client.post(f"/api/bots/{bot['id']}/runs", json={"input": "Nike AM90"})
    assert response.status_code == 202
    run = await wait_for_run(client, response.json()["id"])
    assert run["status"] == "completed", run
    assert run["output"] == "3 new offers"
    assert (run["tokens_in"], run["tokens_out"]) == (120, 7)
    assert run["cost_estimate"] is not None and run["cost_estimate"] > 0
    assert run["model"] == "openai:gpt-4.1-mini"
    assert run["is_new"] is True
    assert [m["role"] for m in fake.chat_requests[-1].json["messages"]] == ["system", "user"]
