"""Self-check of `streamed()` in every provider stand-in, on the wire (httpx2, no SDK): a paced stream goes out event by
event in chunks, a cut one ends without its end, a request that does not stream gets the reply as usual, and stop()
is prompt in the middle of a slow stream. (That the SDKs read these streams is checked in tests/providers.)"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from . import fake_anthropic as fa
from . import fake_gemini as fg
from . import fake_mistral as fm
from . import fake_ollama as fo
from . import fake_openai as fopenai
from ._fake_http import streamed

ANSWER = "one two three four five six seven eight"


@dataclass(frozen=True)
class Wire:
    """How to ask one stand-in for an answer, streamed or not, and how its stream ends."""

    make: type[Any]
    last_event: bytes
    """What the final event of a complete stream contains."""

    def request(self, fake: Any, stream: bool) -> tuple[str, dict[str, Any], dict[str, str]]:
        if self.make is fa.FakeAnthropic:
            body = {"model": "claude-haiku-4-5", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]}
            headers = {"anthropic-version": "2023-06-01", "x-api-key": fake.api_key}
            return f"{fake.base_url}/v1/messages", body | {"stream": stream}, headers
        if self.make is fg.FakeGemini:
            method = "streamGenerateContent?alt=sse" if stream else "generateContent"
            body = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}
            return f"{fake.base_url}/v1beta/models/gemini-2.5-flash:{method}", body, {"x-goog-api-key": fake.api_key}
        root = fake.base_url.removesuffix("/v1")
        body = {"model": "some-model", "messages": [{"role": "user", "content": "hi"}], "stream": stream}
        return f"{root}/v1/chat/completions", body, {"authorization": f"Bearer {fake.api_key}"}


WIRES = {
    "openai": Wire(fopenai.FakeOpenAI, b"[DONE]"),
    "anthropic": Wire(fa.FakeAnthropic, b"message_stop"),
    "gemini": Wire(fg.FakeGemini, b'"finishReason":"STOP"'),
    "mistral": Wire(fm.FakeMistral, b"[DONE]"),
    "ollama": Wire(fo.FakeOllama, b"[DONE]"),
}
KINDS = pytest.mark.parametrize("kind", list(WIRES))


@pytest.fixture
def servers() -> Iterator[dict[str, Any]]:
    started = {kind: wire.make().start() for kind, wire in WIRES.items()}
    yield started
    for server in started.values():
        server.stop()
        assert server.errors == [], server.errors


def events_of(raw: bytes) -> list[bytes]:
    return [event for event in raw.replace(b"\r\n", b"\n").split(b"\n\n") if event.strip()]


async def read_events(kind: str, fake: Any) -> tuple[httpx2.Response, list[tuple[float, bytes]]]:
    """Stream one answer; each event with the time it arrived (a cut stream raises from here)."""
    url, body, headers = WIRES[kind].request(fake, stream=True)
    arrived: list[tuple[float, bytes]] = []
    buffer = b""
    async with (
        httpx2.AsyncClient(timeout=10) as client,
        client.stream("POST", url, json=body, headers=headers) as response,
    ):
        async for chunk in response.aiter_raw():
            buffer += chunk.replace(b"\r\n", b"\n")
            while b"\n\n" in buffer:
                event, buffer = buffer.split(b"\n\n", 1)
                arrived.append((time.monotonic(), event))
    return response, arrived


@KINDS
async def test_a_paced_stream_sends_its_events_one_by_one(servers: dict[str, Any], kind: str) -> None:
    fake = servers[kind]
    fake.script(ANSWER)
    _, whole = await read_events(kind, fake)
    fake.script(streamed(ANSWER, interval=0.05))

    started = time.monotonic()
    response, paced = await read_events(kind, fake)

    assert response.headers["transfer-encoding"] == "chunked" and "content-length" not in response.headers
    assert response.headers["content-type"].startswith("text/event-stream")
    assert len(paced) == len(whole) > 3
    assert WIRES[kind].last_event in paced[-1][1]
    assert paced[-1][0] - started >= 0.05 * (len(paced) - 1)  # the stand-in cannot send faster than its pace
    gaps = [later - earlier for (earlier, _), (later, _) in zip(paced, paced[1:], strict=False)]
    assert sum(gap >= 0.03 for gap in gaps) >= len(gaps) / 2, gaps  # apart (a busy client may read two at once)


@KINDS
async def test_pieces_sets_how_many_deltas_the_text_comes_in(servers: dict[str, Any], kind: str) -> None:
    fake = servers[kind]
    fake.script(ANSWER, streamed(ANSWER, pieces=8), streamed(ANSWER, pieces=100))

    _, default = await read_events(kind, fake)
    _, by_word = await read_events(kind, fake)
    _, at_most_by_word = await read_events(kind, fake)

    assert len(by_word) == len(default) + 4 == len(at_most_by_word)  # 8 words: 4 pieces by default, 8 at most
    texts = [event for _, event in by_word if b"eight" in event]
    assert len(texts) == 1 and b"seven" not in texts[0]


@KINDS
async def test_a_cut_stream_ends_without_its_end(servers: dict[str, Any], kind: str) -> None:
    fake = servers[kind]
    fake.script(streamed(ANSWER, cut_after=2))
    url, body, headers = WIRES[kind].request(fake, stream=True)
    received = b""

    async with httpx2.AsyncClient(timeout=10) as client:
        with pytest.raises(httpx2.RemoteProtocolError):
            async with client.stream("POST", url, json=body, headers=headers) as response:
                assert response.status_code == 200
                async for chunk in response.aiter_raw():
                    received += chunk

    assert len(events_of(received)) == 2
    assert WIRES[kind].last_event not in received


@KINDS
async def test_a_request_that_does_not_stream_gets_the_reply_as_usual(servers: dict[str, Any], kind: str) -> None:
    fake = servers[kind]
    fake.script(streamed(ANSWER, interval=5, cut_after=1))
    url, body, headers = WIRES[kind].request(fake, stream=False)

    started = time.monotonic()
    async with httpx2.AsyncClient(timeout=10) as client:
        response = await client.post(url, json=body, headers=headers)

    assert response.status_code == 200 and time.monotonic() - started < 1
    assert ANSWER in json.dumps(response.json())


async def test_stop_is_prompt_in_the_middle_of_a_slow_stream() -> None:
    fake = fopenai.FakeOpenAI().start()
    fake.script(streamed(ANSWER, interval=30))
    reading = asyncio.create_task(read_events("openai", fake))
    assert await asyncio.to_thread(fake.wait_for_requests, 1)

    started = time.monotonic()
    await asyncio.to_thread(fake.stop)

    assert time.monotonic() - started < 1
    with pytest.raises(httpx2.RemoteProtocolError):
        await reading
    assert fake.errors == []
