"""`LLMGateway.complete(..., on_text=...)`: the answer streamed while the model writes it, for every provider type,
through pydantic-ai and the official SDKs against the local stand-ins (each speaking its provider's stream format).

What must hold: the `Completion` (text, tokens, cost, model) is exactly the non-streamed one; the pieces join to
the answer; a tool loop keeps and spends the same; failures classify as they do without streaming; a failing
`on_text` never fails the call; a cancel or the run's time limit ends a stream at once.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.support import fake_anthropic as anthropic_fake
from tests.support import fake_gemini as gemini_fake
from tests.support import fake_mistral as mistral_fake
from tests.support import fake_ollama as ollama_fake
from tests.support import fake_openai as openai_fake
from tests.support._fake_http import ErrorReply, drop, streamed

from openorchestrator.providers.llm import RESPONSE_SEPARATOR, PydanticAIGateway
from openorchestrator.providers.types import Completion, ModelTarget, ProviderFailure, ProviderType
from openorchestrator.tools.base import ToolContext, ToolFunction
from openorchestrator.tools.loop import ToolUse

ANSWER = "Two new offers: a bike for 120 euros and a lamp for 15 euros."
LIMIT = 1000
"""The bot's output limit: low enough that pydantic-ai asks Anthropic without a stream when `on_text` is None."""
Fake = Any


@dataclass(frozen=True)
class Kind:
    type: ProviderType
    model: str
    priced: bool
    make: Callable[[], Fake]
    text: Callable[[str, int, int], Any]
    credential_name: str = "main"
    """An OpenAI-compatible endpoint is priced by its name: an unknown one has no price."""

    def target(self, fake: Fake) -> ModelTarget:
        base_url = fake.root_url if self.type is ProviderType.OLLAMA else fake.base_url
        return ModelTarget("cred-1", self.credential_name, self.type, self.model, fake.api_key, base_url, "v1")

    def generations(self, fake: Fake) -> list[Any]:
        return [r for r in fake.requests if r.method == "POST" and not r.path.split("?")[0].endswith("countTokens")]


def is_streamed(request: Any) -> bool:
    """Whether a generation request asked for a stream, in its provider's way."""
    if ":streamGenerateContent" in request.path:
        return request.path.endswith("?alt=sse")
    return bool(request.json.get("stream"))


KINDS: dict[str, Kind] = {
    kind.type.value: kind
    for kind in (
        Kind(ProviderType.OPENAI, "gpt-4.1-mini", True, openai_fake.FakeOpenAI, openai_fake.text),
        Kind(
            ProviderType.OPENAI_COMPATIBLE, "gpt-4.1-mini", False, openai_fake.FakeOpenAI, openai_fake.text, "lmstudio"
        ),
        Kind(ProviderType.ANTHROPIC, "claude-haiku-4-5", True, anthropic_fake.FakeAnthropic, anthropic_fake.text),
        Kind(ProviderType.GOOGLE, "gemini-2.5-flash", True, gemini_fake.FakeGemini, gemini_fake.text),
        Kind(ProviderType.MISTRAL, "mistral-small-latest", True, mistral_fake.FakeMistral, mistral_fake.text),
        Kind(ProviderType.OLLAMA, "llama3.1:8b", False, ollama_fake.FakeOllama, ollama_fake.text),
    )
}
ALL = list(KINDS)


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, Fake]]:
    servers = {name: kind.make().start() for name, kind in KINDS.items()}
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(autouse=True)
def _empty_fakes(fakes: dict[str, Fake]) -> Iterator[None]:
    for server in fakes.values():
        server.reset()
    yield
    for server in fakes.values():
        assert server.errors == [], server.errors  # no bug inside a stand-in


@pytest.fixture
async def gateway() -> AsyncIterator[PydanticAIGateway]:
    gateway = PydanticAIGateway()
    yield gateway
    await gateway.aclose()


async def ask(
    gateway: PydanticAIGateway,
    target: ModelTarget,
    on_text: Callable[[str], None] | None = None,
    tools: ToolUse | None = None,
) -> Completion:
    return await gateway.complete(
        target, "Find offers.", "Page 2.", max_output_tokens=LIMIT, tools=tools, on_text=on_text
    )


