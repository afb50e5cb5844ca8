"""The network guard: which URLs a tool may fetch, and a fetch that keeps to that answer.

Everything a model hands a tool is hostile (a page it read may have told it where to go next), so a URL is
fetched only after its host has been turned into IP addresses and every one of them is public or allow-listed.
The connection then goes to a checked address itself: the HTTP client never resolves the name again, so a
DNS answer that changes between check and connect (rebinding) or a spelling that some parser reads differently
(`0x7f.1`, `2130706433`, `[::ffff:127.0.0.1]`) cannot lead anywhere else. For https the real host name still
goes into SNI and the certificate check (httpcore's `sni_hostname` request extension) and into `Host`.

    target = await check_url(url, allowlist)     # Target: scheme, host, port, path, checked addresses
    result = await fetch(url, allowlist=..., max_bytes=..., timeout_seconds=...)
                                                 # FetchResult(url, status, content_type, body, truncated)

`fetch` follows redirects itself (at most `max_redirects`, each target checked like the first), keeps no
cookies, takes no proxy from the environment, drops the caller's `headers` once a redirect leaves the first
origin, and reads at most `max_bytes` of body (after gzip/deflate, so a small bomb stays small); the rest is
never downloaded. Any HTTP status is an answer, not an error: the caller decides what a 404 means.

Refusals are `ToolRefused` (code in brackets):

    not http or https                                         [unsupported_scheme]
    user name or password in the URL                          [blocked]
    no readable URL or host                                   [invalid_url]
    loopback, private (RFC 1918), shared (CGNAT 100.64/10), link-local, unique-local (fc00::/7),
    multicast, unspecified, reserved, documentation and benchmark ranges, IPv6 forms embedding
    such an IPv4 (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16, Teredo), localhost names
                                                              [blocked]
    cloud metadata (169.254.169.254, fd00:ec2::254, 100.100.100.200, metadata.google.internal, …)
                                                              [blocked]
    the name does not resolve                                 [not_found]
    more than `max_redirects` redirects                       [too_many_redirects]
    no complete answer in time (DNS, connect, body)           [timeout]
    no connection / bad certificate / broken answer           [unreachable] / [tls_error] / [http_error]
    a 2xx whose content type the caller's `accept` refuses    [unsupported_type] (body not downloaded)

The allow-list (the `fetch_allowlist` setting) holds exact host names ("nas.lan") and IP networks
("192.168.1.0/24", "127.0.0.1"). A listed name may resolve to private addresses; a listed network lets its
addresses through. Two things stay closed whatever is listed, on purpose: a metadata address passes only
through an entry that is exactly that address ("169.254.169.254"), so "0.0.0.0/0" or "169.254.0.0/16" never
open it (those hand out cloud credentials); unspecified and multicast addresses never pass (no web page lives
there, and 0.0.0.0 reaches this very machine). A metadata host name must itself be listed by name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urljoin, urlsplit

import idna

from openorchestrator.tools.base import ToolRefused

if TYPE_CHECKING:
    import httpx2

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, float], Awaitable[list[IPAddress]]]
"""(host, timeout) → the host's addresses; raises socket.gaierror when the name does not exist."""

USER_AGENT = "Mozilla/5.0 (compatible; openOrchestrator; self-hosted personal bot)"
MAX_REDIRECTS = 5
CONNECT_TIMEOUT_SECONDS = 5.0
"""Per DNS lookup and per TCP/TLS connect; the caller's `timeout_seconds` bounds the whole fetch."""
MAX_URL_LENGTH = 4096
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text)
    for text in ("169.254.169.254", "169.254.170.2", "169.254.169.123", "100.100.100.200", "fd00:ec2::254")
)
"""AWS/GCP/Azure/OpenStack, AWS ECS task credentials, AWS time sync, Alibaba Cloud, AWS over IPv6."""
METADATA_HOSTS = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"}
)
LOCALHOST_ADDRESSES: tuple[IPAddress, ...] = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
"""What `localhost` and `*.localhost` mean (RFC 6761), without asking DNS."""

