"""A local stand-in for both back ends of the `web_search` tool: HTTP/1.1 on 127.0.0.1 (ephemeral port), daemon thread.

**Brave Search API**, `GET /res/v1/web/search` (point the tool's `brave_url` at `fake.brave_url`). The key comes in
`X-Subscription-Token`: none is a 401; one not in `keys` is answered with `bad_key_status` (by default 422
`SUBSCRIPTION_TOKEN_INVALID`, what Brave sends for an unknown key in practice; 401 and 403 are the documented ones).
`q` (1-400 characters, at most 50 words) and `count` (1-20) are checked like Brave does (422 `VALIDATION`). The answer
is `{"type": "search", "query": {...}, "mixed": {...}, "web": {"type": "search", "results": [...]}}` with at most
`count` results, each with title, url, description, age, page_age, profile, meta_url, language…; descriptions are
HTML-escaped with the query's words in `<strong>`, as Brave sends them. Without hits there is no `web` key at all.
Every answer carries `X-RateLimit-Limit/-Policy/-Remaining/-Reset` (one value per window: second, month). Errors
look like Brave's: `{"type": "ErrorResponse", "error": {"id", "status", "code", "detail", "meta"}, "time"}`.

**DuckDuckGo's HTML page**, `POST /html/` with the form `q`, `kl` (GET with a query string works too; point the tool's
`fallback_url` at `fake.fallback_url`). The markup is html.duckduckgo.com's as scrapers (ddgs, searx) read it: first an
ad (`result--ad`, its link to `duckduckgo.com/y.js?ad_domain=…`), then per hit `div.result.web-result >
div.result__body > h2.result__title > a.result__a` whose href is the redirect `//duckduckgo.com/l/?uddg=<percent-encoded
URL>&amp;rut=…`, an `a.result__url` and an `a.result__snippet` with `<b>` highlights. It shows every hit (DuckDuckGo
takes no count); without hits, `div.no-results`.

    with FakeSearch(keys=[KEY]) as fake:
        fake.set_hits(Hit("Title", "https://example.com/", "Text"), ...)
        fake.script(brave_rate_limited(reset=(1, 1419704)))   # the next request, either back end
        ctx = ToolContext(..., secrets={"brave": KEY}, options={"brave_url": fake.brave_url})

Scripted replies: `brave_error`, `brave_rate_limited`, `duckduckgo_bot_check`, `oversized` (sent chunked, without
Content-Length), `trickle` (a body that never ends, one byte at a time), `ErrorReply` (a str body goes out as
text/html) and `_fake_http`'s `hang`, `drop`; `delay(s)` answers normally but late. Every search is kept in
`fake.searches` (engine, method, params from query string or form, lower-cased headers).
"""

from __future__ import annotations

import html
import itertools
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal
from urllib.parse import parse_qs, quote, urlsplit

from ._fake_http import (
    DelayReply,
    DropReply,
    ErrorReply,
    FakeHandler,
    FakeServer,
    HangReply,
    drop,
    dumps,
    hang,
    query_of,
)

__all__ = [
    "DEFAULT_KEY",
    "ErrorReply",
    "FakeSearch",
    "Hit",
    "SearchCall",
    "brave_answer",
    "brave_error",
    "brave_rate_limited",
    "delay",
    "drop",
    "duckduckgo_bot_check",
    "hang",
    "oversized",
    "trickle",
]

DEFAULT_KEY = "BSA-test-placeholder-not-a-real-key"
BRAVE_PATH = "/res/v1/web/search"
DUCKDUCKGO_PATHS = ("/html/", "/html")
RATE_LIMIT = (1, 2000)
"""Free plan: 1 request a second, 2000 a month."""

Engine = Literal["brave", "duckduckgo"]
_ids = itertools.count(1)


@dataclass(frozen=True)
class Hit:
    """One result, as both back ends show it."""

    title: str
    url: str
    description: str = ""
    age: str = "May 4, 2026"
    page_age: str = "2026-05-04T08:00:00"


@dataclass(frozen=True)
class SearchCall:
    engine: Engine
    method: str
    params: dict[str, str]
    headers: dict[str, str]
    """Lower-cased names."""


@dataclass(frozen=True)
class AnswerNormally:
    """A scripted reply that is no failure (used by `delay`)."""


@dataclass(frozen=True)
class Trickle:
    """200, then one byte of body every `interval` seconds until the client gives up or the fake stops."""

    interval: float


@dataclass(frozen=True)
class Oversized:
    """A well-formed answer of about `size` bytes, sent in chunks without Content-Length."""

    size: int


# --- scripted replies -----------------------------------------------------------------------------------------