async def failure_of(
    gateway: PydanticAIGateway, target: ModelTarget, on_text: Callable[[str], None] | None = None
) -> ProviderFailure:
    with pytest.raises(ProviderFailure) as info:
        await ask(gateway, target, on_text)
    return info.value


def seen(failure: ProviderFailure) -> tuple[Any, ...]:
    """Everything a failure tells the engine (the detail without the request id, which differs per request)."""
    detail = re.sub(r"req_\w+", "req_…", failure.detail)
    return (failure.code, failure.transient, failure.retry_after, failure.status, detail, failure.wording)


# == the same answer ========================================================================================
@pytest.mark.parametrize("kind", ALL)
async def test_a_streamed_answer_is_the_same_completion_as_a_plain_one(
    gateway: PydanticAIGateway, fakes: dict[str, Fake], kind: str
) -> None:
    spec, fake = KINDS[kind], fakes[kind]
    target = spec.target(fake)
    fake.script(spec.text(ANSWER, 321, 45), spec.text(ANSWER, 321, 45))
    pieces: list[str] = []

    plain = await ask(gateway, target)
    live = await ask(gateway, target, pieces.append)

    assert live == plain  # text, tokens, cost and model name
    assert (plain.text, plain.tokens_in, plain.tokens_out, plain.model_name) == (ANSWER, 321, 45, spec.model)
    assert (plain.cost_usd is not None and plain.cost_usd > 0) is spec.priced, plain.cost_usd
    assert "".join(pieces) == ANSWER and len(pieces) > 1, pieces
    assert all(pieces), pieces  # never an empty piece
    assert [is_streamed(r) for r in spec.generations(fake)] == [False, True]


async def test_claude_without_an_output_limit_answers_the_same_streamed(
    gateway: PydanticAIGateway, fakes: dict[str, Fake]
) -> None:
    """Without a limit pydantic-ai asks Claude for its maximum output, and so streams a plain call too."""
    spec, fake = KINDS["anthropic"], fakes["anthropic"]
    target = spec.target(fake)
    fake.script(spec.text(ANSWER, 321, 45), spec.text(ANSWER, 321, 45))
    pieces: list[str] = []

    plain = await gateway.complete(target, "Find offers.", "Page 2.", max_output_tokens=None)
    live = await gateway.complete(target, "Find offers.", "Page 2.", max_output_tokens=None, on_text=pieces.append)

    assert live == plain and plain.text == ANSWER and plain.cost_usd
    assert "".join(pieces) == ANSWER
    assert [is_streamed(r) for r in spec.generations(fake)] == [True, True]


@pytest.mark.parametrize("kind", ALL)
async def test_the_pieces_arrive_while_the_model_writes(
    gateway: PydanticAIGateway, fakes: dict[str, Fake], kind: str
) -> None:
    spec, fake = KINDS[kind], fakes[kind]
    fake.script(streamed(spec.text(ANSWER, 20, 12), interval=0.15))
    arrivals: list[float] = []

    completion = await ask(gateway, spec.target(fake), lambda piece: arrivals.append(time.monotonic()))
    done = time.monotonic()

    assert completion.text == ANSWER
    # Every format has at least 3 more events after the first text (0.15 s apart): it was handed on at once.
    assert done - arrivals[0] >= 0.2, (arrivals, done)
    assert arrivals == sorted(arrivals) and len(arrivals) > 1


