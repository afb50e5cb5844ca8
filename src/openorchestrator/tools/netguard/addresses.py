"""The address rules of the network guard: host names as they go on the wire, and which IP addresses are closed.

    normalise_host("０x7f.1") == "127.0.0.1"     # percent-decoded, IDNA, lower case, any inet_aton IPv4 spelling
    blocked_reason(ip)                          # "loopback", "private", "cloud metadata", … or None (public)
    verdict(ip, allowlist, name_listed)         # the reason `ip` stays closed for this allow-list, or None

Also here: `Allowlist` (the checked `fetch_allowlist` setting) and the `invalid_url` refusal that a host we
cannot read ends in. Turning a URL into checked addresses is `checking`'s job.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

import idna

from openorchestrator.tools.base import ToolRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

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


def normalise_host(raw: str) -> str:
    """The host as it goes on the wire: percent-decoded, IDNA (UTS 46, so `１２７.０.０.１` is 127.0.0.1),
    lower case, one trailing dot removed; IPv4 in any inet_aton spelling becomes dotted quad.
    ToolRefused [invalid_url] for anything else: a host we cannot read is not one we may visit."""
    try:
        host = unquote(raw, errors="strict") if "%" in raw else raw
    except UnicodeDecodeError:
        raise invalid_url(f"the host name {raw!r} is not valid") from None
    if ":" in host:
        return str(_ipv6_literal(host))
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            raise invalid_url(f"the host name {raw!r} is not valid") from None
    host = host.lower().removesuffix(".")
    if len(host) > 253 or not _HOST.fullmatch(host):
        raise invalid_url(f"the host name {raw!r} is not valid")
    if _ends_in_number(host):
        ipv4 = parse_ipv4(host)
        if ipv4 is None:
            raise invalid_url(f"{raw!r} is not a valid IP address")
        return str(ipv4)
    return host


def _ipv6_literal(text: str) -> ipaddress.IPv6Address:
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        raise invalid_url(f"{text!r} is not a valid IPv6 address") from None


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


def ip_literal(host: str) -> IPAddress | None:
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


def verdict(ip: IPAddress, allow: Allowlist, name_listed: bool) -> str | None:
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


def invalid_url(why: str) -> ToolRefused:
    return ToolRefused(f"Not a usable web address: {why}. Give a full http:// or https:// URL.", code="invalid_url")
