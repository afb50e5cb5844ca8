"""The `web_search` tool: a numbered list of results (title, URL, snippet) that a model can cite.

Where the results come from:

    secrets["brave"] set   Brave Search API: GET {brave_url}?q=…&count=…&search_lang=…&country=…&safesearch=moderate
                           with the key in `X-Subscription-Token` and the User-Agent "openOrchestrator".
    no Brave key           DuckDuckGo's HTML page: POST {fallback_url} with the form q=…, kl=<region>-<lang>, read with
                           the stdlib html.parser, so that templates work without any key. That page answers browsers
                           only, so this request carries a common desktop browser User-Agent (`BROWSER_USER_AGENT`).

A refused Brave key is reported, never quietly replaced by DuckDuckGo: the user has to learn that the key does not work.

Options (`ToolContext.options`, set by the app or a test, never by the model: a bot cannot point its search at an
internal host):

    count            5 results, at most 20
    search_lang      the run's language; Brave's `search_lang` and the language half of DuckDuckGo's `kl`
    country          "DE" for German, "US" for English ("ALL": worldwide); Brave's `country`, the region half of `kl`
    brave_url        https://api.search.brave.com/res/v1/web/search
    fallback_url     https://html.duckduckgo.com/html/
    timeout_seconds  10, for the whole exchange (connecting, waiting, reading)
    max_bytes        1 MB of answer (after decompression), read as a stream

Refusals (`ToolRefused.code`):

    invalid_query    empty, over 400 characters or over 50 words (Brave's own limits)
    invalid_key      Brave answered 401 or 403, or 422 SUBSCRIPTION_TOKEN_INVALID (its answer to an unknown key)
    rate_limited     Brave 429 (with the wait its headers give); DuckDuckGo 202/403/429 or its bot check page
    timeout          no complete answer within timeout_seconds
    unreachable      no connection, or it broke off
    too_large        more than max_bytes; refused rather than cut, since cut JSON cannot be read
    search_error     any other answer
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from openorchestrator.tools import registry
from openorchestrator.tools.base import ToolContext, ToolFunction, ToolRefused

if TYPE_CHECKING:
    import httpx2

logger = logging.getLogger(__name__)

BRAVE_URL = "https://api.search.brave.com/res/v1/web/search"
FALLBACK_URL = "https://html.duckduckgo.com/html/"
DEFAULT_COUNT = 5
MAX_COUNT = 20
MAX_QUERY_CHARS = 400
MAX_QUERY_WORDS = 50
SNIPPET_CHARS = 300
TITLE_CHARS = 200
MAX_URL_CHARS = 2048
TIMEOUT_SECONDS = 10.0
MAX_BYTES = 1_000_000
USER_AGENT = "openOrchestrator"
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36"
)
"""DuckDuckGo's HTML form turns away clients that do not look like a browser."""