# == tools ==================================================================================================
@dataclass
class Desk:
    """A bot's tools for these tests: `note` remembers what it was given (a state change), `lookup` reads."""

    notes: list[str]
    log: list[tuple[str, str, dict[str, Any]]]

    def tools(self, tmp_path: Path, *, stop_before_next_request: bool = False) -> ToolUse:
        async def note(context: ToolContext, arguments: dict[str, Any]) -> str:
            self.notes.append(str(arguments.get("text")))
            return "noted"

        async def lookup(context: ToolContext, arguments: dict[str, Any]) -> str:
            return f"page {arguments.get('page')}: a bike for 120 euros"

        schema = {"type": "object", "properties": {"text": {"type": "string"}, "page": {"type": "integer"}}}
        functions = {
            "note": ("desk", ToolFunction("note", "Write a note.", schema, note, changes_state=True)),
            "lookup": ("desk", ToolFunction("lookup", "Look at a page.", schema, lookup)),
        }
        record = lambda level, message, fields: self.log.append((level, message, fields))  # noqa: E731
        tools = ToolUse(functions, ToolContext("bot-1", tmp_path), 5, record)
        if stop_before_next_request:
            tools.budget_guard = lambda tokens_in, tokens_out, last_in: True
        return tools

    def stored(self, tools: ToolUse) -> tuple[Any, ...]:
        """What a run keeps of its tool loop (durations aside, which differ from call to call)."""
        log = [
            (level, message, {k: v for k, v in fields.items() if k != "duration_ms"})
            for level, message, fields in self.log
        ]
        return (tools.usage, tools.calls, tools.acted, tools.refused, self.notes, log)


def tool_script(kind: str) -> list[Any]:
    """Text and a call, two calls in one answer, then the answer: three model requests."""
    if kind == "anthropic":
        return [
            anthropic_fake.tool_use(
                [{"name": "lookup", "input": {"page": 2}, "id": "toolu_1"}],
                text="Let me look at page 2.",
                input_tokens=100,
                output_tokens=20,
            ),
            anthropic_fake.tool_use(
                [
                    {"name": "note", "input": {"text": "bike 120"}, "id": "toolu_2"},
                    {"name": "lookup", "input": {"page": 3}, "id": "toolu_3"},
                ],
                input_tokens=150,
                output_tokens=30,
            ),
            anthropic_fake.text(ANSWER, 200, 40),
        ]
    return [
        openai_fake.tool_calls(
            [{"name": "lookup", "arguments": {"page": 2}, "id": "call_1"}],
            content="Let me look at page 2.",
            prompt_tokens=100,
            completion_tokens=20,
        ),
        openai_fake.tool_calls(
            [
                {"name": "note", "arguments": {"text": "bike 120"}, "id": "call_2"},
                {"name": "lookup", "arguments": {"page": 3}, "id": "call_3"},
            ],
            prompt_tokens=150,
            completion_tokens=30,
        ),
        openai_fake.text(ANSWER, 200, 40),
    ]


def _without_stream_flags(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in ("stream", "stream_options")}


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_a_streamed_tool_loop_keeps_and_spends_what_a_plain_one_does(
    gateway: PydanticAIGateway, fakes: dict[str, Fake], kind: str, tmp_path: Path
) -> None:
    spec, fake = KINDS[kind], fakes[kind]
    target = spec.target(fake)
    plain_desk, live_desk = Desk([], []), Desk([], [])
    plain_tools, live_tools = plain_desk.tools(tmp_path), live_desk.tools(tmp_path)
    pieces: list[str] = []

    fake.script(*tool_script(kind))
    plain = await ask(gateway, target, tools=plain_tools)
    plain_requests = spec.generations(fake)
    fake.reset()
    fake.script(*tool_script(kind))
    live = await ask(gateway, target, pieces.append, tools=live_tools)
    live_requests = spec.generations(fake)

    assert live == plain and plain.text == ANSWER
    assert (plain.tokens_in, plain.tokens_out) == (450, 90)
    assert live_desk.stored(live_tools) == plain_desk.stored(plain_tools)
    assert plain_tools.usage is not None and plain_tools.usage[:2] == (450, 90) and plain_tools.calls == 3
    assert plain_desk.notes == ["bike 120"] and plain_tools.acted
    # The same conversation went to the model, only asked as a stream.
    assert [is_streamed(r) for r in plain_requests] == [False] * 3
    assert [is_streamed(r) for r in live_requests] == [True] * 3
    assert [_without_stream_flags(r.json) for r in live_requests] == [
        _without_stream_flags(r.json) for r in plain_requests
    ]
    # The text before the first call, then (after the separator) the answer; no tool arguments.
    assert "".join(pieces) == "Let me look at page 2." + RESPONSE_SEPARATOR + ANSWER
    assert "".join(pieces).endswith(live.text)


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_a_budget_stop_in_a_streamed_tool_loop_is_the_same_stop(
    gateway: PydanticAIGateway, fakes: dict[str, Fake], kind: str, tmp_path: Path
) -> None:
    spec, fake = KINDS[kind], fakes[kind]
    target = spec.target(fake)
    results = []
    pieces: list[str] = []
    for on_text in (None, pieces.append):
        fake.reset()
        fake.script(*tool_script(kind))
        desk = Desk([], [])
        tools = desk.tools(tmp_path, stop_before_next_request=True)
        with pytest.raises(ProviderFailure) as info:
            await ask(gateway, target, on_text, tools=tools)
        assert len(spec.generations(fake)) == 1  # stopped before the second request
        results.append((seen(info.value), desk.stored(tools)))

    plain, live = results
    assert live == plain
    assert plain[0][0] == "budget_exceeded" and plain[0][-1] == "budget_stopped"


