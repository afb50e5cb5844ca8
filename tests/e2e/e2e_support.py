"""What the e2e tests share besides fixtures: the browser's settings, the viewport and locale marks, and the
small types the fixtures in conftest.py hand out (`App`, `Console`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from tests.system.system_support import ServerProcess

CHROMIUM = Path(os.environ.get("OPENORCH_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # root in CI has no user namespace for Chromium's sandbox
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # otherwise it keeps calling home, and every attempt is refused here
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS: dict[str, dict[str, int]] = {
    "mobile": {"width": 380, "height": 800},
    "desktop": {"width": 1280, "height": 800},
}
LOCALES = ("de-DE", "en-US")
E2E_KEY = "sk-e2e-0123456789abcdefKEY"
TIMEOUT_MS = 10_000
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"

viewports = pytest.mark.parametrize("viewport", list(VIEWPORTS), indirect=True)
"""Run a test at 380 px and on a desktop."""
locales = pytest.mark.parametrize("locale", LOCALES, indirect=True)
"""Run a test with a German and an English browser."""


@dataclass
class App:
    """A running `openorch serve`: where it is, its data dir, and an API client for seeding and checking."""

    process: ServerProcess

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.process.port}"

    @property
    def data_dir(self) -> Path:
        return self.process.data_dir

    def api(self) -> httpx2.Client:
        return self.process.client()

    def log(self) -> str:
        return self.process.log()


@dataclass
class Console:
    """What the page reported as broken: console errors and uncaught exceptions."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Errors the test expects (e.g. the browser's log line for a 400 the test provokes)."""
        self.allowed.append(re.compile(pattern))

    def record(self, text: str) -> None:
        self.errors.append(text)

    def unexpected(self) -> list[str]:
        return [error for error in self.errors if not any(pattern.search(error) for pattern in self.allowed)]
