"""Fetching within the guard: a GET that connects only to checked addresses, follows redirects itself and reads
a bounded body.

    result = await fetch(url, allowlist=..., max_bytes=..., timeout_seconds=...)
                                                 # FetchResult(url, status, content_type, body, truncated)

Every hop (the first URL and each redirect target) goes through `checking.check_url`; the HTTP client never
resolves a name again. Each hop gets a fresh client, so no cookie or TLS connection carries over; the
caller's `headers` are dropped once a redirect leaves the first origin. The body is decoded (gzip/deflate) in
bounded steps and read up to `max_bytes`; the rest is never downloaded.
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from openorchestrator.core import tls
from openorchestrator.tools.base import ToolRefused
from openorchestrator.tools.netguard.addresses import Allowlist
from openorchestrator.tools.netguard.checking import CONNECT_TIMEOUT_SECONDS, Resolver, Target, check_url

if TYPE_CHECKING:
    import httpx2

USER_AGENT = "Mozilla/5.0 (compatible; openOrchestrator; self-hosted personal bot)"
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchResult:
    url: str
    """The final URL, after redirects."""
    status: int
    content_type: str
    """The raw Content-Type header ("" when there is none)."""
    body: bytes
    truncated: bool
    """The body went on beyond `max_bytes`; `body` holds the first `max_bytes` of it."""

    @property
    def media_type(self) -> str:
        return media_type(self.content_type)

    @property
    def charset(self) -> str | None:
        for param in self.content_type.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip().strip("\"'"):
                return value.strip().strip("\"'")
        return None


def media_type(content_type: str) -> str:
    """ "text/html; charset=utf-8" → "text/html"."""
    return content_type.split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class _Plan:
    allow: Allowlist
    max_bytes: int
    connect_timeout: float
    max_redirects: int
    headers: Mapping[str, str]
    accept: Callable[[str], bool] | None
    resolver: Resolver | None
    verify: ssl.SSLContext | None


async def fetch(
    url: str,
    *,
    allowlist: Allowlist | Iterable[str] = (),
    max_bytes: int,
    timeout_seconds: float,
    connect_timeout_seconds: float = CONNECT_TIMEOUT_SECONDS,
    max_redirects: int = MAX_REDIRECTS,
    headers: Mapping[str, str] | None = None,
    accept: Callable[[str], bool] | None = None,
    resolver: Resolver | None = None,
    verify: ssl.SSLContext | None = None,
) -> FetchResult:
    """GET `url` within the guard (see the module docstring). `timeout_seconds` bounds everything, DNS to last byte.

    `accept(media_type)` decides on a 2xx answer's content type before its body is read ("" when the
    server sent none); `verify` replaces the system's CA store (a LAN server with its own CA, tests)."""
    if max_bytes < 1 or timeout_seconds <= 0:
        raise ValueError("fetch needs max_bytes >= 1 and a positive timeout")
    plan = _Plan(
        allow=allowlist if isinstance(allowlist, Allowlist) else Allowlist.parse(allowlist),
        max_bytes=max_bytes,
        connect_timeout=min(connect_timeout_seconds, timeout_seconds),
        max_redirects=max_redirects,
        headers=dict(headers or {}),
        accept=accept,
        resolver=resolver,
        verify=verify,
    )
    try:
        async with asyncio.timeout(timeout_seconds):
            return await _follow(url, plan)
    except TimeoutError:
        raise ToolRefused(f"{url} did not answer completely within {timeout_seconds:g} s.", code="timeout") from None