# == failures ===============================================================================================
def _openai_key() -> ErrorReply:
    return openai_fake.error(401, code="invalid_api_key", message="Incorrect API key provided: sk-...WRNG.")


FAILURES: list[tuple[str, str, str, Callable[[], ErrorReply]]] = [
    ("openai", "invalid-key", "invalid_key", _openai_key),
    ("openai", "quota", "quota_exhausted", openai_fake.insufficient_quota),
    ("openai", "rate-limit", "rate_limited", lambda: openai_fake.rate_limited(retry_after=3)),
    ("openai", "server-error", "provider_error", openai_fake.server_error),
    ("openai", "overloaded", "provider_error", lambda: openai_fake.server_error(503)),
    ("openai", "unknown-model", "model_not_found", lambda: openai_fake.model_not_found("gpt-4.1-mini")),
    ("openai", "context", "context_too_long", openai_fake.context_too_long),
    ("openai_compatible", "quota", "quota_exhausted", openai_fake.insufficient_quota),
    ("anthropic", "invalid-key", "invalid_key", anthropic_fake.invalid_key),
    ("anthropic", "no-credit", "quota_exhausted", anthropic_fake.no_credit),
    ("anthropic", "rate-limit", "rate_limited", lambda: anthropic_fake.rate_limited(retry_after=3)),
    ("anthropic", "overloaded", "provider_error", anthropic_fake.overloaded),
    ("anthropic", "server-error", "provider_error", anthropic_fake.server_error),
    ("anthropic", "unknown-model", "model_not_found", anthropic_fake.model_not_found),
    ("anthropic", "context", "context_too_long", anthropic_fake.context_too_long),
    ("google", "invalid-key", "invalid_key", gemini_fake.invalid_key),
    ("google", "rate-limit", "rate_limited", lambda: gemini_fake.rate_limited(retry_after=7)),
    ("google", "daily-quota", "quota_exhausted", lambda: gemini_fake.rate_limited(retry_after=None, daily=True)),
    ("google", "billing", "quota_exhausted", gemini_fake.billing_required),
    ("google", "server-error", "provider_error", gemini_fake.server_error),
    ("google", "overloaded", "provider_error", gemini_fake.unavailable),
    ("google", "unknown-model", "model_not_found", gemini_fake.model_not_found),
    ("google", "context", "context_too_long", gemini_fake.context_too_long),
    ("mistral", "invalid-key", "invalid_key", mistral_fake.invalid_key),
    ("mistral", "rate-limit", "rate_limited", lambda: mistral_fake.rate_limited(retry_after=3)),
    ("mistral", "server-error", "provider_error", mistral_fake.server_error),
    ("mistral", "unavailable", "provider_error", mistral_fake.service_unavailable),
    ("mistral", "unknown-model", "model_not_found", mistral_fake.invalid_model),
    ("mistral", "context", "context_too_long", mistral_fake.context_too_long),
    ("ollama", "unknown-model", "model_not_found", ollama_fake.model_not_found),
    ("ollama", "server-error", "provider_error", ollama_fake.server_error),
    ("ollama", "busy", "provider_error", ollama_fake.server_busy),
    (
        "ollama",
        "rate-limit",
        "rate_limited",
        lambda: ollama_fake.error(429, "too many requests", headers={"retry-after": "2"}),
    ),
]


"""(provider type, case, the `error_code` it is today, the provider's answer)."""


