"""Run tests/support/fake_openai.FakeOpenAI in its own process (a helper of the benchmarks, not one itself).

    python bench/_fake_server.py --serve [API_KEY ...]

Prints the base URL on one line, then serves until its stdin is closed. Without `--serve` it exits at once,
so a `make bench` that runs every bench/*.py cannot hang on it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] != "--serve":
        return 0
    from tests.support.fake_openai import FakeOpenAI

    keys = sys.argv[2:] or None
    with FakeOpenAI(api_keys=keys) as fake:
        print(fake.base_url, flush=True)
        sys.stdin.read()  # until the parent closes the pipe (or dies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
