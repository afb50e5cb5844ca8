"""Runs per second through the run queue with N workers (max_parallel_runs, default 3).

Two ways of feeding the queue, on a real SQLite file in a temp dir:
  * submit+drain – create_run() N times back to back (each INSERTs and commits), time until all are done;
  * drain only   – N runs pre-created as `pending` (not submitted), then all submitted at once and drained
                   (the queue and executor alone, without the cost of accepting runs).
Two gateways: the zero-cost double (engine only) and pydantic-ai + the official SDK against the fake OpenAI.
The baseline is the bare SDK (AsyncOpenAI.chat.completions.create) driven by the same number of concurrent
workers against the same fake.

The backpressure limit (runner.QUEUE_MAX_DEPTH, 20) is raised in this process only, so N runs can wait.

    python bench/engine_throughput.py [--runs 500] [--workers 3] [--fake both|subprocess|inproc]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import logging  # noqa: E402
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
    open_bench,
    verdict,
)

AIM_RUNS_PER_S = 200.0


async def count_status(svc: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from openorchestrator.db.models import Run

    async with svc.sessionmaker() as session:
        rows = (await session.execute(select(Run.status, func.count()).group_by(Run.status))).all()
    return {status: count for status, count in rows}


async def through_engine(base_url: str, gateway: Any, runs: int, workers: int, drain_only: bool) -> dict[str, float]:
    async with open_bench(base_url, gateway=gateway, parallel=workers) as bench:
        engine = bench.svc.engine
        for _ in range(10):  # warm-up: lazy imports, connections, statement caches
            await engine.create_run(bench.bot_id, BOT_INPUT)
        await engine.queue.wait_idle()
        before = await count_status(bench.svc)
        if drain_only:
            from openorchestrator.engine.states import Trigger

            pending = [engine._new_run(bench.bot_id, BOT_INPUT, Trigger.MANUAL) for _ in range(runs)]
            async with bench.svc.sessionmaker() as session:  # one bulk INSERT: pending, not submitted
                session.add_all(pending)
                await session.commit()
            ids = [run.id for run in pending]
            c0, t0 = time.process_time(), time.perf_counter()
            for run_id in ids:
                engine.queue.submit(run_id)
            t_submitted = time.perf_counter()
        else:
            c0, t0 = time.process_time(), time.perf_counter()
            for _ in range(runs):
                await engine.create_run(bench.bot_id, BOT_INPUT)
            t_submitted = time.perf_counter()
        await engine.queue.wait_idle()
        t_done, c_done = time.perf_counter(), time.process_time()
        after = await count_status(bench.svc)
        completed = after.get("completed", 0) - before.get("completed", 0)
        if completed != runs:
            raise RuntimeError(f"expected {runs} completed runs, got {after}")
        return {
            "elapsed": t_done - t0,
            "submit": t_submitted - t0,
            "rate": runs / (t_done - t0),
            "cpu": (c_done - c0) / runs,
        }


async def bare_sdk(base_url: str, runs: int, workers: int, messages: list[dict[str, str]]) -> tuple[float, float]:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(api_key=BENCH_KEY, base_url=base_url, max_retries=0)
    for _ in range(10):
        await client.chat.completions.create(model=MODEL, messages=messages)  # type: ignore[arg-type]
    left = runs

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await client.chat.completions.create(model=MODEL, messages=messages)  # type: ignore[arg-type]

    c0, t0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    rate, cpu = runs / (time.perf_counter() - t0), (time.process_time() - c0) / runs
    await client.close()
    return rate, cpu


async def main(args: argparse.Namespace) -> None:
    from openorchestrator.engine import runner
    from openorchestrator.providers.llm import PydanticAIGateway

    header(f"engine throughput ({args.runs} runs, max_parallel_runs={args.workers})")
    print(
        f"   NOTE: runner.QUEUE_MAX_DEPTH raised from {runner.QUEUE_MAX_DEPTH} to {args.runs * 10} "
        "in this bench process only (backpressure off so all runs can wait)"
    )
    runner.QUEUE_MAX_DEPTH = args.runs * 10
    modes = ["subprocess", "inproc"] if args.fake == "both" else [args.fake]
    rows: list[tuple[str, str, float, float, float, float]] = []

    with fake_server("subprocess") as fh:  # the zero gateway never calls it; the credential needs a URL
        for drain in (False, True):
            r = await through_engine(fh.base_url, ZeroGateway(), args.runs, args.workers, drain)
            rows.append(
                (
                    "zero-cost gateway (engine only)",
                    "drain only" if drain else "submit+drain",
                    r["rate"],
                    r["elapsed"],
                    r["submit"],
                    r["cpu"],
                )
            )
    bare_rates: dict[str, float] = {}
    bare_cpu: dict[str, float] = {}
    for mode in modes:
        with fake_server(mode) as fh:
            async with open_bench(fh.base_url, start_engine=False) as bench:
                messages = bare_messages(bench.svc)
            bare_rates[mode], bare_cpu[mode] = await bare_sdk(fh.base_url, args.runs, args.workers, messages)
            for drain in (False, True) if mode == "subprocess" else (False,):
                r = await through_engine(fh.base_url, PydanticAIGateway(), args.runs, args.workers, drain)
                rows.append(
                    (
                        f"pydantic-ai + SDK, fake {mode}",
                        "drain only" if drain else "submit+drain",
                        r["rate"],
                        r["elapsed"],
                        r["submit"],
                        r["cpu"],
                    )
                )

    print()
    print(f"  {'path':<36} {'feeding':<13} {'runs/s':>8} {'total':>8} {'submit':>8} {'CPU/run':>9}")
    for path, feed, rate, elapsed, submit, cpu in rows:
        print(f"  {path:<36} {feed:<13} {rate:8.1f} {elapsed:7.2f}s {submit:7.2f}s {cpu * 1000:6.2f} ms")
    for mode, rate in bare_rates.items():
        print(
            f"  {'bare SDK calls, fake ' + mode:<36} {str(args.workers) + ' workers':<13} {rate:8.1f} "
            f"{'':8} {'':8} {bare_cpu[mode] * 1000:6.2f} ms"
        )
    print(
        "  (CPU/run: this process's CPU time, all threads, per run; with the fake in-process it includes"
        " the fake; less sensitive to other load than runs/s)"
    )
    print()
    for path, feed, rate, _, _, _ in rows:
        if feed != "submit+drain":
            continue
        mode = "subprocess" if "subprocess" in path else "inproc" if "inproc" in path else None
        ratio = ""
        if mode in bare_rates:
            ratio = f", {rate / bare_rates[mode]:.2f}x of bare SDK ({bare_rates[mode]:.0f}/s)"
        print(
            f"  {path}: {rate:.1f} runs/s  aim ≥{AIM_RUNS_PER_S:g}: "
            f"{verdict(rate, AIM_RUNS_PER_S, higher_is_better=True)}{ratio}"
        )
    if "inproc" in modes:
        print(
            "  NOTE: with the fake in-process, its server threads compete with the event loop for the"
            " GIL/CPU; the subprocess figures are the fairer ones (on 2 cores the fake still takes CPU"
            " from the box)."
        )


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--workers", type=int, default=3, help="max_parallel_runs")
    parser.add_argument("--fake", choices=("both", "subprocess", "inproc"), default="both")
    return parser.parse_args()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parse()))