@pytest.mark.parametrize(
    ("kind", "code", "reply"), [(k, c, r) for k, _, c, r in FAILURES], ids=[f"{k}-{n}" for k, n, _, _ in FAILURES]
)
async def test_an_error_before_the_stream_classifies_as_without_streaming(
    gateway: PydanticAIGateway, fakes: dict[str, Fake], kind: str, code: str, reply: Callable[[], ErrorReply]
) -> None:
    spec, fake = KINDS[kind], fakes[kind]
    target = spec.target(fake)
    fake.script(reply(), reply())
    pieces: list[str] = []

    plain = await failure_of(gateway, target)
    live = await failure_of(gateway, target, pieces.append)

    assert seen(live) == seen(plain)
    assert plain.code == code, seen(plain)
    assert pieces == []
    assert [is_streamed(r) for r in spec.generations(fake)] == [False, True]


@pytest.mark.parametrize("kind", ALL)
async def test_a_connection_lost_mid_stream_is_unreachable_like_a_dropped_one(
    gateway: PydanticAIGateway, fakes: dict[str, Fake], kind: str
) -> None:
    spec, fake = KINDS[kind], fakes[kind]
    target = spec.target(fake)
    fake.script(drop(), streamed(spec.text(ANSWER, 20, 12), cut_after=3))  # in every format, before the text ends
    pieces: list[str] = []

    dropped = await failure_of(gateway, target)
    cut = await failure_of(gateway, target, pieces.append)

    assert (cut.code, cut.transient) == (dropped.code, dropped.transient) == ("unreachable", True)
    assert ANSWER.startswith("".join(pieces)) and "".join(pieces) != ANSWER  # maybe some text came, not all


async def test_an_error_event_inside_an_anthropic_stream_is_a_transient_provider_error(
    gateway: PydanticAIGateway, fakes: dict[str, Fake]
) -> None:
    spec, fake = KINDS["anthropic"], fakes["anthropic"]
    fake.script(anthropic_fake.overloaded(), anthropic_fake.mid_stream(partial="Two new offers"))
    pieces: list[str] = []

    before = await failure_of(gateway, spec.target(fake))
    inside = await failure_of(gateway, spec.target(fake), pieces.append)

    assert (inside.code, inside.transient) == (before.code, before.transient) == ("provider_error", True)
    assert "".join(pieces) == "Two new offers"


