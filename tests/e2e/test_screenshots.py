"""The screenshots in docs/screenshots: every main screen of the lived-in app (`demo`), German on a light desktop
and English on a dark phone, plus the dashboard and the run details the other way round. Only with
OPENORCH_SCREENSHOTS=1 (the wizard's screenshots come from test_first_result.py); the suite skips these otherwise.

Names: `<screen>-<de|en>-<light|dark>-<desktop|mobile>.png`. Desktop shots are the 1280 × 800 window (what one
sees first, and small enough to commit); phone shots are the whole page (the editor: the window).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.e2e_support import Demo, assert_no_horizontal_scroll

pytestmark = pytest.mark.skipif(
    os.environ.get("OPENORCH_SCREENSHOTS") != "1", reason="screenshots only with OPENORCH_SCREENSHOTS=1"
)

EVERY_SCREEN = [("de-DE", "light", "desktop"), ("en-US", "dark", "mobile")]
SOME_SCREENS = [("en-US", "light", "desktop"), ("de-DE", "dark", "mobile")]


def screens(demo: Demo) -> dict[str, str]:
    return {
        "dashboard": "/",
        "templates": "/templates",
        "providers": "/providers",
        "bot": f"/bots/{demo.summary_bot}",
        "run-detail": f"/runs/{demo.summary_run}",
        "run-failed": f"/runs/{demo.failed_run}",
        "bot-editor": f"/bots/{demo.summary_bot}/edit",
    }


def shoot(page: Page, screenshot: Callable[..., Path | None], name: str, path: str, viewport: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(250)  # lazy chunks (Markdown) and transitions settle
    if viewport == "mobile":
        assert_no_horizontal_scroll(page)
    # Phones: the whole page, except the editor, whose save bar is fixed to the window's bottom edge.
    whole = viewport == "mobile" and not path.endswith("/edit")
    screenshot(name, full_page=whole, animations="disabled", caret="hide")


@pytest.mark.parametrize(("locale", "theme", "viewport"), EVERY_SCREEN, indirect=True)
def test_every_screen(
    page: Page, demo: Demo, locale: str, theme: str, viewport: str, screenshot: Callable[..., Path | None]
) -> None:
    for screen, path in screens(demo).items():
        shoot(page, screenshot, f"{screen}-{locale[:2]}-{theme}-{viewport}", path, viewport)


@pytest.mark.parametrize(("locale", "theme", "viewport"), SOME_SCREENS, indirect=True)
def test_the_dashboard_and_runs_the_other_way_round(
    page: Page, demo: Demo, locale: str, theme: str, viewport: str, screenshot: Callable[..., Path | None]
) -> None:
    for screen in ("dashboard", "run-detail", "run-failed"):
        shoot(page, screenshot, f"{screen}-{locale[:2]}-{theme}-{viewport}", screens(demo)[screen], viewport)
