"""The `web_fetch` tool: one web page, as the text a person would read on it.

The model calls `web_fetch(url)`. The page comes through `netguard` (public addresses only, unless the bot's
`fetch_allowlist` names the host or its network; every redirect checked again, at most 5; the connection goes
to the checked address, never to a second DNS answer) and HTML is boiled down by `readable` to its title and
main text. Plain text, JSON and XML come back as they are; images, PDFs and other binaries are refused before
their body is downloaded.

Options (`ToolContext.options`, set by the app or a test, never by the model):

    max_download_bytes       2_000_000  body bytes read (after gzip); the rest is never downloaded
    max_chars                   20_000  characters of page text handed to the model; more is cut, with a marker
    timeout_seconds                 15  the whole call: DNS, connects, redirects, body
    connect_timeout_seconds          5  each DNS lookup and each connect (at most timeout_seconds)

Refusals (`ToolRefused.code`):

    invalid_url          no usable http(s) URL
    unsupported_scheme   file:, ftp:, data:, javascript:, …
    blocked              loopback, private, link-local, metadata, … (see netguard), or a user name in the URL
    not_found            the host name does not exist, or the page answered 404 / 410
    too_many_redirects   more than 5 redirects
    timeout              no complete answer within timeout_seconds
    unreachable          no connection to the server
    tls_error            the HTTPS certificate is invalid or not trusted
    http_error           any other status, or a broken answer
    unsupported_type     an image, PDF or other binary
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar, Literal

from openorchestrator.tools import netguard, registry
from openorchestrator.tools.base import ToolContext, ToolFunction, ToolRefused
from openorchestrator.tools.readable import decode, readable

MAX_DOWNLOAD_BYTES = 2_000_000
MAX_CHARS = 20_000
TIMEOUT_SECONDS = 15.0
CONNECT_TIMEOUT_SECONDS = netguard.CONNECT_TIMEOUT_SECONDS
MAX_URL_CHARS = 2048
MAX_TITLE_CHARS = 300

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"application/json", "application/xml", "application/javascript", "application/x-ndjson"})
"""Besides text/* and any +json or +xml type."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_START = re.compile(rb"\s*(<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "url": {"type": "string", "description": "The full address of the page, starting with https:// or http://."}
    },
    "required": ["url"],
    "additionalProperties": False,
}

Kind = Literal["html", "text"]


@dataclass(frozen=True)
class FetchLimits:
    """The options of one call, checked: a wrong option is the app's bug (ValueError), not the model's."""

    max_download_bytes: int = MAX_DOWNLOAD_BYTES
    max_chars: int = MAX_CHARS
    timeout_seconds: float = TIMEOUT_SECONDS
    connect_timeout_seconds: float = CONNECT_TIMEOUT_SECONDS

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> FetchLimits:
        return cls(
            max_download_bytes=math.ceil(_positive(options, "max_download_bytes", MAX_DOWNLOAD_BYTES)),
            max_chars=math.ceil(_positive(options, "max_chars", MAX_CHARS)),
            timeout_seconds=_positive(options, "timeout_seconds", TIMEOUT_SECONDS),
            connect_timeout_seconds=_positive(options, "connect_timeout_seconds", CONNECT_TIMEOUT_SECONDS),
        )


def _positive(options: Mapping[str, Any], name: str, default: float) -> float:
    value = options.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValueError(f"web_fetch option {name} must be a positive number, not {value!r}")
    return float(value)


# -- the call ---------------------------------------------------------------------------------------------


async def web_fetch(ctx: ToolContext, args: dict[str, Any]) -> str:
    url = _url_argument(args)
    limits = FetchLimits.from_options(ctx.options)
    result = await netguard.fetch(
        url,
        allowlist=ctx.fetch_allowlist,
        max_bytes=limits.max_download_bytes,
        timeout_seconds=limits.timeout_seconds,
        connect_timeout_seconds=limits.connect_timeout_seconds,
        headers={"Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.5"},
        accept=_readable_type,
    )
    _check_status(result)
    kind = _kind(result)
    title, text = await asyncio.to_thread(_text_of, result, kind)  # html.parser needs ~1 s per MB
    return _render(result, title, text, limits)


def _url_argument(args: dict[str, Any]) -> str:
    url = args.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ToolRefused("web_fetch needs a `url`, e.g. https://example.com/page.", code="invalid_url")
    if len(url) > MAX_URL_CHARS:
        raise ToolRefused(f"The URL is longer than {MAX_URL_CHARS} characters.", code="invalid_url")
    return url.strip()


def _readable_type(media_type: str) -> bool:
    """Asked before the body is read: no point in downloading a picture the model cannot see."""
    return (
        not media_type
        or media_type in HTML_TYPES
        or media_type.startswith("text/")
        or media_type in TEXT_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


def _check_status(result: netguard.FetchResult) -> None:
    if 200 <= result.status < 300:
        return
    words = _status_words(result.status)
    if result.status in (404, 410):
        raise ToolRefused(f"{result.url} answered {words}: there is no such page (any more).", code="not_found")
    raise ToolRefused(f"{result.url} answered {words}; the page could not be read.", code="http_error")


def _status_words(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _kind(result: netguard.FetchResult) -> Kind:
    """HTML or text; a body without a content type is judged by its first bytes, as browsers do."""
    if result.media_type in HTML_TYPES:
        return "html"
    if result.media_type:
        return "text"
    head = result.body[:1024]
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise ToolRefused(
            f"{result.url} sent no content type and looks like a binary file, which web_fetch cannot read.",
            code="unsupported_type",
        )
    return "html" if _HTML_START.match(head) else "text"


def _text_of(result: netguard.FetchResult, kind: Kind) -> tuple[str, str]:
    """(title, text) of the body."""
    text = decode(result.body, result.charset, html=kind == "html", complete=not result.truncated)
    if kind == "text":
        return "", _CONTROL.sub("", text).strip()
    page = readable(text, result.url)
    return page.title, _CONTROL.sub("", page.text)


def _render(result: netguard.FetchResult, title: str, text: str, limits: FetchLimits) -> str:
    head = [f"Title: {title[:MAX_TITLE_CHARS]}"] if title else []
    head.append(f"URL: {result.url}")
    body = _cut(text, limits.max_chars) if text else "(The page has no readable text; it may need JavaScript.)"
    if result.truncated:
        body += f"\n\n[The page is larger than {limits.max_download_bytes:,} bytes; only that much was read.]"
    return "\n".join(head) + "\n\n" + body


def _cut(text: str, max_chars: int) -> str:
    """At most `max_chars` of `text`, ending on a word boundary when one is near, and saying what is missing."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    boundary = max(head.rfind(" ", max_chars - 200), head.rfind("\n", max_chars - 200))
    if boundary > 0:
        head = head[:boundary]
    return f"{head.rstrip()}\n\n[… cut here: {len(text) - len(head):,} more characters not shown.]"


# -- the tool ---------------------------------------------------------------------------------------------


class WebFetchTool:
    """The built-in `web_fetch` tool."""

    name: ClassVar[str] = "web_fetch"
    description: ClassVar[str] = "Reads one web page and returns its title and main text."

    def functions(self) -> list[ToolFunction]:
        return [
            ToolFunction(
                name="web_fetch",
                description=(
                    "Fetch one web page (http:// or https://) and return its title and main text, without "
                    "menus, scripts or ads. Plain text and JSON come back as they are; images, PDFs and other "
                    "files are refused. Addresses in private networks are blocked. Long pages are cut."
                ),
                parameters=PARAMETERS,
                call=web_fetch,
            )
        ]

    def settings(self) -> dict[str, Any]:
        return {
            "max_download_bytes": MAX_DOWNLOAD_BYTES,
            "max_chars": MAX_CHARS,
            "timeout_seconds": TIMEOUT_SECONDS,
            "connect_timeout_seconds": CONNECT_TIMEOUT_SECONDS,
            "max_redirects": netguard.MAX_REDIRECTS,
            "user_agent": netguard.USER_AGENT,
        }


registry.register(WebFetchTool())