_BLOCKED_NETWORKS: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(net), reason)
    for net, reason in (
        ("0.0.0.0/8", "unspecified"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared (CGNAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "reserved"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("64:ff9b:1::/48", "private"),
        ("100::/64", "reserved"),
        ("2001::/23", "reserved"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "reserved"),
        ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)
"""Written out rather than taken from `ipaddress.is_global` alone, whose tables change between Python patches."""
_NEVER_ALLOWED = frozenset({"unspecified", "multicast"})
_EMBEDDING_V4 = tuple(
    ipaddress.IPv6Network(net) for net in ("::ffff:0:0/96", "::/96", "::ffff:0:0:0/96", "64:ff9b::/96")
)
"""IPv4-mapped, IPv4-compatible, IPv4-translated and NAT64: the low 32 bits are where the packet goes."""
_HOST = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class Allowlist:
    """The checked `fetch_allowlist`: exact host names and IP networks."""

    names: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        """ValueError for an entry that is neither a host name nor an IP network (a settings mistake)."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            text = entry.strip().lower()
            try:
                networks.append(ipaddress.ip_network(text.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            try:
                names.add(normalise_host(text))
            except ToolRefused:
                raise ValueError(f"not a host name or IP network: {entry!r}") from None
        return cls(frozenset(names), tuple(networks))

    def covers(self, ip: IPAddress) -> bool:
        return any(ip in network for network in self.networks)

    def lists_exactly(self, ip: IPAddress) -> bool:
        return any(network.num_addresses == 1 and ip in network for network in self.networks)


@dataclass(frozen=True)
class Target:
    """A checked URL: where the request goes (`addresses`) and what it says (`host`, `path`)."""

    scheme: Literal["http", "https"]
    host: str
    """ASCII, lower case, no trailing dot; an IP literal in its canonical form (IPv6 without brackets)."""
    port: int
    path: str
    """Path and query as sent in the request line; the fragment is dropped."""
    addresses: tuple[IPAddress, ...]

    @property
    def host_is_ip(self) -> bool:
        return _ip_literal(self.host) is not None

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.path}"

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)

    def url_at(self, ip: IPAddress) -> str:
        """The URL with the checked address in place of the name: the client connects there and nowhere else."""
        host = f"[{ip}]" if ip.version == 6 else str(ip)
        return f"{self.scheme}://{host}:{self.port}{self.path}"


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


# -- hosts and addresses ----------------------------------------------------------------------------------


def normalise_host(raw: str) -> str:
    """The host as it goes on the wire: percent-decoded, IDNA (UTS 46, so `１２７.０.０.１` is 127.0.0.1),
    lower case, one trailing dot removed; IPv4 in any inet_aton spelling becomes dotted quad.
    ToolRefused [invalid_url] for anything else: a host we cannot read is not one we may visit."""
    try:
        host = unquote(raw, errors="strict") if "%" in raw else raw
    except UnicodeDecodeError:
        raise _invalid(f"the host name {raw!r} is not valid") from None
    if ":" in host:
        return str(_ipv6_literal(host))
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            raise _invalid(f"the host name {raw!r} is not valid") from None
    host = host.lower().removesuffix(".")
    if len(host) > 253 or not _HOST.fullmatch(host):
        raise _invalid(f"the host name {raw!r} is not valid")
    if _ends_in_number(host):
        ipv4 = parse_ipv4(host)
        if ipv4 is None:
            raise _invalid(f"{raw!r} is not a valid IP address")
        return str(ipv4)
    return host


def _ipv6_literal(text: str) -> ipaddress.IPv6Address:
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        raise _invalid(f"{text!r} is not a valid IPv6 address") from None


def _ends_in_number(host: str) -> bool:
    """WHATWG's rule: a host whose last label is a number is an IPv4 address or nothing."""
    last = host.rsplit(".", 1)[-1]
    return last.isdigit() or (last.startswith("0x") and all(ch in "0123456789abcdef" for ch in last[2:]))


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """IPv4 the way inet_aton (and so getaddrinfo) reads it: 1 to 4 parts, each decimal, 0x-hex or 0-octal,
    the last part filling the remaining bytes (127.1, 0x7f000001, 0177.0.0.1, 2130706433)."""
    parts = host.split(".")
    numbers = [_ipv4_part(part) for part in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        return None
    *head, last = [n for n in numbers if n is not None]
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last + sum(n << (8 * (3 - i)) for i, n in enumerate(head))
    return ipaddress.IPv4Address(value)


def _ipv4_part(part: str) -> int | None:
    if part.startswith("0x"):
        digits, base, allowed = part[2:], 16, "0123456789abcdef"
    elif len(part) > 1 and part.startswith("0"):
        digits, base, allowed = part[1:], 8, "01234567"
    else:
        digits, base, allowed = part, 10, "0123456789"
    if not digits or not all(ch in allowed for ch in digits):
        return None  # "" and a bare "0x" too: inet_aton refuses them
    return int(digits, base)


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why a packet to `ip` would not reach the public internet ("loopback", "private", …); None if it would.
    An IPv6 address that carries an IPv4 one is judged by the IPv4 first, since that is where it ends up."""
    embedded = embedded_ipv4(ip)
    if embedded is not None and (reason := blocked_reason(embedded)):
        return reason
    plain = ipaddress.ip_address(str(ip).split("%", 1)[0])
    if plain in METADATA_ADDRESSES:
        return "cloud metadata"
    for network, reason in _BLOCKED_NETWORKS:
        if plain.version == network.version and plain in network:
            return reason
    return None if plain.is_global else "non-public"


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if ip.version == 4 or int(ip) <= 1:  # :: and ::1 are themselves, not IPv4-compatible forms
        return None
    v6 = ipaddress.IPv6Address(int(ip))
    if v6.sixtofour is not None:
        return v6.sixtofour
    if v6.teredo is not None:
        return v6.teredo[1]
    if any(v6 in network for network in _EMBEDDING_V4):
        return ipaddress.IPv4Address(int(v6) & 0xFFFFFFFF)
    return None


def _verdict(ip: IPAddress, allow: Allowlist, name_listed: bool) -> str | None:
    """The reason `ip` stays closed for this allow-list, or None."""
    reason = blocked_reason(ip)
    if reason is None:
        return None
    embedded = embedded_ipv4(ip)
    candidates = [ip] if embedded is None else [ip, embedded]
    if reason == "cloud metadata":
        return None if any(allow.lists_exactly(c) for c in candidates) else reason
    if reason in _NEVER_ALLOWED:
        return reason
    return None if name_listed or any(allow.covers(c) for c in candidates) else reason


# -- check_url --------------------------------------------------------------------------------------------


async def resolve(host: str, timeout_seconds: float) -> list[IPAddress]:
    """getaddrinfo in a thread: it blocks, and a slow DNS server must not stall every other run."""
    infos = await asyncio.wait_for(
        asyncio.to_thread(socket.getaddrinfo, host, None, type=socket.SOCK_STREAM), timeout_seconds
    )
    found: list[IPAddress] = []
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            ip = ipaddress.ip_address(str(sockaddr[0]))
            if ip not in found:
                found.append(ip)
    return found


async def check_url(
    url: str,
    allowlist: Allowlist | Iterable[str] = (),
    *,
    resolver: Resolver | None = None,
    timeout_seconds: float = CONNECT_TIMEOUT_SECONDS,
) -> Target:
    """The checked Target of `url`, or ToolRefused. `resolver` replaces DNS (default: `resolve`)."""
    allow = allowlist if isinstance(allowlist, Allowlist) else Allowlist.parse(allowlist)
    scheme, host, port, path = split_url(url)
    name_listed = host in allow.names
    addresses = await _addresses(host, name_listed, resolver or resolve, timeout_seconds)
    for ip in addresses:
        if reason := _verdict(ip, allow, name_listed):
            raise _blocked(host, ip, reason)
    return Target(scheme, host, port, path, addresses)


def split_url(url: str) -> tuple[Literal["http", "https"], str, int, str]:
    """(scheme, normalised host, port, path?query) of an http(s) URL; ToolRefused for anything else."""
    text = url.strip()
    if not text or len(text) > MAX_URL_LENGTH or _CONTROL.search(text):
        raise _invalid("the URL is empty, too long, or contains spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise _invalid("the URL cannot be read (check the host and the port)") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _unsupported_scheme(scheme)
    if "@" in parts.netloc:
        raise ToolRefused("blocked: URLs with a user name or password are not fetched.", code="blocked")
    if "\\" in parts.netloc or not parts.hostname:
        raise _invalid("the URL has no readable host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if scheme == "https" else 80
    return ("https" if scheme == "https" else "http", normalise_host(parts.hostname), port or default_port, path)


async def _addresses(host: str, name_listed: bool, resolver: Resolver, seconds: float) -> tuple[IPAddress, ...]:
    literal = _ip_literal(host)
    if literal is not None:
        return (literal,)
    if host == "localhost" or host.endswith(".localhost"):
        return LOCALHOST_ADDRESSES
    if host in METADATA_HOSTS and not name_listed:
        raise ToolRefused(f"blocked: {host} is a cloud metadata host.", code="blocked")
    try:
        found = await resolver(host, seconds)
    except TimeoutError:
        raise ToolRefused(f"The DNS lookup of {host} took longer than {seconds:g} s.", code="timeout") from None
    except (OSError, UnicodeError):  # socket.gaierror is an OSError
        found = []
    if not found:
        raise ToolRefused(f"The host name {host} does not exist (DNS lookup failed).", code="not_found")
    return tuple(found)


def _blocked(host: str, ip: IPAddress, reason: str) -> ToolRefused:
    where = str(ip) if host == str(ip) else f"{host} (resolves to {ip})"
    if reason == "cloud metadata":
        return ToolRefused(f"blocked: {where} is a cloud metadata address.", code="blocked")
    article = "an" if reason[0] in "aeiou" else "a"
    return ToolRefused(
        f"blocked: {where} is {article} {reason} address; only public web addresses can be fetched "
        "(a host on the local network needs an entry in the fetch_allowlist setting).",
        code="blocked",
    )


def _invalid(why: str) -> ToolRefused:
    return ToolRefused(f"Not a usable web address: {why}. Give a full http:// or https:// URL.", code="invalid_url")


def _unsupported_scheme(scheme: str) -> ToolRefused:
    if not scheme:
        return _invalid("it has no scheme")
    return ToolRefused(
        f"The scheme {scheme}: is not supported; only http:// and https:// URLs can be fetched.",
        code="unsupported_scheme",
    )


# -- fetch ------------------------------------------------------------------------------------------------


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
            timeout=timeouts, follow_redirects=False, trust_env=False, verify=plan.verify or True
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
