"""`python -m openorchestrator ...` with a SIGUSR1 probe (a helper of startup_memory.py, not a benchmark).

    BENCH_PROBE_FILE=/tmp/x.json python bench/_serve_probe.py serve --port ... --data-dir ...

On SIGUSR1 the process writes {"modules": [...watched top-level modules imported...], "count": N} to
$BENCH_PROBE_FILE. The handler runs on the main thread at uvicorn's next tick. Without BENCH_PROBE_FILE and
arguments it exits at once, so a `make bench` that runs every bench/*.py cannot hang on it.
"""

from __future__ import annotations

import json
import os
import runpy
import signal
import sys

WATCH = (
    "pydantic_ai",
    "openai",
    "httpx2",
    "httpx",
    "alembic",
    "mako",
    "rich",
    "genai_prices",
    "opentelemetry",
    "apscheduler",
    "tiktoken",
    "jiter",
    "logfire",
)


def _dump(path: str) -> None:
    data = {"modules": sorted(name for name in WATCH if name in sys.modules), "count": len(sys.modules)}
    tmp = path + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)


def main() -> int:
    path = os.environ.get("BENCH_PROBE_FILE")
    if not path or len(sys.argv) < 2:
        return 0
    signal.signal(signal.SIGUSR1, lambda *_: _dump(path))
    sys.argv = ["openorchestrator", *sys.argv[1:]]
    runpy.run_module("openorchestrator", run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
