"""The web UI's API client is generated from `web/openapi.json`; this fails when that copy is older than the app."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from openorchestrator.app import create_app
from openorchestrator.config import Config

SNAPSHOT = Path(__file__).resolve().parents[2] / "web" / "openapi.json"


def test_the_ui_s_openapi_copy_is_the_app_s_document(config: Config) -> None:
    if not SNAPSHOT.exists():
        pytest.skip("web/openapi.json does not exist yet")
    current = json.dumps(create_app(config).openapi(), indent=2, sort_keys=True) + "\n"
    committed = SNAPSHOT.read_text(encoding="utf-8")
    if committed != current:
        diff = difflib.unified_diff(
            committed.splitlines(), current.splitlines(), "web/openapi.json", "the app", lineterm="", n=1
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(
            "web/openapi.json differs from the app's OpenAPI document: run `make openapi` "
            f"(rewrites it and the UI's generated client) and commit both.\n{shown}",
            pytrace=False,
        )
