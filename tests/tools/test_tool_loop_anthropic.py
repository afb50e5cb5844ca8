"""The tool-call loop with an Anthropic credential: the API, the run engine, pydantic-ai and the official Anthropic
SDK against the local stand-in, which speaks Anthropic's tool use (`tool_use` blocks, `stop_reason: "tool_use"`,
`input_json_delta` when streamed) and checks what comes back (`tools` with `input_schema`, `tool_result` blocks
paired with their `tool_use` in the next user message, or a 400 as Anthropic answers).

pydantic-ai sends a request as a stream when its `max_tokens` is above what the SDK allows without (about 21,333):
each loop test runs once plain (4,000) and once streamed (64,000)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import pytest
from tests.conftest import make_bot, wait_for_run
from tests.support.fake_anthropic import FakeAnthropic, result_text, text, tool_use

from openorchestrator.config import Config

KEY = "sk-ant-test.tools.0123456789.ANTH"
MODEL = "claude-haiku-4-5-20251001"
FILES = ["append_file", "delete_file", "list_files", "read_file", "write_file"]
PLAIN, STREAMED = 4000, 64000
LIMITS = pytest.mark.parametrize("max_output_tokens", [PLAIN, STREAMED], ids=["plain", "streamed"])


@pytest.fixture
def anth() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(api_keys=[KEY]) as server:
        yield server
        assert server.errors == [], server.errors  # no bug inside the stand-in


@pytest.fixture
async def anthropic_credential(client: httpx2.AsyncClient, anth: FakeAnthropic) -> dict[str, Any]:
    response = await client.post(
        "/api/providers", json={"type": "anthropic", "api_key": KEY, "base_url": anth.base_url}
    )
    assert response.status_code == 201, response.text
    anth.reset()  # forget the key check's requests
    return response.json()  # type: ignore[no-any-return]


def _call(name: str, call_id: str, **arguments: Any) -> dict[str, Any]:
    return {"name": name, "input": arguments, "id": call_id}


def _results(request: Any) -> dict[str, str]:
    return {block["tool_use_id"]: result_text(block) for block in request.tool_results}


async def _run(client: httpx2.AsyncClient, bot_id: str) -> dict[str, Any]:
    response = await client.post(f"/api/bots/{bot_id}/runs", json={})
    assert response.status_code == 202, response.text
    return await wait_for_run(client, response.json()["id"])


@LIMITS
async def test_a_claude_bot_writes_its_notes_through_tool_use(
    client: httpx2.AsyncClient,
    anthropic_credential: dict[str, Any],
    anth: FakeAnthropic,
    config: Config,
    max_output_tokens: int,
) -> None:
    bot = await make_bot(client, model=f"anthropic:{MODEL}", tools=["files"], max_output_tokens=max_output_tokens)
    anth.script(
        tool_use([_call("write_file", "toolu_01W", path="seen.md", content="- Nike AM90\n")], input_tokens=100),
        tool_use(
            [
                _call("append_file", "toolu_01A", path="seen.md", content="- Adidas Samba\n"),
                _call("list_files", "toolu_01L"),
            ],
            text="Ich notiere beide.",
            input_tokens=150,
            output_tokens=30,
        ),
        text("2 neue Treffer, notiert.", input_tokens=200, output_tokens=10),
    )
    run = await _run(client, bot["id"])
    assert run["status"] == "completed" and run["output"] == "2 neue Treffer, notiert.", run["log"]
    assert (config.bot_dir(bot["id"]) / "seen.md").read_text() == "- Nike AM90\n- Adidas Samba\n"

    first, second, third = anth.message_requests
    assert [bool(r.json.get("stream")) for r in anth.message_requests] == [max_output_tokens == STREAMED] * 3
    assert sorted(tool["name"] for tool in first.tools) == FILES
    for tool in first.tools:
        assert tool["description"] and tool["input_schema"]["type"] == "object", tool
    write = next(tool for tool in first.tools if tool["name"] == "write_file")["input_schema"]
    assert {"path", "content"} <= set(write["properties"]) and "path" in write["required"]
    assert first.tool_results == []
    assert set(_results(second)) == {"toolu_01W"}
    results = _results(third)
    assert set(results) == {"toolu_01W", "toolu_01A", "toolu_01L"} and "seen.md" in results["toolu_01L"]
    assert not any(block.get("is_error") for block in third.tool_results)
    # what the model said and called is sent back as it was, the call's input as an object
    said = [m for m in third.json["messages"] if m["role"] == "assistant"][-1]["content"]
    assert [block["type"] for block in said] == ["text", "tool_use", "tool_use"]
    assert said[1]["input"] == {"path": "seen.md", "content": "- Adidas Samba\n"}

    assert (run["tokens_in"], run["tokens_out"]) == (450, 42)  # all three requests are counted
    calls = [entry for entry in run["log"] if entry.get("tool")]
    assert [entry["function"] for entry in calls] == ["write_file", "append_file", "list_files"]
    assert all(entry["duration_ms"] >= 0 and entry["result_chars"] > 0 for entry in calls)
    assert json.loads(calls[0]["arguments"]) == {"path": "seen.md", "content": "- Nike AM90\n"}


@LIMITS
async def test_a_tool_the_claude_bot_was_not_given_is_refused(
    client: httpx2.AsyncClient,
    anthropic_credential: dict[str, Any],
    anth: FakeAnthropic,
    config: Config,
    max_output_tokens: int,
) -> None:
    bot = await make_bot(client, model=f"anthropic:{MODEL}", tools=["files"], max_output_tokens=max_output_tokens)
    anth.script(
        tool_use(
            [
                _call("web_fetch", "toolu_01F", url="http://169.254.169.254/latest/meta-data/"),
                _call("write_file", "toolu_01N", path="note.md", content="ok\n"),
            ]
        ),
        text("Ohne Web-Zugriff notiert."),
    )
    run = await _run(client, bot["id"])
    assert run["status"] == "completed" and run["output"] == "Ohne Web-Zugriff notiert.", run["log"]
    assert (config.bot_dir(bot["id"]) / "note.md").read_text() == "ok\n"

    first, second = anth.message_requests
    assert "web_fetch" not in [tool["name"] for tool in first.tools]
    refused = {block["tool_use_id"]: block for block in second.tool_results}
    assert set(refused) == {"toolu_01F", "toolu_01N"}
    assert refused["toolu_01F"].get("is_error") is True and "web_fetch" in result_text(refused["toolu_01F"])
    assert not refused["toolu_01N"].get("is_error")
    warnings = [entry["message"] for entry in run["log"] if entry["level"] == "warning"]
    assert any("'web_fetch'" in m and "does not have the tool" in m for m in warnings), warnings
    assert [entry["function"] for entry in run["log"] if entry.get("tool")] == ["write_file"]


async def test_the_stand_in_speaks_tool_use_as_the_sdk_reads_it(anth: FakeAnthropic) -> None:
    """The SDK's own parsing: the plain answer and the streamed one (input assembled from `input_json_delta`
    pieces) carry the same call; an unanswered `tool_use` is a 400, as from Anthropic."""
    sdk = anthropic.AsyncAnthropic(api_key=KEY, base_url=anth.base_url, max_retries=0)
    call = _call("list_files", "toolu_01S", folder="notizen/ä", depth=2)
    anth.set_default(tool_use([call], text="Moment.", input_tokens=7, output_tokens=5))
    tools: Any = [{"name": "list_files", "description": "List.", "input_schema": {"type": "object"}}]
    question: Any = [{"role": "user", "content": "Was liegt da?"}]
    try:
        plain = await sdk.messages.create(model=MODEL, max_tokens=100, messages=question, tools=tools)
        async with sdk.messages.stream(model=MODEL, max_tokens=100, messages=question, tools=tools) as stream:
            streamed = await stream.get_final_message()
        for message in (plain, streamed):
            assert message.stop_reason == "tool_use"
            assert [block.type for block in message.content] == ["text", "tool_use"]
            block = message.content[1]
            assert block.type == "tool_use" and (block.id, block.name) == ("toolu_01S", "list_files")
            assert block.input == {"folder": "notizen/ä", "depth": 2}
            assert (message.usage.input_tokens, message.usage.output_tokens) == (7, 5)
        unanswered: Any = [*question, {"role": "assistant", "content": plain.to_dict()["content"]}]
        unanswered.append({"role": "user", "content": "Und?"})
        with pytest.raises(anthropic.BadRequestError, match="without `tool_result` blocks immediately after"):
            await sdk.messages.create(model=MODEL, max_tokens=100, messages=unanswered, tools=tools)
    finally:
        await sdk.close()
    assert anth.message_requests[0].tools == tools