async def _follow(url: str, plan: _Plan) -> FetchResult:
    first = target = await check_url(url, plan.allow, resolver=plan.resolver, timeout_seconds=plan.connect_timeout)
    redirects = 0
    while True:
        headers = plan.headers if target.origin == first.origin else {}
        async with _exchange(target, headers, plan) as response:
            location = response.headers.get("location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return await _result(target, response, plan)
        redirects += 1
        if redirects > plan.max_redirects:
            raise ToolRefused(
                f"{first.url} redirects more than {plan.max_redirects} times; stopped.", code="too_many_redirects"
            )
        next_url = urljoin(target.url, location.strip())
        target = await check_url(next_url, plan.allow, resolver=plan.resolver, timeout_seconds=plan.connect_timeout)


@asynccontextmanager
async def _exchange(target: Target, headers: Mapping[str, str], plan: _Plan) -> AsyncIterator[httpx2.Response]:
    """One request on a fresh client: no cookie and no TLS connection carries over to the next hop."""
    import httpx2

    timeouts = httpx2.Timeout(None, connect=plan.connect_timeout)  # `fetch` bounds the rest as a whole
    with _plain_words(target):
        async with httpx2.AsyncClient(
            timeout=timeouts, follow_redirects=False, trust_env=False, verify=plan.verify or tls.default_context()
        ) as client:
            response = await _send(client, target, headers)
            try:
                yield response
            finally:
                await response.aclose()


async def _send(client: httpx2.AsyncClient, target: Target, headers: Mapping[str, str]) -> httpx2.Response:
    """Try the checked addresses in order (IPv6 first may fail on a host without an IPv6 route)."""
    import httpx2

    sent_headers = httpx2.Headers({"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"})
    sent_headers.update(headers)  # case-insensitive: a caller's "user-agent" replaces ours
    sent_headers["Host"] = target.authority
    sni = {} if target.scheme == "http" or target.host_is_ip else {"sni_hostname": target.host}
    failure: httpx2.TransportError | None = None
    for ip in target.addresses:
        request = client.build_request("GET", target.url_at(ip), headers=sent_headers, extensions=sni)
        try:
            return await client.send(request, stream=True)
        except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
            failure = exc
    assert failure is not None  # a Target always has at least one address
    raise failure


@contextmanager
def _plain_words(target: Target) -> Iterator[None]:
    """httpx2's exceptions as ToolRefused; `from None`, since the chain would show the bare IP URL."""
    import httpx2

    try:
        yield
    except httpx2.TimeoutException:
        raise ToolRefused(f"{target.url} did not answer in time.", code="timeout") from None
    except httpx2.ConnectError as exc:
        if _is_certificate_error(exc):
            raise ToolRefused(
                f"The HTTPS certificate of {target.host} is invalid or not trusted.", code="tls_error"
            ) from None
        raise ToolRefused(f"Could not connect to {target.authority}.", code="unreachable") from None
    except (httpx2.HTTPError, httpx2.InvalidURL):
        raise ToolRefused(f"{target.url} sent a broken answer or broke off.", code="http_error") from None


def _is_certificate_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


async def _result(target: Target, response: httpx2.Response, plan: _Plan) -> FetchResult:
    content_type = response.headers.get("content-type", "")
    if plan.accept is not None and 200 <= response.status_code < 300 and not plan.accept(media_type(content_type)):
        raise ToolRefused(
            f"{target.url} is {media_type(content_type)}, which this tool cannot read.", code="unsupported_type"
        )
    body, truncated = await _read_body(response, _Inflater(response.headers.get("content-encoding", "")), plan)
    return FetchResult(target.url, response.status_code, content_type, body[: plan.max_bytes], truncated)


async def _read_body(response: httpx2.Response, inflater: _Inflater, plan: _Plan) -> tuple[bytes, bool]:
    """At most `max_bytes` (+1 to know there is more); the loop stops there, and closing the response then
    drops the connection instead of downloading the rest."""
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        data = inflater.feed(raw, plan.max_bytes + 1 - size)
        chunks.append(data)
        size += len(data)
        if size > plan.max_bytes:
            break
    return b"".join(chunks), size > plan.max_bytes


class _Inflater:
    """Content-Encoding, decoded in bounded steps: gzip's 1000:1 must not turn 64 KiB into 64 MiB at once."""

    def __init__(self, encoding: str) -> None:
        name = encoding.strip().lower()
        if name in ("", "identity"):
            self._zlib = None
        elif name in ("gzip", "x-gzip", "deflate"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)  # | 32: gzip or zlib header, whichever it is
        else:
            raise ToolRefused(f"The server sent an encoding this tool cannot read ({name}).", code="http_error")

    def feed(self, data: bytes, limit: int) -> bytes:
        if self._zlib is None:
            return data[:limit]
        try:
            return self._zlib.decompress(data, limit)
        except zlib.error:
            raise ToolRefused("The server sent a compressed answer that cannot be read.", code="http_error") from None
