"""Write the app's OpenAPI document for the web UI's generated client: `make openapi` (then `npm run gen:api`).

Usage: python scripts/openapi.py [OUT]   (default web/openapi.json)

The format (2-space indent, sorted keys, a final newline) is the one tests/web/test_openapi_snapshot.py compares.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from openorchestrator.app import create_app
from openorchestrator.config import Config


def openapi_text() -> str:
    with tempfile.TemporaryDirectory() as data_dir:  # the document never needs data; no env var may shape it
        config = Config(data_dir=Path(data_dir), _env_file=None)
        return json.dumps(create_app(config).openapi(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "web/openapi.json")
    text = openapi_text()
    if out.exists() and out.read_text(encoding="utf-8") == text:
        print(f"openapi: {out} is up to date")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"openapi: wrote {out} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
