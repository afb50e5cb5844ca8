"""What the e2e tests share besides fixtures: the browser's settings, the viewport and locale marks, and the
small types the fixtures in conftest.py hand out (`App`, `Console`)."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx2
import pytest
from tests.system.system_support import ServerProcess

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

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
THEMES = ("light", "dark")
E2E_KEY = "sk-e2e-0123456789abcdefKEY"
TIMEOUT_MS = 10_000
MODEL = "openai_compatible:gpt-4.1-mini"
"""The model seeded bots use: the stand-in connected as an OpenAI-compatible provider."""
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"

viewports = pytest.mark.parametrize("viewport", list(VIEWPORTS), indirect=True)
"""Run a test at 380 px and on a desktop."""
locales = pytest.mark.parametrize("locale", LOCALES, indirect=True)
"""Run a test with a German and an English browser."""
themes = pytest.mark.parametrize("theme", THEMES, indirect=True)
"""Run a test with the browser asking for a light and a dark colour scheme."""


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


# ------------------------------------------------------------------------ what a person sees and does


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page is not wider than the window (nothing sticks out sideways at 380 px)."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: {widths[0]} px wide in a {widths[1]} px window"


@dataclass
class Clicks:
    """Counts what a person clicks on the way (the newcomer path has a budget of clicks)."""

    count: int = 0
    trail: list[str] = field(default_factory=list)

    def click(self, target: Locator, label: str = "") -> None:
        target.click()
        self.count += 1
        self.trail.append(label or str(target))


# ------------------------------------------------------------------------ seeding through the API


def watch_stream(output: Locator, final: str, timeout: float = 10.0) -> list[str]:
    """What `output` showed, polled every 50 ms until it holds `final`: each distinct text once."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = output.inner_text()
        if not seen or seen[-1] != shown:
            seen.append(shown)
        if final in shown:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the result never showed {final!r}; it showed: {seen}")


# ------------------------------------------------------------------------ seeding through the API


def connect_provider(api: httpx2.Client, base_url: str) -> dict[str, Any]:
    """The OpenAI stand-in as an "OpenAI-compatible" provider (once per server)."""
    for credential in api.get("/api/providers").json():
        if credential["type"] == "openai_compatible" and credential["base_url"] == base_url:
            return credential  # type: ignore[no-any-return]
    response = api.post("/api/providers", json={"type": "openai_compatible", "base_url": base_url, "api_key": E2E_KEY})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def create_bot(api: httpx2.Client, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "prompt": f"{name}: do what the input says.", "model": MODEL, **fields}
    response = api.post("/api/bots", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def start_run(api: httpx2.Client, bot_id: str, run_input: str | None = None) -> dict[str, Any]:
    response = api.post(f"/api/bots/{bot_id}/runs", json={"input": run_input})
    assert response.status_code in (200, 201, 202), response.text
    return response.json()  # type: ignore[no-any-return]


def finished_run(api: httpx2.Client, run_id: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run: dict[str, Any] = api.get(f"/api/runs/{run_id}").json()
        if run["status"] not in ("pending", "running"):
            return run
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']} after {timeout} s"
        time.sleep(0.05)


SUMMARY = (
    "## Fünf Punkte\n\n"
    "1. **Persönliche Bots** erledigen wiederkehrende Aufgaben\n"
    "2. Jeder Lauf wird *protokolliert*\n"
    "3. Kosten bleiben sichtbar\n\n"
    "> Kurz gesagt: weniger Klicken, mehr Ergebnis."
)
DIGEST = "Heute nichts Neues im Feed: drei Artikel, alle schon bekannt."


@dataclass
class Demo:
    """What `seed_demo` created: bot ids by role, and run ids."""

    summary_bot: str
    summary_run: str
    digest_bot: str
    failed_bot: str
    failed_run: str


def seed_demo(app: App, llm: Any) -> Demo:
    from tests.support.fake_openai import insufficient_quota, text

    api = app.api()
    connect_provider(api, llm.base_url)
    response = api.post(
        "/api/providers",
        json={"type": "openai_compatible", "name": "gateway", "base_url": llm.base_url, "api_key": E2E_KEY},
    )
    assert response.status_code == 201, response.text
    llm.reset()
    summary = create_bot(api, "Zusammenfassung", emoji="📝", description="Fasst Texte zusammen.")
    digest = create_bot(api, "Tages-Digest", emoji="📰", schedule="0 8 * * *", timezone="Europe/Berlin")
    mail = create_bot(api, "Mail-Antwort", emoji="✉️", model="gateway:gpt-4.1-mini")
    llm.script(
        text(DIGEST, prompt_tokens=300, completion_tokens=20),
        text(DIGEST, prompt_tokens=310, completion_tokens=20),
        text(SUMMARY, prompt_tokens=900, completion_tokens=120),
        insufficient_quota(),
    )
    finished_run(api, start_run(api, digest["id"])["id"])
    finished_run(api, start_run(api, digest["id"])["id"])
    summary_run = finished_run(api, start_run(api, summary["id"], "Ein langer Artikel über persönliche Bots.")["id"])
    failed_run = finished_run(api, start_run(api, mail["id"], "Bitte um Rückruf am Montag.")["id"])
    assert summary_run["status"] == "completed" and summary_run["is_new"], summary_run
    assert failed_run["status"] == "failed", failed_run
    llm.reset()
    return Demo(summary["id"], summary_run["id"], digest["id"], mail["id"], failed_run["id"])
