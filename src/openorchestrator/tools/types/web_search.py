"""The `web_search` tool: a numbered list of results (title, URL, snippet) that a model can cite.

Where the results come from:

    secrets["brave"] set   Brave Search API: GET {brave_url}?q=…&count=…&search_lang=…&country=…&safesearch=moderate
                           with the key in `X-Subscription-Token` and the User-Agent "openOrchestrator".
    no Brave key           DuckDuckGo's HTML page: POST {fallback_url} with the form q=…, kl=<region>-<lang>, read with
                           the stdlib html.parser, so that templates work without any key. That page answers browsers
                           only, so this request carries a common desktop browser User-Agent (`BROWSER_USER_AGENT`).

Reading the answers is `tools/search/` (`brave`, `duckduckgo`, and `hits` for what they share); this module holds
the options, the query check and the HTTP exchange.

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
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from openorchestrator.core import tls
from openorchestrator.tools import registry
from openorchestrator.tools.base import ToolContext, ToolFunction, ToolRefused
from openorchestrator.tools.search.brave import BRAVE_URL, USER_AGENT, parse_brave
from openorchestrator.tools.search.brave import check_brave as check_brave  # the provider key check imports it here
from openorchestrator.tools.search.duckduckgo import BROWSER_USER_AGENT, FALLBACK_URL, duckduckgo_hits
from openorchestrator.tools.search.hits import CONTROL, SNIPPET_CHARS, SearchHit, citable_url, render

if TYPE_CHECKING:
    import httpx2

logger = logging.getLogger(__name__)

DEFAULT_COUNT = 5
MAX_COUNT = 20
MAX_QUERY_CHARS = 400
MAX_QUERY_WORDS = 50
TIMEOUT_SECONDS = 10.0
MAX_BYTES = 1_000_000

_COUNTRY_OF_LANGUAGE = {"de": "DE", "en": "US"}
_DUCKDUCKGO_REGION = {"GB": "uk"}
"""Where DuckDuckGo's `kl` region differs from the ISO code Brave takes."""
_LANG = re.compile(r"[a-z]{2}(-[a-z]{2,4})?")
_COUNTRY = re.compile(r"[A-Z]{2}|ALL")

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "description": "What to search for, as you would type it into a search engine."}
    },
    "required": ["query"],
    "additionalProperties": False,
}


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


# -- the query -------------------------------------------------------------------------------------------


def clean_query(args: Mapping[str, Any]) -> str:
    """The query in one line, or ToolRefused. Other arguments are ignored: endpoints come from options only."""
    query = args.get("query")
    if not isinstance(query, str):
        raise ToolRefused("web_search needs a `query` text.", code="invalid_query")
    query = " ".join(CONTROL.sub(" ", query).split())
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
        return duckduckgo_hits(answer.status, answer.body, settings.count)

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
                    timeout=settings.timeout_seconds,
                    follow_redirects=False,
                    trust_env=False,
                    transport=self._transport,
                    verify=tls.default_context(),
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
