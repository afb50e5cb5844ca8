"""What streaming a completion costs, and what it buys: `PydanticAIGateway.complete` with and without `on_text`,
against the same requests with the bare official OpenAI SDK, all to the local OpenAI stand-in
(tests/support/fake_openai.py) in a subprocess of its own (`python bench/streaming.py --serve-fake WORDS INTERVAL`).

The stand-in answers every request with a WORDS-word text (usage 500 in, WORDS out); streamed, the text comes one
word per delta (`chat.completion.chunk`s: role, WORDS content deltas, finish, usage, [DONE]), as fine-grained as a
real model's tokens.

Part 1 — an answer that is there at once (INTERVAL 0): the price of streaming itself. Each measured round, in
rotating order:
  * bare, plain   – `AsyncOpenAI.chat.completions.create` (max_retries=0), the same messages;
  * bare, stream  – the same with `stream=True, stream_options={"include_usage": True}`, read to the end;
  * gateway, plain  – `PydanticAIGateway.complete(...)` (pydantic-ai + the SDK), `on_text` None;
  * gateway, stream – `PydanticAIGateway.complete(..., on_text=...)`.
Printed: wall time p50/p95 of each, the ratios stream/plain (gateway and bare), what streaming adds per answer
and per delta (gateway minus bare), and the time to the first delta.

Then `_TextRelay` alone (our code between pydantic-ai's events and `on_text`): a response's worth of synthetic
`PartStartEvent`/`PartDeltaEvent`/`PartEndEvent`s through it, against a bare handler that passes each delta on.

Part 2 — a model that writes (INTERVAL > 0 between stream events, default 10 ms ≈ 100 tokens/s; a plain request is
answered when its stream would have ended): when the first words can be shown, streamed, against when a plain call
has any text at all.

Every streamed Completion is compared with the plain one (text, tokens, cost): the bench stops if they differ.

    python bench/streaming.py [--rounds 150] [--words 200] [--writing-rounds 8] [--writing-words 60]
                              [--interval-ms 10] [--quick]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping  # noqa: E402
from typing import Any  # noqa: E402

from _common import BENCH_KEY, MODEL, header, line, served_by_subprocess, stats  # noqa: E402

SYSTEM, USER = "Du bist Scout.\n\nDeine Aufgabe:\nFind new offers.", "Nike AM90"
MAX_TOKENS = 1000
Timing = tuple[float, float | None]
"""(wall seconds of the whole call, seconds until the first text delta or None)."""


# -- the stand-in, in a process of its own -------------------------------------------------------------------
def answer_text(words: int) -> str:
    return " ".join(f"word{i}" for i in range(words))


def writing_fake(words: int, interval: float) -> Any:
    """A FakeOpenAI whose model writes `words` words, `interval` seconds an event: a stream comes at that pace, a
    plain answer when the stream would have ended (role, the words, finish and usage: words + 3 intervals)."""
    from tests.support import fake_openai
    from tests.support._fake_http import streamed

    answer = fake_openai.text(answer_text(words), 500, words)
    paced = streamed(answer, interval=interval, pieces=words)
    whole = fake_openai.delay(interval * (words + 3), answer) if interval else answer

    class Handler(fake_openai._Handler):
        def _chat_completions(self, body: Mapping[str, Any]) -> None:
            stream = bool(body.get("stream"))
            options = body.get("stream_options")
            include_usage = bool(isinstance(options, dict) and options.get("include_usage"))
            self._reply(paced if stream else whole, str(body.get("model") or ""), stream, include_usage)

    class WritingFake(fake_openai.FakeOpenAI):
        handler_class = Handler

    return WritingFake(api_keys=[BENCH_KEY])


def serve_fake(words: int, interval: float) -> int:
    """`python bench/streaming.py --serve-fake WORDS INTERVAL`: the stand-in, until stdin closes."""
    with writing_fake(words, interval) as fake:
        print(fake.base_url, flush=True)
        sys.stdin.read()
    return 0


@contextlib.contextmanager
def fake_process(words: int, interval: float) -> Iterator[str]:
    with served_by_subprocess([__file__, "--serve-fake", str(words), str(interval)]) as url:
        yield url


# -- the four ways to ask ------------------------------------------------------------------------------------
class Askers:
    """One bare SDK client and one gateway for a stand-in; each `ask_*` returns its `Timing`."""

    def __init__(self, base_url: str) -> None:
        from openai import AsyncOpenAI

        from openorchestrator.providers.llm import PydanticAIGateway
        from openorchestrator.providers.types import ModelTarget, ProviderType

        self.client = AsyncOpenAI(api_key=BENCH_KEY, base_url=base_url, max_retries=0)
        self.gateway = PydanticAIGateway()
        self.target = ModelTarget("bench", "openai", ProviderType.OPENAI, MODEL, BENCH_KEY, base_url, "1")
        self.messages: Any = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER}]
        self.completions: dict[str, Any] = {}

    async def bare_plain(self) -> Timing:
        started = time.perf_counter()
        await self.client.chat.completions.create(model=MODEL, messages=self.messages, max_tokens=MAX_TOKENS)
        return time.perf_counter() - started, None

    async def bare_stream(self) -> Timing:
        started = time.perf_counter()
        first: float | None = None
        stream = await self.client.chat.completions.create(
            model=MODEL,
            messages=self.messages,
            max_tokens=MAX_TOKENS,
            stream=True,
            stream_options={"include_usage": True},
        )
        async for chunk in stream:
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - started
        return time.perf_counter() - started, first

    async def gateway_plain(self) -> Timing:
        started = time.perf_counter()
        completion = await self.gateway.complete(self.target, SYSTEM, USER, max_output_tokens=MAX_TOKENS)
        self._same("plain", completion)
        return time.perf_counter() - started, None

    async def gateway_stream(self) -> Timing:
        started = time.perf_counter()
        arrivals: list[float] = []
        pieces: list[str] = []

        def on_text(piece: str) -> None:
            if not arrivals:
                arrivals.append(time.perf_counter() - started)
            pieces.append(piece)

        completion = await self.gateway.complete(
            self.target, SYSTEM, USER, max_output_tokens=MAX_TOKENS, on_text=on_text
        )
        if "".join(pieces) != completion.text:
            raise SystemExit("the streamed pieces do not join to the answer")
        self._same("stream", completion)
        return time.perf_counter() - started, arrivals[0]

    def _same(self, kind: str, completion: Any) -> None:
        self.completions[kind] = completion
        if len(self.completions) == 2 and self.completions["plain"] != self.completions["stream"]:
            raise SystemExit(f"streamed and plain completions differ: {self.completions}")

    async def aclose(self) -> None:
        await self.client.close()
        await self.gateway.aclose()


WAYS: list[tuple[str, str]] = [
    ("bare SDK, plain", "bare_plain"),
    ("bare SDK, stream", "bare_stream"),
    ("gateway, plain (on_text None)", "gateway_plain"),
    ("gateway, stream (on_text)", "gateway_stream"),
]


async def measure(askers: Askers, rounds: int, warmup: int) -> dict[str, list[Timing]]:
    """Each way once per round, the order rotating from round to round (so drift hits all alike)."""
    calls: dict[str, Callable[[], Awaitable[Timing]]] = {key: getattr(askers, key) for _, key in WAYS}
    for _ in range(warmup):
        for call in calls.values():
            await call()
    results: dict[str, list[Timing]] = {key: [] for key in calls}
    keys = list(calls)
    for index in range(rounds):
        shift = index % len(keys)
        for key in keys[shift:] + keys[:shift]:
            results[key].append(await calls[key]())
    return results


# -- our relay alone -----------------------------------------------------------------------------------------
def response_events(words: int) -> list[Any]:
    """The events pydantic-ai gives for one streamed text answer of `words` words, one delta each."""
    from pydantic_ai.messages import PartDeltaEvent, PartEndEvent, PartStartEvent, TextPart, TextPartDelta

    pieces = [f"word{i} " for i in range(words)]
    events: list[Any] = [PartStartEvent(index=0, part=TextPart(pieces[0]))]
    events += [PartDeltaEvent(index=0, delta=TextPartDelta(piece)) for piece in pieces[1:]]
    return [*events, PartEndEvent(index=0, part=TextPart("".join(pieces)))]


async def relay_cost(words: int, reps: int) -> dict[str, list[float]]:
    """Seconds a delta, per rep: through `_TextRelay`, and through a bare handler that passes each delta on."""
    from pydantic_ai.messages import PartDeltaEvent, TextPartDelta

    from openorchestrator.providers.llm import _TextRelay

    events = response_events(words)

    async def stream() -> AsyncIterator[Any]:
        for event in events:
            yield event

    async def bare(on_text: Callable[[str], None]) -> None:
        async for event in stream():
            if isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                on_text(event.delta.content_delta)

    out: dict[str, list[float]] = {"relay": [], "bare": []}
    for _ in range(reps):
        received: list[str] = []
        started = time.perf_counter()
        await _TextRelay(received.append).relay(None, stream())
        out["relay"].append((time.perf_counter() - started) / len(events))
        if "".join(received) != "".join(f"word{i} " for i in range(words)):
            raise SystemExit("the relay lost text")
        started = time.perf_counter()
        await bare(received.append)
        out["bare"].append((time.perf_counter() - started) / len(events))
    return out


# -- report --------------------------------------------------------------------------------------------------
def walls(results: dict[str, list[Timing]], key: str) -> list[float]:
    return [wall for wall, _ in results[key]]


def firsts(results: dict[str, list[Timing]], key: str) -> list[float]:
    return [first for _, first in results[key] if first is not None]


def p50(values: list[float]) -> float:
    return stats(values).p50


def report_instant(results: dict[str, list[Timing]], words: int) -> None:
    print(f"-- part 1: an answer there at once ({words} words, one delta each) --")
    for label, key in WAYS:
        print(line(label, stats(walls(results, key))))
    print("  time to the first delta:")
    print(line("bare SDK, stream", stats(firsts(results, "bare_stream"))))
    print(line("gateway, stream (first on_text call)", stats(firsts(results, "gateway_stream"))))
    bare = p50(walls(results, "bare_stream")) / p50(walls(results, "bare_plain"))
    gateway = p50(walls(results, "gateway_stream")) / p50(walls(results, "gateway_plain"))
    print(f"  stream / plain, p50: gateway {gateway:.2f}x, bare SDK {bare:.2f}x (the same run's baseline)")
    per_round = [
        (gs - gp) - (bs - bp)
        for gs, gp, bs, bp in zip(
            walls(results, "gateway_stream"),
            walls(results, "gateway_plain"),
            walls(results, "bare_stream"),
            walls(results, "bare_plain"),
            strict=True,
        )
    ]
    added = p50(
        [gs - gp for gs, gp in zip(walls(results, "gateway_stream"), walls(results, "gateway_plain"), strict=True)]
    )
    beyond = p50(per_round)
    print(f"  streaming adds, p50 per answer: gateway {added * 1000:.2f} ms ({added / words * 1e6:.1f} µs a delta)")
    print(
        f"    of it beyond what streaming adds to the bare SDK (paired per round): {beyond * 1000:.2f} ms "
        f"({beyond / words * 1e6:.1f} µs a delta: pydantic-ai's stream, events and our relay)"
    )


def report_relay(cost: dict[str, list[float]], words: int) -> None:
    relay, bare = p50(cost["relay"]), p50(cost["bare"])
    print(
        f"  _TextRelay alone ({words}-delta responses, n={len(cost['relay'])}): {relay * 1e6:.2f} µs an event, "
        f"a bare pass-on handler {bare * 1e6:.2f} µs ({relay / bare:.1f}x)"
    )


def report_writing(results: dict[str, list[Timing]], words: int, interval: float) -> None:
    print()
    print(f"-- part 2: a model that writes ({words} words, {interval * 1000:g} ms between stream events) --")
    for label, key in WAYS:
        print(line(label, stats(walls(results, key))))
    plain = p50(walls(results, "gateway_plain"))
    first = p50(firsts(results, "gateway_stream"))
    print(line("gateway, stream: time to the first delta", stats(firsts(results, "gateway_stream"))))
    print(line("bare SDK, stream: time to the first delta", stats(firsts(results, "bare_stream"))))
    print(
        f"  the first words can be shown after {first * 1000:.0f} ms instead of {plain * 1000:.0f} ms "
        f"(p50; {plain / first:.0f}x sooner); the whole answer takes "
        f"{p50(walls(results, 'gateway_stream')) / plain:.2f}x as long as plain"
    )


async def main(args: argparse.Namespace) -> None:
    header("streaming a completion: PydanticAIGateway.complete with and without on_text")
    print(
        f"   fake OpenAI in a subprocess; {args.rounds} rounds (+{args.warmup} warm-up) of part 1, "
        f"{args.writing_rounds} of part 2"
    )
    with fake_process(args.words, 0.0) as url:
        askers = Askers(url)
        try:
            instant = await measure(askers, args.rounds, args.warmup)
        finally:
            await askers.aclose()
    report_instant(instant, args.words)
    report_relay(await relay_cost(args.words, args.relay_reps), args.words)
    interval = args.interval_ms / 1000
    with fake_process(args.writing_words, interval) as url:
        askers = Askers(url)
        try:
            writing = await measure(askers, args.writing_rounds, 1)
        finally:
            await askers.aclose()
    report_writing(writing, args.writing_words, interval)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=150, help="part 1: measured rounds (each: 4 calls)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--words", type=int, default=200, help="part 1: words (= deltas) per answer")
    parser.add_argument("--relay-reps", type=int, default=500, help="part 1: responses through _TextRelay alone")
    parser.add_argument("--writing-rounds", type=int, default=8, help="part 2: measured rounds")
    parser.add_argument("--writing-words", type=int, default=60, help="part 2: words per answer")
    parser.add_argument("--interval-ms", type=float, default=10, help="part 2: time between stream events")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run, ~10 s)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.warmup, args.writing_rounds, args.relay_reps = 30, 3, 3, 100
    return args


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve-fake"]:
        sys.exit(serve_fake(int(sys.argv[2]), float(sys.argv[3])))
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parse()))
