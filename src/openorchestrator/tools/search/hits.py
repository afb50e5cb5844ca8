"""Search results as the model sees them: `SearchHit`, text and URLs cleaned to one citable line, the numbered list.

    plain_text("<strong>Rad</strong> &amp; Co", 200) == "Rad & Co"
    citable_url(url)        # `url` if http(s) with a host, one line, not absurdly long; else None
    collect(candidates, n)  # at most n hits, each citable URL once
    render(hits)            # "1. title\n   url\n   snippet\n2. …"

Shared by the back ends (`brave`, `duckduckgo`) and the `web_search` plugin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import urlsplit

SNIPPET_CHARS = 300
TITLE_CHARS = 200
MAX_URL_CHARS = 2048
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    snippet: str


def tidy(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word where possible (a cut ends with "…")."""
    text = " ".join(CONTROL.sub(" ", text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.-") + "…"


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(fragment: str, limit: int) -> str:
    """Text without tags and entities (Brave marks query words with <strong> and escapes `&`, `'`)."""
    parser = _TextOnly()
    parser.feed(fragment)
    parser.close()
    return tidy("".join(parser.parts), limit)


def citable_url(url: str) -> str | None:
    """`url` if a model can cite it (http or https with a host, one line, not absurdly long); else None."""
    url = url.strip()
    if not url or len(url) > MAX_URL_CHARS or any(ch.isspace() or CONTROL.match(ch) for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def render(hits: list[SearchHit]) -> str:
    lines: list[str] = []
    for number, hit in enumerate(hits, 1):
        lines += [f"{number}. {hit.title}", f"   {hit.url}"] + ([f"   {hit.snippet}"] if hit.snippet else [])
    return "\n".join(lines)


def collect(candidates: list[tuple[str, str | None, str]], count: int) -> list[SearchHit]:
    """At most `count` hits with a citable URL, each URL once; a hit without a title shows its URL."""
    hits: list[SearchHit] = []
    seen: set[str] = set()
    for title, url, snippet in candidates:
        if url is None or url in seen:
            continue
        seen.add(url)
        hits.append(SearchHit(title or url, url, snippet))
        if len(hits) == count:
            break
    return hits


def status_words(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
