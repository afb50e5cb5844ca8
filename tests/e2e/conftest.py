"""The end-to-end harness: the real `openorch serve` (a subprocess with its own data dir, serving the built UI),
the local OpenAI stand-in as the only AI provider, and Debian's Chromium driven by Playwright.

Fixtures, from the outside in:

    server        one `openorch serve` for the e2e suite (fresh data dir); `fresh_server` is one per test,
                  for flows that need an empty app (the first-run wizard)
    llm           the OpenAI stand-in, reset for each test; a credential's `base_url` is `llm.base_url`
                  (type `openai` or `openai_compatible`, key `E2E_KEY`)
    browser       one Chromium for the e2e suite (`/usr/bin/chromium`, headless, no background networking)
    page          a fresh context (cookies, storage) per test; any console error or uncaught exception
                  fails the test, unless the test allowed it with `console.allow(r"…")`
    viewport      "desktop" (default) or "mobile" (380 px wide): `@viewports` runs a test in both
    locale        "de-DE" (default) or "en-US": `@locales` runs a test in both
    theme         "light" (default) or "dark", the colour scheme the browser asks for: `@themes` runs both
    screenshot    `screenshot("wizard-step-2")` writes docs/screenshots/<name>.png when OPENORCH_SCREENSHOTS=1

Playwright talks to its driver and the driver to Chromium over pipes, and Chromium is its own process, so
pytest-socket (loopback only, in this process) has nothing to refuse; the app is on 127.0.0.1 anyway.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tests.e2e.e2e_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    E2E_KEY,
    LOCALES,
    SCREENSHOTS,
    THEMES,
    TIMEOUT_MS,
    VIEWPORTS,
    App,
    Console,
    Demo,
    seed_demo,
)
from tests.support.fake_openai import FakeOpenAI
from tests.system.system_support import ServerProcess, subprocess_env

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Playwright

# ------------------------------------------------------------------------ the app and its provider


def _start(root: Path) -> Iterator[App]:
    root.mkdir(parents=True, exist_ok=True)
    data_dir = root / "data"
    # No access token, no extra hosts: the app as `make run` starts it. Each run's retry waits 0.2 s, not 30.
    env = subprocess_env(data_dir, OPENORCH_RETRY_DELAY_SECONDS="0.2")
    process = ServerProcess(data_dir, root / "server.log", env=env)
    try:
        process.start()
        process.wait_ready()
        yield App(process)
    finally:
        process.kill()


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    yield from _start(tmp_path_factory.mktemp("e2e-server"))


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[App]:
    yield from _start(tmp_path / "server")


@pytest.fixture(scope="package")
def llm_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_keys=[E2E_KEY]) as fake:
        yield fake


@pytest.fixture
def llm(llm_server: FakeOpenAI) -> FakeOpenAI:
    llm_server.reset()
    return llm_server


# ------------------------------------------------------------------------ the browser


# Package scope, not session: while Playwright's sync API runs, this thread has a running event loop, and every
# async test after it would fail ("Runner.run() cannot be called from a running event loop"). tests/e2e runs
# as one block, so this is still one driver and one browser for the whole e2e suite.
@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The e2e tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium "
            "(.ci/run installs it; Playwright's own browser download does not work here).",
            pytrace=False,
        )
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def viewport(request: pytest.FixtureRequest) -> str:
    name: str = getattr(request, "param", "desktop")
    assert name in VIEWPORTS, f"viewport {name!r}: one of {list(VIEWPORTS)}"
    return name


@pytest.fixture
def locale(request: pytest.FixtureRequest) -> str:
    name: str = getattr(request, "param", "de-DE")
    assert name in LOCALES, f"locale {name!r}: one of {list(LOCALES)}"
    return name


@pytest.fixture
def theme(request: pytest.FixtureRequest) -> str:
    name: str = getattr(request, "param", "light")
    assert name in THEMES, f"theme {name!r}: one of {list(THEMES)}"
    return name


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Browser, server: App, viewport: str, locale: str, theme: str, console: Console) -> Iterator[Page]:
    """A page in a fresh context, `base_url` = the session's server (so `page.goto("/")` works)."""
    yield from _page(browser, server, viewport, locale, theme, console)


@pytest.fixture
def fresh_page(
    browser: Browser, fresh_server: App, viewport: str, locale: str, theme: str, console: Console
) -> Iterator[Page]:
    """The same on this test's own, empty server."""
    yield from _page(browser, fresh_server, viewport, locale, theme, console)


def _page(browser: Browser, app: App, viewport: str, locale: str, theme: str, console: Console) -> Iterator[Page]:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(
        base_url=app.url,
        viewport=VIEWPORTS[viewport],  # type: ignore[arg-type]
        locale=locale,
        color_scheme=theme,  # type: ignore[arg-type]
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.record(f"console.error: {message.text} ({message.location.get('url', '')})")

    def on_page_error(error: Error) -> None:
        console.record(f"uncaught: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        yield page
    finally:
        context.close()
    unexpected = console.unexpected()
    if unexpected:
        pytest.fail("the page reported errors:\n" + "\n".join(unexpected) + f"\n--- server log:\n{app.log()[-3000:]}")


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path | None]:
    """`screenshot(name)`: docs/screenshots/<name>.png of the test's page (`page` or `fresh_page`), only with
    OPENORCH_SCREENSHOTS=1; otherwise nothing is written."""

    def take(name: str, **options: Any) -> Path | None:
        if os.environ.get("OPENORCH_SCREENSHOTS") != "1":
            return None
        page: Page = request.getfixturevalue("fresh_page" if "fresh_page" in request.fixturenames else "page")
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name), f"screenshot name {name!r}: lower-case, no slashes"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        options = {"full_page": True, **options}
        if options["full_page"]:
            page.evaluate("window.scrollTo(0, 0)")  # else the sticky header is drawn where the page was scrolled to
        page.screenshot(path=str(path), **options)
        return path

    return take


# ------------------------------------------------------------------------ a lived-in app


@pytest.fixture(scope="package")
def demo(server: App, llm_server: FakeOpenAI) -> Demo:
    """The shared server with a few bots and their results, seeded once through the API: a summary whose last
    result is new (Markdown), a daily digest whose second result is the same as the first (not new), and a mail
    bot whose run failed because the provider's account has no credit (its own credential, so the other bots'
    stays good)."""
    return seed_demo(server, llm_server)
