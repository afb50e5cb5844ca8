"""Shared helpers for the benchmarks (not a benchmark: the leading underscore keeps `make bench` off it).

- `stats` / `fmt_ms`: medians and percentiles of a list of seconds, printed in ms.
- `ZeroGateway`: the zero-cost `LLMGateway` test double (returns a fixed `Completion`).
- `fake_server(...)`: the local OpenAI stand-in (tests/support/fake_openai.py), either in this process
  (a thread: it competes with the event loop for the GIL) or in a subprocess (`_fake_server.py`).
- `open_bench(...)`: real services on a real SQLite file in a temp dir, with one credential and one bot.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PYCACHE = Path(tempfile.gettempdir()) / "openorchestrator-bench-pycache"
"""A bytecode cache shared by bench runs. Used when PYTHONDONTWRITEBYTECODE is set (as in this dev env),
so imports cost what they cost for a pip-installed app (which has .pyc files), not a compile from source."""
NO_PYC_ENV = bool(sys.flags.dont_write_bytecode)
if NO_PYC_ENV:
    sys.dont_write_bytecode = False
    sys.pycache_prefix = str(PYCACHE)

BENCH_KEY = "sk-bench-0123456789abcdefSECRET"
BOT_NAME = "Scout"
BOT_PROMPT = "Find new offers."
BOT_INPUT = "Nike AM90"
MODEL = "gpt-4.1-mini"


# -- statistics --------------------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]."""
    data = sorted(values)
    if not data:
        return float("nan")
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


@dataclass
class Stats:
    n: int
    p50: float
    p95: float
    p99: float
    mean: float
    min: float
    max: float


def stats(values: Sequence[float]) -> Stats:
    return Stats(
        n=len(values),
        p50=statistics.median(values),
        p95=percentile(values, 95),
        p99=percentile(values, 99),
        mean=statistics.fmean(values),
        min=min(values),
        max=max(values),
    )


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def line(label: str, s: Stats, width: int = 44) -> str:
    return (
        f"  {label:<{width}} p50 {s.p50 * 1000:7.2f} ms  p95 {s.p95 * 1000:7.2f} ms  "
        f"p99 {s.p99 * 1000:7.2f} ms  (n={s.n})"
    )


def verdict(value: float, aim: float, *, higher_is_better: bool = False) -> str:
    ok = value >= aim if higher_is_better else value <= aim
    return "meets aim" if ok else "MISSES aim"


async def timed(label: str, work: Awaitable[Any]) -> Any:
    """Await `work` and print how long it took (a bench's parts, as they finish)."""
    t0 = time.perf_counter()
    result = await work
    print(f"   {label}: {time.perf_counter() - t0:.1f} s", flush=True)
    return result


def header(title: str) -> None:
    print(f"== {title} ==")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"   python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), load average {load} "
        "(other work on this machine skews every figure)"
    )
    if NO_PYC_ENV:
        print(f"   PYTHONDONTWRITEBYTECODE is set: this bench uses its own bytecode cache at {PYCACHE}")


# -- the zero-cost gateway double ----------------------------------------------------------------------------
class ZeroGateway:
    """An `LLMGateway` that costs nothing: no I/O, no await, a fixed Completion."""

    def __init__(self) -> None:
        from openorchestrator.providers.types import Completion

        self.calls = 0
        self._completion = Completion(text="ok", tokens_in=10, tokens_out=2, cost_usd=None, model_name=MODEL)

    async def complete(self, target: Any, system: str, user: str, *, max_output_tokens: int | None) -> Any:
        self.calls += 1
        return self._completion


# -- the fake OpenAI server ----------------------------------------------------------------------------------
@dataclass
class FakeHandle:
    base_url: str
    mode: str  # "inproc" | "subprocess"
    fake: Any = None  # the FakeOpenAI object when in-process (for .chat_requests)