def _rate_limit_headers(remaining: Sequence[int], reset: Sequence[int]) -> tuple[tuple[str, str], ...]:
    per_second, per_month = RATE_LIMIT
    return (
        ("X-RateLimit-Limit", f"{per_second}, {per_month}"),
        ("X-RateLimit-Policy", f"{per_second};w=1, {per_month};w=2592000"),
        ("X-RateLimit-Remaining", ", ".join(map(str, remaining))),
        ("X-RateLimit-Reset", ", ".join(map(str, reset))),
    )


def brave_error(
    status: int,
    code: str,
    detail: str,
    meta: Mapping[str, Any] | None = None,
    headers: Iterable[tuple[str, str]] = (),
) -> ErrorReply:
    """An error answer as Brave sends it."""
    body = {
        "type": "ErrorResponse",
        "error": {"id": f"{next(_ids):08x}-fake", "status": status, "code": code, "detail": detail, "meta": meta or {}},
        "time": int(time.time()),
    }
    return ErrorReply(status, body, tuple(headers))


def brave_rate_limited(
    reset: Sequence[int] = (1, 1419704), remaining: Sequence[int] = (0, 1958), retry_after: int | None = None
) -> ErrorReply:
    """429 with Brave's rate-limit headers (one value per window: second, month) and, if given, `Retry-After`."""
    headers = _rate_limit_headers(remaining, reset) + ((("Retry-After", str(retry_after)),) if retry_after else ())
    meta = {"plan": "Free", "rate_limit": RATE_LIMIT[0], "rate_current": 2, "component": "rate_limiter"}
    return brave_error(429, "RATE_LIMITED", "Request rate limit exceeded for plan.", meta, headers)


_BOT_CHECK_PAGE = """<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8"><title>DuckDuckGo</title></head>
<body><div class="anomaly-modal__mask"><div class="anomaly-modal__modal" data-testid="anomaly-modal">
<div class="anomaly-modal__title">Unfortunately, bots use DuckDuckGo too.</div>
<div class="anomaly-modal__description">Please complete the following challenge to confirm this search was made by
a human.</div><form id="challenge-form" action="//duckduckgo.com/anomaly.js?sv=html&amp;cc=botnet" method="POST">
<div class="anomaly-modal__puzzle"></div></form></div></div></body></html>"""


def duckduckgo_bot_check(status: int = 202) -> ErrorReply:
    """DuckDuckGo's answer to too many automated searches: its "are you a bot" page, with 202."""
    return ErrorReply(status, _BOT_CHECK_PAGE)


def oversized(size: int) -> Oversized:
    return Oversized(size)


def trickle(interval: float = 0.05) -> Trickle:
    return Trickle(interval)


def delay(seconds: float, reply: ErrorReply | None = None) -> DelayReply:
    """Wait `seconds`, then fail with `reply` (or, with None, answer normally)."""
    return DelayReply(seconds, reply if reply is not None else AnswerNormally())


# --- Brave wire format ----------------------------------------------------------------------------------------


def highlight(text: str, query: str, tag: str) -> str:
    """`text` HTML-escaped, with the query's words (3+ letters) wrapped in `<tag>`, as search engines mark them."""
    escaped = html.escape(text)
    words = sorted({w for w in re.findall(r"\w{3,}", query)}, key=len, reverse=True)
    if not words:
        return escaped
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: f"<{tag}>{m.group(0)}</{tag}>", escaped)


def brave_result(hit: Hit, query: str, language: str) -> dict[str, Any]:
    parts = urlsplit(hit.url)
    host = parts.hostname or ""
    return {
        "title": hit.title,
        "url": hit.url,
        "is_source_local": False,
        "is_source_both": False,
        "description": highlight(hit.description, query, "strong"),
        "page_age": hit.page_age,
        "profile": {"name": host, "url": hit.url, "long_name": host, "img": f"https://imgs.search.brave.com/{host}"},
        "language": language,
        "family_friendly": True,
        "type": "search_result",
        "subtype": "generic",
        "is_live": False,
        "meta_url": {
            "scheme": parts.scheme,
            "netloc": parts.netloc,
            "hostname": host,
            "favicon": f"https://imgs.search.brave.com/favicon/{host}",
            "path": " › ".join(p for p in parts.path.split("/") if p),
        },
        "age": hit.age,
    }