# == on_text failing, cancels, time limits =================================================================
@pytest.mark.parametrize("kind", ["openai", "anthropic", "google"])
async def test_a_failing_on_text_does_not_fail_the_call_and_is_logged_once(
    gateway: PydanticAIGateway, fakes: dict[str, Fake], kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    spec, fake = KINDS[kind], fakes[kind]
    fake.script(spec.text(ANSWER, 30, 9), spec.text(ANSWER, 30, 9))
    calls: list[str] = []

    def broken(piece: str) -> None:
        calls.append(piece)
        raise RuntimeError("the live view is gone")

    plain = await ask(gateway, spec.target(fake))
    with caplog.at_level(logging.WARNING, logger="openorchestrator.providers.llm"):
        live = await ask(gateway, spec.target(fake), broken)

    assert live == plain
    assert len(calls) == 1  # not called again after it failed
    failures = [r for r in caplog.records if "on_text failed" in r.getMessage()]
    assert len(failures) == 1 and failures[0].exc_info is not None


async def test_cancelling_a_call_ends_its_stream_at_once(gateway: PydanticAIGateway, fakes: dict[str, Fake]) -> None:
    spec, fake = KINDS["openai"], fakes["openai"]
    fake.script(streamed(spec.text(ANSWER, 20, 12), interval=1))  # the first text is the second event
    first_piece = asyncio.Event()

    task = asyncio.create_task(ask(gateway, spec.target(fake), lambda piece: first_piece.set()))
    await asyncio.wait_for(first_piece.wait(), 10)
    cancelled_at = time.monotonic()
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - cancelled_at < 0.5


@pytest.mark.parametrize("kind", ["openai", "anthropic", "google", "mistral"])
async def test_the_runs_time_limit_ends_a_slow_stream(
    gateway: PydanticAIGateway, fakes: dict[str, Fake], kind: str
) -> None:
    """The engine bounds a run with `asyncio.timeout`: a stream that is still coming is cut at the limit."""
    spec, fake = KINDS[kind], fakes[kind]
    fake.script(streamed(spec.text(ANSWER, 20, 12), interval=5))
    pieces: list[str] = []

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(1):
            await ask(gateway, spec.target(fake), pieces.append)

    assert time.monotonic() - started < 2.5  # not the 5 s until the next event
    assert ANSWER.startswith("".join(pieces)) and "".join(pieces) != ANSWER  # cut while it was coming


# == the relay on its own (pydantic-ai's events, made here: thinking, rewritten parts, tool-call pieces) ==========
async def events(*items: Any) -> AsyncIterator[Any]:
    for item in items:
        yield item


async def relayed(*responses: list[Any]) -> list[str]:
    """The pieces `on_text` gets when pydantic-ai streams these responses (each one step of the run)."""
    from openorchestrator.providers.llm import _TextRelay

    pieces: list[str] = []
    relay = _TextRelay(pieces.append)
    for response in responses:
        await relay.relay(None, events(*response))
    return pieces


async def test_the_relay_hands_on_text_only() -> None:
    from pydantic_ai.messages import (
        PartDeltaEvent,
        PartEndEvent,
        PartStartEvent,
        TextPart,
        TextPartDelta,
        ThinkingPart,
        ThinkingPartDelta,
        ToolCallPart,
        ToolCallPartDelta,
    )

    response = [
        PartStartEvent(index=0, part=ThinkingPart("Hmm, ")),
        PartDeltaEvent(index=0, delta=ThinkingPartDelta(content_delta="the user wants offers.")),
        PartStartEvent(index=1, part=TextPart("Let me ")),
        PartDeltaEvent(index=1, delta=TextPartDelta("")),
        PartDeltaEvent(index=1, delta=TextPartDelta("look.")),
        PartEndEvent(index=1, part=TextPart("Let me look.")),
        PartStartEvent(index=2, part=ToolCallPart("lookup", '{"pa', tool_call_id="c1")),
        PartDeltaEvent(index=2, delta=ToolCallPartDelta(args_delta='ge": 2}', tool_call_id="c1")),
    ]
    assert await relayed(response) == ["Let me ", "look."]


async def test_the_relay_sends_what_a_start_or_end_event_adds_and_goes_on_after_a_rewrite() -> None:
    from pydantic_ai.messages import PartDeltaEvent, PartEndEvent, PartStartEvent, TextPart, TextPartDelta

    response = [
        PartStartEvent(index=0, part=TextPart("Two ")),
        PartDeltaEvent(index=0, delta=TextPartDelta("new ")),
        PartStartEvent(index=0, part=TextPart("Two new offers")),  # a provider restating the part: only the rest
        PartEndEvent(index=0, part=TextPart("Two new offers.")),  # the end carries a last bit the deltas lacked
        PartStartEvent(index=1, part=TextPart("Bike")),
        PartStartEvent(index=1, part=TextPart("A bike")),  # rewritten: cannot be taken back, goes on from here
        PartDeltaEvent(index=1, delta=TextPartDelta(" for 120.")),
        PartEndEvent(index=1, part=TextPart("A bike for 120.")),
    ]
    assert await relayed(response) == ["Two ", "new ", "offers", ".", "Bike", " for 120."]


async def test_the_separator_comes_only_before_a_later_responses_text() -> None:
    from pydantic_ai.messages import PartStartEvent, TextPart, ToolCallPart

    calls_only = [PartStartEvent(index=0, part=ToolCallPart("lookup", "{}", tool_call_id="c1"))]
    tool_round: list[Any] = []  # the step that runs the tools: no text
    said = [PartStartEvent(index=0, part=TextPart("Looking."))]
    answer = [PartStartEvent(index=0, part=TextPart("Done."))]

    assert await relayed(calls_only, tool_round, said, tool_round, calls_only, tool_round, answer) == [
        "Looking.",
        RESPONSE_SEPARATOR,
        "Done.",
    ]
    assert await relayed(calls_only, tool_round, answer) == ["Done."]  # nothing before the first text
