"""Per-run orchestration overhead of the run engine, against a fake OpenAI that answers instantly.

    overhead = (run.finished_at − run.created_at) − p50 of the bare SDK call, measured in the same process

Runs go one at a time (create_run, then engine.queue.wait_idle()), on a real SQLite file in a temp dir.
Each round measures, in rotating order:
  * bare      – the official AsyncOpenAI client (max_retries=0), chat.completions.create, same messages;
  * gateway   – PydanticAIGateway.complete() alone (pydantic-ai + the SDK, no engine);
  * zero      – a whole engine run with a zero-cost gateway double (engine-only overhead);
  * pydantic  – a whole engine run through pydantic-ai + the SDK (the real path).

    python bench/engine_overhead.py [--runs 300] [--warmup 20] [--fake subprocess|inproc]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import importlib.util  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from _common import (  # noqa: E402
    BENCH_KEY,
    BOT_INPUT,
    MODEL,
    ZeroGateway,
    bare_messages,
    fake_server,
    header,
    line,
    open_bench,
    stats,
    verdict,
)

AIM_P50_MS, AIM_P95_MS = 5.0, 15.0


def has_pyc(module: str) -> bool:
    """Whether the module's bytecode is cached already (else its first import compiles it)."""
    spec = importlib.util.find_spec(module)
    pyc = importlib.util.cache_from_source(spec.origin) if spec and spec.origin else ""
    return bool(pyc) and os.path.exists(pyc)


async def engine_run(engine: Any, bot_id: str, gateway: Any) -> dict[str, float]:
    """One run, sequential: submit, wait for the queue to be idle, read the row back."""
    engine.gateway = gateway
    c0, t0 = time.process_time(), time.perf_counter()
    run = await engine.create_run(bot_id, BOT_INPUT)
    await engine.queue.wait_idle()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    row = await engine.get_run(run.id)
    if row.status != "completed":
        raise RuntimeError(f"run {row.id} ended {row.status}: {row.error_code} {row.error_message}")
    return {
        "db": (row.finished_at - row.created_at).total_seconds(),
        "wall": wall,
        "cpu": cpu,
        "queued": (row.started_at - row.created_at).total_seconds(),
        "running": (row.finished_at - row.started_at).total_seconds(),
        "closing": wall - (row.finished_at - row.created_at).total_seconds(),
    }


