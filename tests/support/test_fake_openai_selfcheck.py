"""Self-check of the fake OpenAI server against the real `openai` SDK and pydantic-ai."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import openai
import pytest
from openai import AsyncOpenAI
from pydantic_ai import Agent
from pydantic_ai.exceptions import (
    ModelConnectionError,
    ModelQuotaExceededError,
    ModelRateLimitError,
    ModelServerError,
)
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

from .fake_openai import (
    DEFAULT_MODELS,
    FakeOpenAI,
    drop,
    hang,
    insufficient_quota,
    rate_limited,
    server_error,
    text,
    tool_calls,
)

pytestmark = pytest.mark.asyncio

KEY = "sk-test-good-key-1234"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server
    assert not server.errors


def sdk(fake: FakeOpenAI, api_key: str = KEY, timeout: float = 5.0) -> AsyncOpenAI:
    return AsyncOpenAI(api_key=api_key, base_url=fake.base_url, max_retries=0, timeout=timeout)


def agent(fake: FakeOpenAI, model: str = "gpt-4.1-mini") -> Agent[None, str]:
    provider = OpenAIProvider(openai_client=sdk(fake))
    return Agent(OpenAIChatModel(model, provider=provider))


async def test_text_reply_with_usage(fake: FakeOpenAI) -> None:
    fake.script(text("hello there", prompt_tokens=7, completion_tokens=3))
    client = sdk(fake)
    completion = await client.chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": "hi"}]
    )
    assert completion.choices[0].message.content == "hello there"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == "gpt-4.1-mini"
    assert completion.usage is not None
    assert (
        completion.usage.prompt_tokens,
        completion.usage.completion_tokens,
        completion.usage.total_tokens,
    ) == (
        7,
        3,
        10,
    )
    # the queue is empty now: default reply "ok", usage 10/2
    again = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert again.choices[0].message.content == "ok"
    assert again.usage is not None and again.usage.total_tokens == 12

    first = fake.requests[0]
    assert (first.method, first.path, first.model) == ("POST", "/v1/chat/completions", "gpt-4.1-mini")
    assert first.headers["authorization"] == f"Bearer {KEY}"
    assert first.api_key == KEY
    assert first.json["messages"] == [{"role": "user", "content": "hi"}]


async def test_models_list(fake: FakeOpenAI) -> None:
    page = await sdk(fake).models.list()
    assert [m.id for m in page.data] == list(DEFAULT_MODELS)
    assert all(m.object == "model" for m in page.data)


async def test_unknown_key_is_401() -> None:
    with FakeOpenAI(api_keys={KEY}) as fake:
        with pytest.raises(openai.AuthenticationError) as info:
            await sdk(fake, api_key="sk-test-wrong-abcd").models.list()
        assert info.value.status_code == 401
        assert info.value.code == "invalid_api_key"
        assert info.value.body == {
            "message": "Incorrect API key provided: sk-...abcd. "
            "You can find your API key at https://platform.openai.com/account/api-keys.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
        assert [m.id for m in (await sdk(fake).models.list()).data] == list(DEFAULT_MODELS)


async def test_rate_limited_maps_to_rate_limit_error_with_retry_after(fake: FakeOpenAI) -> None:
    fake.script(rate_limited(retry_after=7))
    with pytest.raises(ModelRateLimitError) as info:
        await agent(fake).run("hi")
    assert info.value.retry_after == 7
    assert info.value.provider_error_code == "rate_limit_exceeded"
    assert "Rate limit reached for gpt-4.1-mini" in str(info.value)


async def test_insufficient_quota_maps_to_quota_error(fake: FakeOpenAI) -> None:
    fake.script(insufficient_quota())
    with pytest.raises(ModelQuotaExceededError):
        await agent(fake).run("hi")


async def test_server_error_maps_to_server_error(fake: FakeOpenAI) -> None:
    fake.script(server_error(500))
    with pytest.raises(ModelServerError):
        await agent(fake).run("hi")


async def test_streaming_via_sdk(fake: FakeOpenAI) -> None:
    fake.script(text("one two three four five", prompt_tokens=4, completion_tokens=5))
    stream = await sdk(fake).chat.completions.create(
        model="gpt-4.1-nano",
        messages=[{"role": "user", "content": "count"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    pieces: list[str] = []
    finish: list[str] = []
    usage = None
    async for chunk in stream:
        assert chunk.object == "chat.completion.chunk"
        for choice in chunk.choices:
            if choice.delta.content:
                pieces.append(choice.delta.content)
            if choice.finish_reason:
                finish.append(choice.finish_reason)
        if chunk.usage is not None:
            usage = chunk.usage
    assert len(pieces) > 1
    assert "".join(pieces) == "one two three four five"
    assert finish == ["stop"]
    assert usage is not None and (usage.prompt_tokens, usage.completion_tokens) == (4, 5)


async def test_streaming_via_agent(fake: FakeOpenAI) -> None:
    fake.script(text("streamed answer here", prompt_tokens=6, completion_tokens=3))
    async with agent(fake).run_stream("hi") as result:
        output = await result.get_output()
    assert output == "streamed answer here"
    assert result.usage.input_tokens == 6
    assert result.usage.output_tokens == 3


async def test_tool_call_round_trip(fake: FakeOpenAI) -> None:
    calls: list[tuple[int, int]] = []
    the_agent = agent(fake)

    @the_agent.tool_plain
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        calls.append((a, b))
        return a + b

    fake.script(
        tool_calls([{"name": "add", "arguments": {"a": 2, "b": 3}, "id": "call_1"}]),
        text("2 + 3 = 5", prompt_tokens=20, completion_tokens=4),
    )
    result = await the_agent.run("what is 2 + 3?")
    assert result.output == "2 + 3 = 5"
    assert calls == [(2, 3)]
    usage = result.usage
    assert (usage.requests, usage.input_tokens, usage.output_tokens) == (2, 30, 6)

    first, second = fake.chat_requests
    assert [t["function"]["name"] for t in first.json["tools"]] == ["add"]
    tool_messages = [m for m in second.json["messages"] if m["role"] == "tool"]
    assert tool_messages == [{"role": "tool", "tool_call_id": "call_1", "content": "5"}]


async def test_per_model_script_takes_precedence(fake: FakeOpenAI) -> None:
    fake.script("shared")
    fake.script_for_model("gpt-x", "only for x")
    client = sdk(fake)
    x = await client.chat.completions.create(model="gpt-x", messages=[{"role": "user", "content": "hi"}])
    y = await client.chat.completions.create(model="gpt-4.1-mini", messages=[{"role": "user", "content": "hi"}])
    assert (x.choices[0].message.content, y.choices[0].message.content) == ("only for x", "shared")
    assert fake.pending == 0


async def test_hang_times_out_client_without_blocking_others(fake: FakeOpenAI) -> None:
    fake.script(hang(30))
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        await sdk(fake, timeout=0.3).chat.completions.create(
            model="gpt-4.1-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert time.monotonic() - started < 2
    # the hang goes on in its own thread; other requests are served meanwhile
    ok = await sdk(fake).chat.completions.create(model="gpt-4.1-mini", messages=[{"role": "user", "content": "hi"}])
    assert ok.choices[0].message.content == "ok"


async def test_stop_is_prompt_during_hang_and_drop_is_a_connection_error() -> None:
    fake = FakeOpenAI().start()
    fake.script(drop(), hang(30))
    with pytest.raises(ModelConnectionError):
        await agent(fake).run("hi")

    client = sdk(fake, timeout=30)
    task = asyncio.create_task(
        client.chat.completions.create(model="gpt-4.1-mini", messages=[{"role": "user", "content": "hi"}])
    )
    assert await asyncio.to_thread(fake.wait_for_requests, 2)
    started = time.monotonic()
    await asyncio.to_thread(fake.stop)
    assert time.monotonic() - started < 1
    with pytest.raises(openai.APIConnectionError):
        await task
    assert not fake.errors
