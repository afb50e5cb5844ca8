"""Brave Search API answers: the hits of its JSON, and its errors in words a user can act on.

    check_brave(status, headers, body)   # None for 200; ToolRefused invalid_key / rate_limited / search_error
    parse_brave(body, count)             # the hits of `web.results[]`

`check_brave` is also how the key check in the provider settings tells a bad key from a busy one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from openorchestrator.tools.base import ToolRefused
from openorchestrator.tools.search.hits import (
    SNIPPET_CHARS,
    TITLE_CHARS,
    SearchHit,
    citable_url,
    collect,
    plain_text,
    status_words,
)

BRAVE_URL = "https://api.search.brave.com/res/v1/web/search"
USER_AGENT = "openOrchestrator"


def parse_brave(body: bytes, count: int) -> list[SearchHit]:
    """The hits of `web.results[]`; an answer without `web` has none (Brave leaves it out then)."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ToolRefused("Brave Search sent an answer that could not be read.", code="search_error")
    web = data.get("web")
    results = web.get("results") if isinstance(web, dict) else None
    candidates = [
        (
            plain_text(str(item.get("title") or ""), TITLE_CHARS),
            citable_url(str(item.get("url") or "")),
            plain_text(str(item.get("description") or ""), SNIPPET_CHARS),
        )
        for item in (results if isinstance(results, list) else [])
        if isinstance(item, dict)
    ]
    return collect(candidates, count)


def _brave_error_code(body: bytes) -> str:
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return ""
    return str(error.get("code") or "") if isinstance(error, dict) else ""


def _numbers(header: str) -> list[int]:
    parts = [part.strip() for part in header.split(",")]
    return [int(part) for part in parts] if all(part.isdigit() for part in parts) else []


def brave_wait_seconds(headers: Mapping[str, str]) -> int | None:
    """Seconds until Brave takes searches again: `Retry-After` if given, else the longest `X-RateLimit-Reset` of the
    windows whose `X-RateLimit-Remaining` is 0. Both list one value per window ("1, 1419704": the second, the month)."""
    retry_after = headers.get("retry-after", "").strip()
    if retry_after.isdigit():
        return int(retry_after)
    resets = _numbers(headers.get("x-ratelimit-reset", ""))
    remaining = _numbers(headers.get("x-ratelimit-remaining", ""))
    spent = [reset for reset, left in zip(resets, remaining, strict=False) if left == 0]
    return max(spent) if spent else min(resets, default=None)


def wait_words(seconds: int) -> str:
    if seconds < 120:
        return f"{max(seconds, 1)} s"
    for unit, size in (("min", 60), ("h", 3600)):
        if seconds < 120 * size:
            return f"{math.ceil(seconds / size)} {unit}"
    return f"{math.ceil(seconds / 86400)} days"


def check_brave(status: int, headers: Mapping[str, str], body: bytes) -> None:
    if status == 200:
        return
    if status in (401, 403) or (status == 422 and _brave_error_code(body) == "SUBSCRIPTION_TOKEN_INVALID"):
        raise ToolRefused(
            "Brave Search refused the Brave API key stored in openOrchestrator (wrong, expired or without an active "
            "subscription). Web search does not work until the user fixes the key in the settings.",
            code="invalid_key",
        )
    if status == 429:
        wait = brave_wait_seconds(headers)
        when = f"searching works again in about {wait_words(wait)}" if wait is not None else "try again later"
        raise ToolRefused(f"Brave Search rate limit reached; {when}.", code="rate_limited")
    raise ToolRefused(f"Brave Search could not answer ({status_words(status)}).", code="search_error")