@contextlib.contextmanager
def fake_server(mode: str = "subprocess", api_keys: Sequence[str] = (BENCH_KEY,)) -> Iterator[FakeHandle]:
    """The fake OpenAI API. `subprocess` (default) keeps its CPU out of the measured process."""
    if mode == "inproc":
        from tests.support.fake_openai import FakeOpenAI

        with FakeOpenAI(api_keys=list(api_keys)) as fake:
            yield FakeHandle(fake.base_url, mode, fake)
        return
    if mode != "subprocess":
        raise ValueError(f"unknown fake mode {mode!r}")
    script = Path(__file__).with_name("_fake_server.py")
    with served_by_subprocess([str(script), "--serve", *api_keys]) as url:
        yield FakeHandle(url, mode)


@contextlib.contextmanager
def served_by_subprocess(args: Sequence[str]) -> Iterator[str]:
    """`python ARGS` as a server in its own process: it prints its base URL on the first line of stdout and
    exits when its stdin closes. Yields the URL."""
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=str(ROOT),
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"fake server did not start (got {url!r})")
        yield url
    finally:
        with contextlib.suppress(Exception):
            assert proc.stdin is not None
            proc.stdin.close()  # the server exits when its stdin closes
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- services on a real SQLite file ------------------------------------------------------------------------
@dataclass
class Bench:
    svc: Any  # openorchestrator.runtime.Runtime
    bot_id: str
    data_dir: Path


@contextlib.asynccontextmanager
async def open_bench(
    base_url: str,
    *,
    gateway: Any = None,
    parallel: int | None = None,
    start_engine: bool = True,
    language: str | None = None,
    bot_fields: dict[str, Any] | None = None,
) -> AsyncIterator[Bench]:
    """Migrated SQLite DB in a fresh temp dir, one credential at `base_url` (no key check), one bot."""
    from openorchestrator.bots import service as bots
    from openorchestrator.bots.schemas import BotCreate
    from openorchestrator.config import Config
    from openorchestrator.providers import service as providers
    from openorchestrator.providers.schemas import CredentialCreate
    from openorchestrator.runtime import open_runtime
    from openorchestrator.settings.schemas import AppSettingsUpdate

    with tempfile.TemporaryDirectory(prefix="oo-bench-") as tmp:
        config = Config(data_dir=Path(tmp) / "data", _env_file=None)  # type: ignore[call-arg]
        svc = await open_runtime(config, gateway=gateway)
        try:
            patch: dict[str, Any] = {}
            if parallel is not None:
                patch["max_parallel_runs"] = parallel
            if language is not None:
                patch["language"] = language
            if patch:
                await svc.settings.update(AppSettingsUpdate(**patch))
            async with svc.sessionmaker() as session:
                await providers.create_credential(
                    session,
                    svc.box,
                    svc.clock,
                    CredentialCreate(type="openai", api_key=BENCH_KEY, base_url=base_url),
                    validate=False,
                    language=svc.language,
                )
                await session.commit()
            async with svc.sessionmaker() as session:
                body = {"name": BOT_NAME, "prompt": BOT_PROMPT, "model": f"openai:{MODEL}"}
                body.update(bot_fields or {})
                bot = await bots.create_bot(session, svc.clock, BotCreate(**body), svc.settings.current.timezone)
                await session.commit()
            if start_engine:
                await svc.engine.start()
            yield Bench(svc, bot.id, config.data_dir)
        finally:
            await svc.close()


def bare_messages(svc: Any, run_input: str = BOT_INPUT, last_output: str | None = "ok") -> list[dict[str, str]]:
    """The messages a run of the bench bot sends (the executor's own builder), for the bare baseline.

    After its first run a bot's system prompt carries its last result (the fake's "ok"): the default.
    """
    from datetime import UTC, datetime

    from openorchestrator.engine.context import build_context

    context = build_context(
        name=BOT_NAME,
        description="",
        prompt=BOT_PROMPT,
        run_input=run_input,
        last_output=last_output,
        last_output_at=datetime.now(UTC),
        notes=[],
        now_text="2025-01-01 12:00 UTC",
        language=svc.settings.current.language,
    )
    return [{"role": "system", "content": context.system}, {"role": "user", "content": context.user}]


def rss_kb(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM (peak) of a process, in kB, from /proc/<pid>/status."""
    out: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as fh:
        for row in fh:
            key, _, rest = row.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                out[key] = int(rest.split()[0])
    return out


if __name__ == "__main__":  # a helper module: running it does nothing
    sys.exit(0)