async def main(args: argparse.Namespace) -> None:
    from openai import AsyncOpenAI
    from sqlalchemy import select

    from openorchestrator.db.models import ProviderCredential
    from openorchestrator.providers.credentials import target_for
    from openorchestrator.providers.llm import PydanticAIGateway

    header("engine overhead (sequential runs)")
    with fake_server(args.fake) as fh:
        print(
            f"   fake OpenAI: {fh.mode} at {fh.base_url}"
            + ("  (in-process thread: shares the GIL with the event loop)" if fh.mode == "inproc" else "")
        )
        zero, pyd = ZeroGateway(), PydanticAIGateway()
        async with open_bench(fh.base_url, gateway=pyd) as bench:
            engine = bench.svc.engine
            async with bench.svc.sessionmaker() as session:
                credential = await session.scalar(select(ProviderCredential))
            target = target_for(credential, bench.svc.box, f"openai:{MODEL}")
            messages = bare_messages(bench.svc)
            system, user = messages[0]["content"], messages[1]["content"]
            client = AsyncOpenAI(api_key=BENCH_KEY, base_url=fh.base_url, max_retries=0)

            async def bare() -> dict[str, float]:
                c0, t0 = time.process_time(), time.perf_counter()
                await client.chat.completions.create(model=MODEL, messages=messages)  # type: ignore[arg-type]
                return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}

            async def gateway_only() -> dict[str, float]:
                c0, t0 = time.process_time(), time.perf_counter()
                await pyd.complete(target, system, user, max_output_tokens=None)
                return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}

            # The very first run pays the lazy imports of pydantic_ai / openai (and the first connection).
            # A ticker measures how long the event loop is blocked meanwhile (API requests wait as long).
            gaps: list[float] = []
            ticking = True

            async def ticker() -> None:
                last = time.perf_counter()
                while ticking:
                    await asyncio.sleep(0.005)
                    now = time.perf_counter()
                    gaps.append(now - last - 0.005)
                    last = now

            had_pyc = has_pyc("pydantic_ai")
            tick_task = asyncio.create_task(ticker())
            await asyncio.sleep(0.05)
            t0 = time.perf_counter()
            cold = await engine_run(engine, bench.bot_id, pyd)
            cold_wall = time.perf_counter() - t0
            ticking = False
            await tick_task
            cold_stall = max(gaps, default=0.0)

            for _ in range(args.warmup):
                await bare()
                await gateway_only()
                await engine_run(engine, bench.bot_id, zero)
                await engine_run(engine, bench.bot_id, pyd)

            res: dict[str, list[Any]] = {"bare": [], "gateway": [], "zero": [], "pyd": []}
            steps = [
                ("bare", bare),
                ("gateway", gateway_only),
                ("zero", lambda: engine_run(engine, bench.bot_id, zero)),
                ("pyd", lambda: engine_run(engine, bench.bot_id, pyd)),
            ]
            t_all = time.perf_counter()
            for i in range(args.runs):
                for k in range(len(steps)):  # rotate the order so no kind always goes first
                    name, step = steps[(i + k) % len(steps)]
                    res[name].append(await step())
            elapsed = time.perf_counter() - t_all
            await client.close()

    bare_s = stats([r["wall"] for r in res["bare"]])
    gw_s = stats([r["wall"] for r in res["gateway"]])
    zero_db = [r["db"] for r in res["zero"]]
    pyd_db = [r["db"] for r in res["pyd"]]
    bare_p50 = bare_s.p50
    over_pyd = stats([x - bare_p50 for x in pyd_db])
    over_pyd_wall = stats([r["wall"] - bare_p50 for r in res["pyd"]])
    over_zero = stats(zero_db)

    print(f"   {args.runs} rounds after {args.warmup} warm-up rounds, {elapsed:.1f} s; SQLite file in a temp dir")
    print(
        f"   cold first run (pydantic-ai path, lazy imports + first connection): "
        f"finished−created {cold['db'] * 1000:.0f} ms, wall {cold_wall * 1000:.0f} ms"
        + ("" if had_pyc else "  (its .pyc files did not exist yet: includes compiling them)")
    )
    print(
        f"   longest event-loop stall during that cold run: {cold_stall * 1000:.0f} ms "
        "(the imports run on the event loop thread)"
    )
    print()
    print("measured (seconds → ms):")
    print(line("bare SDK call (AsyncOpenAI, same messages)", bare_s))
    print(line("PydanticAIGateway.complete() alone", gw_s))
    print(line("engine run, zero gateway: finished−created", stats(zero_db)))
    print(line("engine run, zero gateway: wall", stats([r["wall"] for r in res["zero"]])))
    print(line("engine run, pydantic-ai: finished−created", stats(pyd_db)))
    print(line("engine run, pydantic-ai: wall", stats([r["wall"] for r in res["pyd"]])))
    print()
    cpu = {name: statistics.median(r["cpu"] for r in rows) * 1000 for name, rows in res.items()}
    print(
        f"process CPU time per call/run, p50 (all threads; less sensitive to other load on the machine): "
        f"bare {cpu['bare']:.2f} ms, gateway {cpu['gateway']:.2f} ms, engine+zero {cpu['zero']:.2f} ms, "
        f"engine+pydantic-ai {cpu['pyd']:.2f} ms"
    )
    print()
    print("where an engine run's time goes (zero gateway, p50):")
    for label, key, what in (
        ("created → started", "queued", "INSERT+commit, queue hop, task start"),
        ("started → finished", "running", "load run+bot, PENDING→RUNNING, last result, key, notes, context, call"),
        ("finished → idle", "closing", "final UPDATE+commit (not in finished_at), idle signal"),
    ):
        print(f"  {label:<20} {statistics.median(r[key] for r in res['zero']) * 1000:6.2f} ms   ({what})")
    print()
    print("overhead (run − bare SDK p50):")
    print(
        f"  overhead p50 {over_pyd.p50 * 1000:.2f} ms  p95 {over_pyd.p95 * 1000:.2f} ms  "
        f"(bare SDK call p50 {bare_s.p50 * 1000:.2f} ms)   aim ≤{AIM_P50_MS:g}/≤{AIM_P95_MS:g} ms: "
        f"p50 {verdict(over_pyd.p50 * 1000, AIM_P50_MS)}, p95 {verdict(over_pyd.p95 * 1000, AIM_P95_MS)}"
    )
    print(
        f"  (wall clock, create_run → idle, incl. the final commit: "
        f"p50 {over_pyd_wall.p50 * 1000:.2f} ms  "
        f"p95 {over_pyd_wall.p95 * 1000:.2f} ms)"
    )
    print("split:")
    print(
        f"  engine only (zero-cost gateway)        p50 {over_zero.p50 * 1000:6.2f} ms  "
        f"p95 {over_zero.p95 * 1000:6.2f} ms"
    )
    print(
        f"  pydantic-ai layer (gateway − bare)     p50 {(gw_s.p50 - bare_p50) * 1000:6.2f} ms  "
        f"p95 {(gw_s.p95 - bare_s.p95) * 1000:6.2f} ms"
    )
    rest = over_pyd.p50 - over_zero.p50 - (gw_s.p50 - bare_p50)
    print(f"  remainder (interaction, noise)         p50 {rest * 1000:6.2f} ms")
    print(
        f"  ratio: engine run / bare SDK call p50 = {statistics.median(pyd_db) / bare_p50:.2f}x, "
        f"gateway.complete / bare p50 = {gw_s.p50 / bare_p50:.2f}x"
    )


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300, help="measured rounds (each: 4 measurements)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--fake", choices=("subprocess", "inproc"), default="subprocess")
    return parser.parse_args()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parse()))
