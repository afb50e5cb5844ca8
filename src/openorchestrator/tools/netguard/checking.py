"""URL checking: an http(s) URL in, a `Target` out whose every address the allow-list lets through, or ToolRefused.

    target = await check_url(url, allowlist)     # Target: scheme, host, port, path, checked addresses

The host is resolved here (`resolve`, getaddrinfo in a thread; tests replace `checking.resolve`, the one place
DNS is asked) and the connection later goes to `Target.addresses` only, so a DNS answer that changes between
check and connect cannot lead anywhere else. Which addresses are closed is decided in `addresses`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from openorchestrator.tools.base import ToolRefused
from openorchestrator.tools.netguard.addresses import (
    LOCALHOST_ADDRESSES,
    METADATA_HOSTS,
    Allowlist,
    IPAddress,
    invalid_url,
    ip_literal,
    normalise_host,
    verdict,
)

Resolver = Callable[[str, float], Awaitable[list[IPAddress]]]
"""(host, timeout) → the host's addresses; raises socket.gaierror when the name does not exist."""

CONNECT_TIMEOUT_SECONDS = 5.0
"""Per DNS lookup and per TCP/TLS connect; the caller's `timeout_seconds` bounds the whole fetch."""
MAX_URL_LENGTH = 4096
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


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
        return ip_literal(self.host) is not None

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


async def resolve(host: str, timeout_seconds: float) -> list[IPAddress]:
    """getaddrinfo in a thread: it blocks, and a slow DNS server must not stall every other run."""
    async with asyncio.timeout(timeout_seconds):  # not wait_for, which can lose a cancel (core/aio.py)
        infos = await asyncio.to_thread(socket.getaddrinfo, host, None, type=socket.SOCK_STREAM)
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
        if reason := verdict(ip, allow, name_listed):
            raise _blocked(host, ip, reason)
    return Target(scheme, host, port, path, addresses)


def split_url(url: str) -> tuple[Literal["http", "https"], str, int, str]:
    """(scheme, normalised host, port, path?query) of an http(s) URL; ToolRefused for anything else."""
    text = url.strip()
    if not text or len(text) > MAX_URL_LENGTH or _CONTROL.search(text):
        raise invalid_url("the URL is empty, too long, or contains spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise invalid_url("the URL cannot be read (check the host and the port)") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _unsupported_scheme(scheme)
    if "@" in parts.netloc:
        raise ToolRefused("blocked: URLs with a user name or password are not fetched.", code="blocked")
    if "\\" in parts.netloc or not parts.hostname:
        raise invalid_url("the URL has no readable host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if scheme == "https" else 80
    return ("https" if scheme == "https" else "http", normalise_host(parts.hostname), port or default_port, path)


async def _addresses(host: str, name_listed: bool, resolver: Resolver, seconds: float) -> tuple[IPAddress, ...]:
    literal = ip_literal(host)
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


def _unsupported_scheme(scheme: str) -> ToolRefused:
    if not scheme:
        return invalid_url("it has no scheme")
    return ToolRefused(
        f"The scheme {scheme}: is not supported; only http:// and https:// URLs can be fetched.",
        code="unsupported_scheme",
    )
