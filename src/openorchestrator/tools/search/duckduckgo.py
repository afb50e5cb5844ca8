"""DuckDuckGo's HTML page: its results read with the stdlib html.parser, the real URLs behind its links, its bot check.

    duckduckgo_hits(status, body, count)   # the hits, or ToolRefused rate_limited / search_error
    parse_duckduckgo(page, count)          # (hits, whether the page was its bot check)
    duckduckgo_target(href)                # the URL behind `//duckduckgo.com/l/?uddg=…`; None for ads

The page answers browsers only, so its request carries a common desktop browser User-Agent (`BROWSER_USER_AGENT`).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from openorchestrator.tools.base import ToolRefused
from openorchestrator.tools.search.hits import (
    SNIPPET_CHARS,
    TITLE_CHARS,
    SearchHit,
    citable_url,
    collect,
    status_words,
    tidy,
)

FALLBACK_URL = "https://html.duckduckgo.com/html/"
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36"
)
"""DuckDuckGo's HTML form turns away clients that do not look like a browser."""


@dataclass
class _RawHit:
    href: str
    title: str = ""
    snippet: str = ""


class DuckDuckGoPage(HTMLParser):
    """The results of DuckDuckGo's HTML page, as scrapers read it: an `a.result__a` opens a result (its href the link,
    its text the title), the next `.result__snippet` gives the snippet. A class `anomaly-modal…` is its bot check."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hits: list[_RawHit] = []
        self.bot_check = False
        self._field: str | None = None
        self._tag = ""
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._field is not None:
            if tag == self._tag:
                self._depth += 1  # the same tag nested inside: its end does not close the field
            return
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        self.bot_check = self.bot_check or any(name.startswith("anomaly-modal") for name in classes)
        if tag == "a" and "result__a" in classes:
            self.hits.append(_RawHit(found.get("href") or ""))
            self._field, self._tag, self._depth = "title", tag, 1
        elif "result__snippet" in classes and self.hits and not self.hits[-1].snippet:
            self._field, self._tag, self._depth = "snippet", tag, 1

    def handle_endtag(self, tag: str) -> None:
        if self._field is not None and tag == self._tag:
            self._depth -= 1
            if self._depth == 0:
                self._field = None

    def handle_data(self, data: str) -> None:
        if self._field == "title":
            self.hits[-1].title += data
        elif self._field == "snippet":
            self.hits[-1].snippet += data


def _is_duckduckgo(host: str) -> bool:
    return host == "duckduckgo.com" or host.endswith(".duckduckgo.com")


def duckduckgo_target(href: str) -> str | None:
    """The real URL behind a `//duckduckgo.com/l/?uddg=<percent-encoded URL>` link (or a direct link); None for ads
    (`duckduckgo.com/y.js?ad_domain=…`) and other links to DuckDuckGo itself."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    host = parts.hostname or ""
    if host and not _is_duckduckgo(host):
        return citable_url(href)
    target = parse_qs(parts.query).get("uddg", [""])[0] if parts.path.startswith("/l/") else ""
    url = citable_url(target)
    return None if url is None or _is_duckduckgo(urlsplit(url).hostname or "") else url


def parse_duckduckgo(page: str, count: int) -> tuple[list[SearchHit], bool]:
    """The hits (DuckDuckGo ignores any count, so they are cut here) and whether the page was its bot check."""
    parser = DuckDuckGoPage()
    parser.feed(page)
    parser.close()
    candidates = [
        (tidy(raw.title, TITLE_CHARS), duckduckgo_target(raw.href), tidy(raw.snippet, SNIPPET_CHARS))
        for raw in parser.hits
    ]
    return collect(candidates, count), parser.bot_check


_DUCKDUCKGO_LIMITED = (
    "DuckDuckGo is limiting searches from this address right now (it asked for a bot check). Try again later; "
    "with a Brave Search key in the settings this does not happen."
)


def duckduckgo_hits(status: int, body: bytes, count: int) -> list[SearchHit]:
    """The hits of an answer to the search form; a refusal when DuckDuckGo is limiting or failing."""
    if status in (202, 403, 429):
        raise ToolRefused(_DUCKDUCKGO_LIMITED, code="rate_limited")
    if status != 200:
        raise ToolRefused(f"DuckDuckGo could not answer ({status_words(status)}).", code="search_error")
    hits, bot_check = parse_duckduckgo(body.decode("utf-8", "replace"), count)
    if bot_check and not hits:
        raise ToolRefused(_DUCKDUCKGO_LIMITED, code="rate_limited")
    return hits
