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

This package is its public surface; the work is done in three modules:

    addresses   host names as they go on the wire, which IP addresses are closed, the allow-list
    checking    a URL into a checked `Target` (DNS through `checking.resolve`, which tests replace)
    fetching    `fetch`: connect to checked addresses only, follow redirects, read a bounded body

`resolve` is deliberately not re-exported: replacing `netguard.resolve` would change nothing, so a test that
tried would ask real DNS; patch `netguard.checking.resolve`.
"""

from openorchestrator.tools.netguard.addresses import (
    LOCALHOST_ADDRESSES,
    METADATA_ADDRESSES,
    METADATA_HOSTS,
    Allowlist,
    IPAddress,
    IPNetwork,
    blocked_reason,
    embedded_ipv4,
    normalise_host,
    parse_ipv4,
)
from openorchestrator.tools.netguard.checking import (
    CONNECT_TIMEOUT_SECONDS,
    MAX_URL_LENGTH,
    Resolver,
    Target,
    check_url,
    split_url,
)
from openorchestrator.tools.netguard.fetching import (
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    USER_AGENT,
    FetchResult,
    fetch,
    media_type,
)

__all__ = [
    "CONNECT_TIMEOUT_SECONDS",
    "LOCALHOST_ADDRESSES",
    "MAX_REDIRECTS",
    "MAX_URL_LENGTH",
    "METADATA_ADDRESSES",
    "METADATA_HOSTS",
    "REDIRECT_STATUSES",
    "USER_AGENT",
    "Allowlist",
    "FetchResult",
    "IPAddress",
    "IPNetwork",
    "Resolver",
    "Target",
    "blocked_reason",
    "check_url",
    "embedded_ipv4",
    "fetch",
    "media_type",
    "normalise_host",
    "parse_ipv4",
    "split_url",
]
