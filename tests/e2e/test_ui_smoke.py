"""The start page in a real browser: it loads, is titled, and reports no errors (at 380 px and on a desktop)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect
from tests.e2e.e2e_support import viewports

from openorchestrator.config import default_web_dist_dir


@viewports
def test_the_start_page_loads_without_errors(page: Page, viewport: str, screenshot: Callable[..., Path | None]) -> None:
    response = page.goto("/")

    assert response is not None and response.ok, response
    expect(page).to_have_title(re.compile("openOrchestrator"))
    if (default_web_dist_dir() / "index.html").is_file():
        expect(page.locator("#root > *").first).to_be_visible()  # React mounted and drew something
    else:
        expect(page.get_by_text("make run")).to_be_visible()  # no build: the page says how to make one
    page.wait_for_load_state("networkidle")  # the first API calls have answered (their errors would count)
    screenshot(f"start-{viewport}")