def brave_answer(params: Mapping[str, str], hits: Sequence[Hit]) -> dict[str, Any]:
    query, count = params["q"], int(params.get("count", "20"))
    shown = [brave_result(hit, query, params.get("search_lang", "en")) for hit in hits[:count]]
    answer: dict[str, Any] = {
        "type": "search",
        "query": {
            "original": query,
            "show_strict_warning": False,
            "is_navigational": False,
            "is_news_breaking": False,
            "spellcheck_off": True,
            "country": params.get("country", "us").lower(),
            "bad_results": False,
            "should_fallback": False,
            "more_results_available": len(hits) > count,
        },
        "mixed": {"type": "mixed", "main": [{"type": "web", "index": i, "all": False} for i in range(len(shown))]},
    }
    if shown:
        answer["web"] = {"type": "search", "results": shown, "family_friendly": True}
    return answer


def brave_invalid(params: Mapping[str, str]) -> ErrorReply | None:
    """Brave's 422 for a query or count it does not take."""
    query, count = params.get("q", ""), params.get("count", "20")
    if not query.strip() or len(query) > 400 or len(query.split()) > 50:
        return brave_error(422, "VALIDATION", "Unable to validate request parameter(s)", {"errors": [{"loc": ["q"]}]})
    if not count.isdigit() or not 1 <= int(count) <= 20:
        return brave_error(
            422, "VALIDATION", "Unable to validate request parameter(s)", {"errors": [{"loc": ["count"]}]}
        )
    return None


# --- DuckDuckGo markup ----------------------------------------------------------------------------------------


def redirect_link(url: str) -> str:
    """DuckDuckGo's outbound link: `//duckduckgo.com/l/?uddg=<percent-encoded URL>&rut=<hash>`."""
    return f"//duckduckgo.com/l/?uddg={quote(url, safe='')}&rut={next(_ids):064x}"


def _result_block(title: str, href: str, display_url: str, snippet: str, extra_class: str = "web-result") -> str:
    link = html.escape(href)
    return f"""<div class="result results_links results_links_deep {extra_class} ">
  <div class="links_main links_deep result__body">
    <h2 class="result__title">
      <a rel="nofollow" class="result__a" href="{link}">{title}</a>
    </h2>
    <div class="result__extras"><div class="result__extras__url">
      <a class="result__url" href="{link}">{html.escape(display_url)}</a>
    </div></div>
    <a class="result__snippet" href="{link}">{snippet}</a>
    <div class="clear"></div>
  </div>
</div>"""


_AD = _result_block(
    "Sponsored: <b>Best</b> deals",
    "https://duckduckgo.com/y.js?ad_domain=ads.example&ad_provider=bingv7aa&ad_type=txad&u3=https%3A%2F%2Fads.example",
    "ads.example",
    "An advertisement, not a result.",
    "result--ad",
)
_NO_RESULTS = """<div class="result results_links results_links_deep result--no-result">
  <div class="links_main links_deep result__body"><h2 class="result__title"></h2>
  <div class="no-results">No results.</div><div class="result__extras"></div></div>
</div>"""


def duckduckgo_page(params: Mapping[str, str], hits: Sequence[Hit], padding: int = 0) -> str:
    query = params.get("q", "")
    blocks = [
        _result_block(
            highlight(hit.title, query, "b"),
            redirect_link(hit.url),
            (urlsplit(hit.url).hostname or "") + urlsplit(hit.url).path,
            highlight(hit.description, query, "b"),
        )
        for hit in hits
    ]
    results = "\n".join([_AD, *blocks]) if blocks else _NO_RESULTS
    pad = f"<!-- {'x' * padding} -->" if padding else ""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8">