_COUNTRY_OF_LANGUAGE = {"de": "DE", "en": "US"}
_DUCKDUCKGO_REGION = {"GB": "uk"}
"""Where DuckDuckGo's `kl` region differs from the ISO code Brave takes."""
_LANG = re.compile(r"[a-z]{2}(-[a-z]{2,4})?")
_COUNTRY = re.compile(r"[A-Z]{2}|ALL")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "description": "What to search for, as you would type it into a search engine."}
    },
    "required": ["query"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    snippet: str


@dataclass(frozen=True)
class SearchSettings:
    """The options of one call, checked: a wrong option is the app's bug (ValueError), not the model's."""

    count: int
    search_lang: str
    country: str
    brave_url: str
    fallback_url: str
    timeout_seconds: float
    max_bytes: int

    @classmethod
    def from_context(cls, ctx: ToolContext) -> SearchSettings:
        options = ctx.options
        search_lang = _text_option(options, "search_lang", ctx.language, _LANG)
        default_country = _COUNTRY_OF_LANGUAGE.get(search_lang.split("-")[0], "ALL")
        return cls(
            count=min(math.ceil(_positive_option(options, "count", DEFAULT_COUNT)), MAX_COUNT),
            search_lang=search_lang,
            country=_text_option(options, "country", default_country, _COUNTRY, upper=True),
            brave_url=_url_option(options, "brave_url", BRAVE_URL),
            fallback_url=_url_option(options, "fallback_url", FALLBACK_URL),
            timeout_seconds=_positive_option(options, "timeout_seconds", TIMEOUT_SECONDS),
            max_bytes=math.ceil(_positive_option(options, "max_bytes", MAX_BYTES)),
        )

    @property
    def duckduckgo_region(self) -> str:
        """DuckDuckGo's `kl`: region, then language ("de-de", "us-en"; "wt-wt" is worldwide)."""
        if self.country == "ALL":
            return "wt-wt"
        region = _DUCKDUCKGO_REGION.get(self.country, self.country.lower())
        return f"{region}-{self.search_lang.split('-')[0]}"


def _positive_option(options: Mapping[str, Any], name: str, default: float) -> float:
    value = options.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValueError(f"web_search option {name} must be a positive number, not {value!r}")
    return float(value)


def _text_option(
    options: Mapping[str, Any], name: str, default: str, pattern: re.Pattern[str], upper: bool = False
) -> str:
    value = options.get(name, default)
    text = (value.upper() if upper else value.lower()).strip() if isinstance(value, str) else ""
    if not pattern.fullmatch(text):
        raise ValueError(f"web_search option {name} is not valid: {value!r}")
    return text


def _url_option(options: Mapping[str, Any], name: str, default: str) -> str:
    value = options.get(name, default)
    if not isinstance(value, str) or citable_url(value) is None:
        raise ValueError(f"web_search option {name} must be an http(s) URL, not {value!r}")
    return value


# -- the query and the text that goes back ---------------------------------------------------------------


def clean_query(args: Mapping[str, Any]) -> str:
    """The query in one line, or ToolRefused. Other arguments are ignored: endpoints come from options only."""
    query = args.get("query")
    if not isinstance(query, str):
        raise ToolRefused("web_search needs a `query` text.", code="invalid_query")
    query = " ".join(_CONTROL.sub(" ", query).split())
    if not query:
        raise ToolRefused("The search query is empty.", code="invalid_query")
    if len(query) > MAX_QUERY_CHARS:
        raise ToolRefused(
            f"The search query is too long ({len(query)} characters, at most {MAX_QUERY_CHARS}); use fewer words.",
            code="invalid_query",
        )
    if len(query.split()) > MAX_QUERY_WORDS:
        raise ToolRefused(f"The search query has more than {MAX_QUERY_WORDS} words.", code="invalid_query")
    return query


def tidy(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word where possible (a cut ends with "…")."""
    text = " ".join(_CONTROL.sub(" ", text).split())
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
    if not url or len(url) > MAX_URL_CHARS or any(ch.isspace() or _CONTROL.match(ch) for ch in url):
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


def _collect(candidates: list[tuple[str, str | None, str]], count: int) -> list[SearchHit]:
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


# -- Brave Search API ------------------------------------------------------------------------------------


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
    return _collect(candidates, count)


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


def _status_words(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


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
    raise ToolRefused(f"Brave Search could not answer ({_status_words(status)}).", code="search_error")


# -- DuckDuckGo's HTML page ------------------------------------------------------------------------------


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
    return _collect(candidates, count), parser.bot_check


_DUCKDUCKGO_LIMITED = (
    "DuckDuckGo is limiting searches from this address right now (it asked for a bot check). Try again later; "
    "with a Brave Search key in the settings this does not happen."
)


# -- the tool --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


def brave_key(secrets: Mapping[str, str]) -> str | None:
    """The Brave key, None if there is none; one that could not travel in a header is refused before it is sent."""
    key = (secrets.get("brave") or "").strip()
    if not key:
        return None
    if len(key) > 256 or not all(33 <= ord(ch) < 127 for ch in key):
        raise ToolRefused(
            "The Brave API key stored in openOrchestrator contains characters no key has; "
            "the user should enter it again in the settings.",
            code="invalid_key",
        )
    return key


class WebSearchTool:
    """The built-in `web_search` tool. `transport` replaces the network (tests, MockTransport)."""

    name: ClassVar[str] = "web_search"
    description: ClassVar[str] = "Search the web: Brave Search with a key, DuckDuckGo without one."

    def __init__(self, transport: httpx2.AsyncBaseTransport | None = None) -> None:
        self._transport = transport

    def functions(self) -> list[ToolFunction]:
        return [
            ToolFunction(
                name="web_search",
                description=(
                    "Search the web. Returns a numbered list of results, each with title, URL and a short snippet. "
                    "Cite the URLs of the results you use."
                ),
                parameters=PARAMETERS,
                call=self.search,
            )
        ]

    def settings(self) -> dict[str, Any]:
        return {
            "sources": ["brave", "duckduckgo"],
            "secret": "brave (optional: without it DuckDuckGo's HTML page is searched)",
            "count": DEFAULT_COUNT,
            "max_count": MAX_COUNT,
            "max_query_chars": MAX_QUERY_CHARS,
            "snippet_chars": SNIPPET_CHARS,
            "timeout_seconds": TIMEOUT_SECONDS,
            "max_bytes": MAX_BYTES,
            "options": ["count", "search_lang", "country", "brave_url", "fallback_url", "timeout_seconds", "max_bytes"],
        }

    async def search(self, ctx: ToolContext, args: dict[str, Any]) -> str:
        query = clean_query(args)
        settings = SearchSettings.from_context(ctx)
        key = brave_key(ctx.secrets)
        hits = await (self._brave(query, key, settings) if key else self._duckduckgo(query, settings))
        logger.debug("web_search: %d results from %s", len(hits), "Brave" if key else "DuckDuckGo")
        text = render(hits) if hits else f'No results for "{query}".'
        return text.replace(key, "[redacted]") if key else text  # a result can't carry the key back to the model

    async def _brave(self, query: str, key: str, settings: SearchSettings) -> list[SearchHit]:
        params = {"q": query, "count": str(settings.count), "search_lang": settings.search_lang}
        params |= {"country": settings.country, "safesearch": "moderate"}
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT, "X-Subscription-Token": key}
        answer = await self._exchange(settings, "Brave Search", settings.brave_url, params=params, headers=headers)
        check_brave(answer.status, answer.headers, answer.body)
        return parse_brave(answer.body, settings.count)

    async def _duckduckgo(self, query: str, settings: SearchSettings) -> list[SearchHit]:
        form = {"q": query, "kl": settings.duckduckgo_region}
        headers = {"Accept": "text/html", "User-Agent": BROWSER_USER_AGENT}
        answer = await self._exchange(settings, "DuckDuckGo", settings.fallback_url, form=form, headers=headers)
        if answer.status in (202, 403, 429):
            raise ToolRefused(_DUCKDUCKGO_LIMITED, code="rate_limited")
        if answer.status != 200:
            raise ToolRefused(f"DuckDuckGo could not answer ({_status_words(answer.status)}).", code="search_error")
        hits, bot_check = parse_duckduckgo(answer.body.decode("utf-8", "replace"), settings.count)
        if bot_check and not hits:
            raise ToolRefused(_DUCKDUCKGO_LIMITED, code="rate_limited")
        return hits

    async def _exchange(
        self,
        settings: SearchSettings,
        source: str,
        url: str,
        *,
        headers: dict[str, str],
        params: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> _Answer:
        """One request (GET with `params`, POST with `form`), its answer read within the time and size limits.
        No proxy from the environment, no redirects: the request goes where the options say, or nowhere."""
        import httpx2

        try:
            async with (
                asyncio.timeout(settings.timeout_seconds),
                httpx2.AsyncClient(
                    timeout=settings.timeout_seconds, follow_redirects=False, trust_env=False, transport=self._transport
                ) as http,
                http.stream("POST" if form else "GET", url, params=params, data=form, headers=headers) as response,
            ):
                body = await _read_limited(response, settings.max_bytes, source)
                return _Answer(response.status_code, response.headers, body)
        except (TimeoutError, httpx2.TimeoutException):
            raise ToolRefused(
                f"{source} did not answer within {settings.timeout_seconds:g} s.", code="timeout"
            ) from None
        except httpx2.DecodingError:
            raise ToolRefused(f"{source} sent an answer that could not be read.", code="search_error") from None
        except httpx2.HTTPError:
            raise ToolRefused(f"{source} cannot be reached right now.", code="unreachable") from None


async def _read_limited(response: httpx2.Response, max_bytes: int, source: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ToolRefused(
                f"{source} sent more than {max_bytes // 1000} kB; the answer was not read.", code="too_large"
            )
        chunks.append(chunk)
    return b"".join(chunks)


registry.register(WebSearchTool())
