"""The tool-call loop through the real stack: the API, the run engine, pydantic-ai and the official OpenAI SDK
against the local stand-in, which checks the wire format (tools offered, tool calls, tool results).

A scripted model that tries what a prompt-injected one would: tools it was not given, paths outside its
folder, and never stopping. Nothing happens but log lines, and the run ends within its request limit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
from tests.conftest import make_bot, wait_for_run
from tests.support.fake_openai import FakeOpenAI, server_error, text, tool_calls

from openorchestrator.config import Config


def _call(name: str, call_id: str, **arguments: Any) -> dict[str, Any]:
    return {"name": name, "arguments": arguments, "id": call_id}


def _offered(request: Any) -> list[str]:
    return sorted(tool["function"]["name"] for tool in request.json.get("tools", []))


def _tool_results(request: Any) -> dict[str, str]:
    return {m["tool_call_id"]: m["content"] for m in request.json["messages"] if m.get("role") == "tool"}


async def _run(client: httpx2.AsyncClient, bot_id: str) -> dict[str, Any]:
    response = await client.post(f"/api/bots/{bot_id}/runs", json={})
    assert response.status_code == 202, response.text
    return await wait_for_run(client, response.json()["id"])


async def test_a_bot_writes_its_notes_through_tool_calls(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI, config: Config
) -> None:
    bot = await make_bot(client, tools=["files"])
    fake.script(
        tool_calls([_call("write_file", "c1", path="seen.md", content="- Nike AM90\n")]),
        tool_calls([_call("append_file", "c2", path="seen.md", content="- Adidas Samba\n"), _call("list_files", "c3")]),
        text("2 neue Treffer, notiert."),
    )
    run = await _run(client, bot["id"])
    assert run["status"] == "completed" and run["output"] == "2 neue Treffer, notiert.", run["log"]
    assert (config.bot_dir(bot["id"]) / "seen.md").read_text() == "- Nike AM90\n- Adidas Samba\n"

    first, second, third = fake.chat_requests
    assert _offered(first) == ["append_file", "delete_file", "list_files", "read_file", "write_file"]
    assert set(_tool_results(second)) == {"c1"}
    assert set(_tool_results(third)) == {"c1", "c2", "c3"} and "seen.md" in _tool_results(third)["c3"]
    calls = [entry for entry in run["log"] if entry.get("tool")]
    assert [entry["function"] for entry in calls] == ["write_file", "append_file", "list_files"]
    assert all(entry["duration_ms"] >= 0 and entry["result_chars"] > 0 for entry in calls)
    assert json.loads(calls[0]["arguments"]) == {"path": "seen.md", "content": "- Nike AM90\n"}
    assert run["tokens_in"] == 30 and run["tokens_out"] == 6  # all three requests are counted

    fake.script(text("nichts Neues"))
    await _run(client, bot["id"])
    system = fake.chat_requests[-1].json["messages"][0]["content"]
    assert "Adidas Samba" in system  # what it wrote is its memory in the next run


async def test_a_hostile_model_gets_nothing_but_log_lines(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI, config: Config, tmp_path: Path
) -> None:
    other = await make_bot(client, name="Other", tools=["files"])
    victim = config.bot_dir(other["id"])
    victim.mkdir(parents=True)
    (victim / "secret.md").write_text("other bot's notes")
    bot = await make_bot(client, tools=["files"])
    fake.script(
        tool_calls(
            [
                _call("web_fetch", "h1", url="http://169.254.169.254/latest/meta-data/"),
                _call("shell", "h2", command="rm -rf /"),
                _call("write_file", "h3", path=f"../{other['id']}/secret.md", content="pwned"),
                _call("read_file", "h4", path="/etc/passwd"),
                _call("delete_file", "h5", path="../../openorchestrator.db"),
            ]
        ),
        text("Ich habe es versucht."),
    )
    run = await _run(client, bot["id"])
    assert run["status"] == "completed"
    assert (victim / "secret.md").read_text() == "other bot's notes"
    assert (config.data_dir / "openorchestrator.db").exists()
    assert not config.bot_dir(bot["id"]).exists() or not any(config.bot_dir(bot["id"]).iterdir())

    results = _tool_results(fake.chat_requests[1])
    assert "root:" not in json.dumps(results)
    assert all(results[i].startswith("refused (") for i in ("h3", "h4", "h5")), results
    messages = [entry["message"] for entry in run["log"] if entry["level"] == "warning"]
    assert any("'web_fetch'" in m and "does not have the tool" in m for m in messages), messages
    assert any("'shell'" in m and "no such tool" in m for m in messages), messages
    assert sum("refused" in m for m in messages) >= 3


async def test_a_model_that_never_stops_ends_at_the_request_limit(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI
) -> None:
    bot = await make_bot(client, tools=["files"], max_model_requests=3)
    fake.set_default(tool_calls([_call("list_files", "again")]))
    run = await _run(client, bot["id"])
    assert run["status"] == "failed" and run["error_code"] == "tool_limit", run
    assert len(fake.chat_requests) == 3
    assert "Werkzeugen" in run["error_message"]


async def test_a_model_insisting_on_a_tool_it_lacks_ends_too(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI
) -> None:
    bot = await make_bot(client, tools=["files"], max_model_requests=4)
    fake.set_default(tool_calls([_call("web_fetch", "x", url="http://example.org/")]))
    run = await _run(client, bot["id"])
    assert run["status"] == "failed" and run["error_code"] == "tool_limit", run
    assert len(fake.chat_requests) <= 4


async def test_a_bot_without_tools_is_offered_none(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI
) -> None:
    bot = await make_bot(client)
    fake.script(text("ok"))
    await _run(client, bot["id"])
    assert "tools" not in fake.chat_requests[-1].json


async def test_a_failure_after_a_write_is_not_repeated(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI, config: Config
) -> None:
    """A retry or a fallback model would append the same line again: neither happens once a tool wrote."""
    bot = await make_bot(client, tools=["files"], fallback_models=["openai:gpt-4.1-nano"])
    fake.script(tool_calls([_call("append_file", "a1", path="log.md", content="- seen\n")]), server_error(503))
    run = await _run(client, bot["id"])
    assert run["status"] == "failed" and run["error_code"] == "provider_error", run
    assert (config.bot_dir(bot["id"]) / "log.md").read_text() == "- seen\n"
    runs = (await client.get(f"/api/bots/{bot['id']}/runs")).json()
    assert len(runs) == 1 and len(fake.chat_requests) == 2  # no retry run, no fallback request
    assert any("Not retried" in entry["message"] for entry in run["log"])


async def test_a_failure_after_reading_only_may_fall_back(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI
) -> None:
    bot = await make_bot(client, tools=["files"], fallback_models=["openai:gpt-4.1-nano"])
    fake.script(tool_calls([_call("list_files", "l1")]), server_error(503), text("Fallback answered."))
    run = await _run(client, bot["id"])
    assert run["status"] == "completed" and run["output"] == "Fallback answered.", run


async def test_a_run_that_fails_midway_still_counts_what_it_spent(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI
) -> None:
    bot = await make_bot(client, tools=["files"], max_model_requests=3)
    fake.set_default(tool_calls([_call("list_files", "again")], prompt_tokens=1000, completion_tokens=50))
    run = await _run(client, bot["id"])
    assert run["error_code"] == "tool_limit"
    assert (run["tokens_in"], run["tokens_out"]) == (3000, 150) and run["cost_estimate"] > 0


async def test_a_budget_stops_the_loop_before_the_request_that_would_go_over(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI
) -> None:
    """gpt-4.1-mini: $0.40 per million tokens in. 100,000 tokens in cost $0.04; a second such request would
    bring the run to $0.08, over the $0.05 a day: the loop stops before sending it."""
    bot = await make_bot(client, tools=["files"], budget_daily_usd=0.05, max_output_tokens=100)
    fake.set_default(tool_calls([_call("list_files", "again")], prompt_tokens=100_000, completion_tokens=10))
    run = await _run(client, bot["id"])
    assert run["status"] == "failed" and run["error_code"] == "budget_exceeded", run
    assert len(fake.chat_requests) == 1
    assert run["cost_estimate"] <= 0.05 and run["tokens_in"] == 100_000
    assert "Budget fast aufgebraucht" in run["error_message"]
    assert any(entry.get("error") == "budget" for entry in run["log"])


async def test_a_retry_after_a_fallback_wrote_is_not_made(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI, config: Config
) -> None:
    """The first model fails for a passing reason, the fallback writes and then fails: the run ends without the
    one retry (which would write again)."""
    bot = await make_bot(client, tools=["files"], fallback_models=["openai:gpt-4.1-nano"])
    fake.script_for_model("gpt-4.1-mini", server_error(503))
    fake.script_for_model(
        "gpt-4.1-nano", tool_calls([_call("append_file", "a1", path="log.md", content="- seen\n")]), server_error(503)
    )
    run = await _run(client, bot["id"])
    assert run["status"] == "failed", run
    assert len((await client.get(f"/api/bots/{bot['id']}/runs")).json()) == 1
    assert (config.bot_dir(bot["id"]) / "log.md").read_text() == "- seen\n"


async def test_a_brave_key_is_not_a_model(client: httpx2.AsyncClient, credential: dict[str, Any]) -> None:
    added = await client.post(
        "/api/providers", params={"validate": "false"}, json={"type": "brave", "api_key": "BSA-placeholder-key"}
    )
    assert added.status_code == 201, added.text
    body = {"name": "X", "prompt": "p", "model": "brave:web"}
    refused = await client.post("/api/bots", json=body)
    assert refused.status_code == 422 and "not an AI model" in refused.text
    non_ascii = await client.post("/api/providers/validate", json={"type": "brave", "api_key": "BSAé12345"})
    assert non_ascii.status_code == 422, non_ascii.text


async def test_arguments_named_like_internals_do_not_break_the_loop(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI
) -> None:
    bot = await make_bot(client, tools=["files"])
    fake.script(
        tool_calls([_call("list_files", "x1", ctx="gotcha", self="me"), {"name": "read_file", "arguments": "[1, 2]"}]),
        text("fertig"),
    )
    run = await _run(client, bot["id"])
    assert run["status"] == "completed", (run["error_code"], run["log"])
    assert len(fake.chat_requests) == 2