<title>{html.escape(query)} at DuckDuckGo</title></head>
<body class="body--html">{pad}
<div id="links" class="results">
{results}
</div>
<div class="nav-link"><form action="/html/" method="post"><input type="submit" class="btn btn--alt" value="Next">
<input type="hidden" name="q" value="{html.escape(query)}"><input type="hidden" name="s" value="10">
<input type="hidden" name="kl" value="{html.escape(params.get("kl", "wt-wt"))}"></form></div>
</body></html>"""


# --- server ---------------------------------------------------------------------------------------------------


class _SearchHandler(FakeHandler):
    server_version = "nginx"
    raw_body: bytes = b""

    def _read_body(self) -> bytes:
        self.raw_body = super()._read_body()
        return self.raw_body

    def route(self, path: str, body: Any, bad_json: bool, headers: Mapping[str, str]) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeSearch)
        engine: Engine | None = "brave" if path == BRAVE_PATH else "duckduckgo" if path in DUCKDUCKGO_PATHS else None
        if engine is None:
            self.send(404, b"<html><body>Not Found</body></html>", "text/html; charset=utf-8")
            return
        params = self._params(headers)
        fake._record_search(SearchCall(engine, self.command, params, dict(headers)))
        scripted = fake._next_reply(engine)
        reply = self.resolve(scripted) if scripted is not None else AnswerNormally()
        if isinstance(reply, ErrorReply):
            self.send_error_reply(reply, "")
        elif isinstance(reply, Oversized):
            self._send_oversized(engine, params, reply.size)
        elif isinstance(reply, Trickle):
            self._send_trickle(reply.interval)
        elif reply is not None:  # None: hung up or dropped
            self._answer(engine, params, headers)

    def _params(self, headers: Mapping[str, str]) -> dict[str, str]:
        params = query_of(self.path)
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            form = parse_qs(self.raw_body.decode(), keep_blank_values=True)
            params.update({key: values[-1] for key, values in form.items()})
        return params

    def _answer(self, engine: Engine, params: dict[str, str], headers: Mapping[str, str]) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeSearch)
        if engine == "duckduckgo":
            page = duckduckgo_page(params, fake.hits).encode()
            self.send(200, page, "text/html; charset=UTF-8")
            return
        refusal = fake._key_refusal(headers.get("x-subscription-token")) or brave_invalid(params)
        if refusal is not None:
            self.send_error_reply(refusal, "")
            return
        limits = _rate_limit_headers((1, RATE_LIMIT[1] - len(fake.searches)), (1, 1419704))
        self.send_json(200, brave_answer(params, fake.hits), limits)

    def _send_oversized(self, engine: Engine, params: dict[str, str], size: int) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeSearch)
        if engine == "duckduckgo":
            body, content_type = duckduckgo_page(params, fake.hits, padding=size).encode(), "text/html; charset=UTF-8"
        else:
            padded = [Hit("Padding", "https://example.com/padding", "x" * size)]
            body, content_type = dumps(brave_answer(params | {"q": "padding"}, padded)), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 1 << 16):
            chunk = body[start : start + (1 << 16)]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def _send_trickle(self, interval: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        while not self.server.fake._stop_event.wait(interval):
            self.wfile.write(b"1\r\n \r\n")
            self.wfile.flush()

    def send_error_reply(self, reply: ErrorReply, model: str) -> None:
        """A dict body as JSON (Brave), a str body as text/html (DuckDuckGo, a proxy's error page)."""
        if isinstance(reply.body, str):
            self.send(reply.status, reply.body.encode(), "text/html; charset=UTF-8", reply.headers)
        else:
            self.send_json(reply.status, reply.body, reply.headers)


class FakeSearch(FakeServer):
    """Brave Search API and DuckDuckGo's HTML page in one server. Use as `with FakeSearch(keys=[...]) as fake:`."""

    handler_class: ClassVar[type[FakeHandler]] = _SearchHandler
    thread_name: ClassVar[str] = "fake-search"
    DEFAULT_REPLY: ClassVar[Any] = None  # nothing scripted: answer normally

    def __init__(self, keys: Iterable[str] = (DEFAULT_KEY,), bad_key_status: int = 422) -> None:
        super().__init__(api_keys=keys)
        self.bad_key_status = bad_key_status
        self.hits: list[Hit] = []
        self._searches: list[SearchCall] = []
        self._search_lock = threading.Lock()

    @classmethod
    def coerce(cls, reply: Any) -> Any:
        if isinstance(reply, (ErrorReply, HangReply, DelayReply, DropReply, AnswerNormally, Oversized, Trickle)):
            return reply
        raise TypeError(f"not a scripted reply: {reply!r}")

    @property
    def brave_url(self) -> str:
        return self.root_url + BRAVE_PATH

    @property
    def fallback_url(self) -> str:
        return self.root_url + "/html/"

    def set_hits(self, *hits: Hit) -> None:
        """What both back ends find, for any query."""
        self.hits = list(hits)

    @property
    def searches(self) -> list[SearchCall]:
        with self._search_lock:
            return list(self._searches)

    def searches_of(self, engine: Engine) -> list[SearchCall]:
        return [call for call in self.searches if call.engine == engine]

    def reset(self) -> None:
        super().reset()
        self.hits = []
        with self._search_lock:
            self._searches.clear()

    def _record_search(self, call: SearchCall) -> None:
        with self._search_lock:
            self._searches.append(call)

    def _key_refusal(self, key: str | None) -> ErrorReply | None:
        if not key:
            return brave_error(401, "SUBSCRIPTION_TOKEN_INVALID", "The provided subscription token is invalid.")
        if self.api_keys is not None and key not in self.api_keys:
            return brave_error(
                self.bad_key_status, "SUBSCRIPTION_TOKEN_INVALID", "The provided subscription token is invalid."
            )
        return None
