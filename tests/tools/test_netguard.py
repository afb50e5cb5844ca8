"""The network guard: every spelling of an internal address is refused before any socket opens; what is allowed
is fetched from the checked address, within its limits, against a real local web site."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.local_site import ARTICLE_HTML, HUGE_BYTES, ConnectLog, FakeDNS, LocalSite, tls_contexts

from openorchestrator.tools import netguard
from openorchestrator.tools.base import ToolRefused
from openorchestrator.tools.netguard import (
    Allowlist,
    blocked_reason,
    check_url,
    checking,
    fetch,
    normalise_host,
    parse_ipv4,
)

RECORDS = {
    "public.test": ["93.184.215.14"],
    "public6.test": ["2606:4700::1111", "93.184.215.14"],
    "rebind.test": ["127.0.0.1"],
    "intranet.test": ["10.0.0.5"],
    "mixed.test": ["93.184.215.14", "10.0.0.5"],
    "metadata-alias.test": ["169.254.169.254"],
    "v6private.test": ["fd12:3456::1"],
    "mapped.test": ["::ffff:10.0.0.1"],
    "nas.lan": ["192.168.1.20"],
    "site.test": ["127.0.0.1"],
    "metadata.google.internal": ["169.254.169.254"],
}
REAL_RESOLVE = checking.resolve
LOCAL = ["127.0.0.1/32"]
"""The local site's exact address: loopback is open for it, and for nothing else."""


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    """No test asks a real DNS server: `checking.resolve` answers from RECORDS, other names do not exist."""
    fake = FakeDNS(RECORDS)
    monkeypatch.setattr(checking, "resolve", fake)
    return fake


@pytest.fixture
def connects() -> Iterator[ConnectLog]:
    with ConnectLog() as log:
        yield log


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as local:
        yield local


async def refused(url: str, **kwargs: Any) -> ToolRefused:
    options: dict[str, Any] = {"max_bytes": 100_000, "timeout_seconds": 5.0, **kwargs}
    with pytest.raises(ToolRefused) as caught:
        await fetch(url, **options)
    return caught.value


# -- the SSRF suite ---------------------------------------------------------------------------------------

BLOCKED = [
    # loopback, however it is written
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/admin",
    "http://127.1/",
    "http://127.0.1/",
    "http://0x7f.0.0.1/",
    "http://0x7f000001/",
    "http://0X7F.1/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://127.0.0.1./",
    "http://127.255.255.254/",
    "http://%31%32%37.0.0.1/",
    "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/",  # fullwidth digits, IDNA maps them to 127.0.0.1
    "http://localhost/",
    "http://LOCALHOST:80/",
    "http://localhost./",
    "http://admin.localhost/",
    "http://\u24dbocalhost/",  # circled l
    "https://127.0.0.1/",
    # IPv6 forms of loopback
    "http://[::1]/",
    "https://[::1]:8443/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[0:0:0:0:0:ffff:7f00:1]/",
    "http://[::127.0.0.1]/",
    "http://[::ffff:0:127.0.0.1]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[2002:7f00:1::]/",
    # unspecified
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    # private, shared, link-local, unique-local
    "http://10.0.0.1/",
    "http://0xa000001/",
    "http://10.255.255.255/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.0.1/",
    "http://192.168.1.1:8443/",
    "http://100.64.0.1/",
    "http://100.127.255.254/",
    "http://169.254.0.1/",
    "http://[fd00::1]/",
    "http://[fc00::1]/",
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:192.168.0.1]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    # cloud metadata
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.169.254./",
    "http://2852039166/",
    "http://0xa9fea9fe/",
    "http://0251.0376.0251.0376/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fd00:ec2::254]/",
    "http://100.100.100.200/",
    "http://169.254.170.2/v2/credentials",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://METADATA.google.internal./",
    # multicast, reserved, broadcast, documentation
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.1/",
    # user info and other parser tricks
    "http://evil.com@127.0.0.1/",
    "http://user:pass@example.com/",
    "http://evil.com\\@127.0.0.1/",
    "http://127.0.0.1#@evil.com/",
    "http://127.0.0.1?@evil.com/",
    # names that resolve inwards (DNS rebinding and friends)
    "http://rebind.test/",
    "http://intranet.test/",
    "http://mixed.test/",
    "http://metadata-alias.test/",
    "http://v6private.test/",
    "http://mapped.test/",
]


@pytest.mark.parametrize("url", BLOCKED)
async def test_internal_addresses_are_blocked_before_any_connection(url: str, connects: ConnectLog) -> None:
    error = await refused(url)
    assert error.code == "blocked", error.message
    assert error.message.startswith("blocked: ")
    assert connects.addresses == []


def test_the_suite_is_large_enough() -> None:
    assert len(BLOCKED) >= 40


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "gopher://127.0.0.1:70/_GET",
        "ftp://example.com/file",
        "data:text/html,<h1>hi</h1>",
        "javascript:alert(1)",
        "dict://127.0.0.1:11211/stat",
        "ldap://127.0.0.1/",
        "ws://example.com/",
    ],
)
async def test_other_schemes_are_refused(url: str, connects: ConnectLog) -> None:
    error = await refused(url)
    assert error.code == "unsupported_scheme", error.message
    assert connects.addresses == []


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/article",
        "http://localhost:{port}/article",
        "http://10.0.0.1/",
        "//10.0.0.1/",
        "http://intranet.test/",
        "http://[::ffff:169.254.169.254]/",
        "http://0xa9fea9fe/",
        "http://evil.com@127.0.0.1:{port}/article",
    ],
)
async def test_a_redirect_inwards_is_blocked(location: str, site: LocalSite, connects: ConnectLog) -> None:
    site.redirect("/jump", location.format(port=site.port))
    error = await refused(site.url("/jump"), allowlist=LOCAL)
    assert error.code == "blocked", error.message
    assert site.paths() == ["/jump"]
    assert connects.outside_loopback == []


async def test_a_redirect_to_another_scheme_is_refused(site: LocalSite) -> None:
    site.redirect("/jump", "file:///etc/passwd")
    assert (await refused(site.url("/jump"), allowlist=LOCAL)).code == "unsupported_scheme"


@pytest.mark.parametrize("path", ["/chain/6", "/loop"])
async def test_more_than_five_redirects_are_refused(path: str, site: LocalSite) -> None:
    error = await refused(site.url(path), allowlist=LOCAL)
    assert error.code == "too_many_redirects"
    assert len(site.paths()) == 6


async def test_five_redirects_are_followed(site: LocalSite) -> None:
    result = await fetch(site.url("/chain/5"), allowlist=LOCAL, max_bytes=100_000, timeout_seconds=5)
    assert (result.status, result.url) == (200, site.url("/chain/0"))
    assert site.paths() == [f"/chain/{n}" for n in range(5, -1, -1)]


# -- reading URLs and addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("0x", None),
        ("0", "0.0.0.0"),
        ("1.2.3.256", None),
        ("1.2.3.4.5", None),
        ("08.0.0.1", None),
        ("0x1g.0.0.1", None),
        ("4294967296", None),
    ],
)
def test_ipv4_is_read_the_way_inet_aton_reads_it(host: str, expected: str | None) -> None:
    parsed = parse_ipv4(host)
    assert (str(parsed) if parsed else None) == expected
    if expected is not None:
        assert socket.inet_aton(host) == ipaddress.IPv4Address(expected).packed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Example.COM", "example.com"),
        ("example.com.", "example.com"),
        ("b\u00fccher.de", "xn--bcher-kva.de"),
        ("%65xample.com", "example.com"),
        ("::FFFF:127.0.0.1", "::ffff:7f00:1"),
        ("\uff11\uff12\uff17.\uff10.\uff10.\uff11", "127.0.0.1"),
        ("under_score.example", "under_score.example"),
    ],
)
def test_hosts_are_normalised_to_what_goes_on_the_wire(raw: str, expected: str) -> None:
    assert normalise_host(raw) == expected


@pytest.mark.parametrize(
    "url",
    [
        "example.com/page",
        "http:///path",
        "http://:80/",
        "http://[::1/",
        "http://exa mple.com/",
        "http://a..b/",
        "http://1.2.3.999/",
        "http://example.com:99999/",
        "http://example.com:port/",
        "http://%ff%fe/",
        "http://\x00evil/",
        "",
        "http://" + "a" * 5000 + ".com/",
    ],
)
async def test_unreadable_urls_are_refused(url: str, connects: ConnectLog) -> None:
    error = await refused(url)
    assert error.code == "invalid_url", error.message
    assert connects.addresses == []


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
        ("64:ff9b::8.8.8.8", None),
        ("2002:808:808::", None),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("169.254.169.254", "cloud metadata"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("fe80::1", "link-local"),
        ("fc00::1", "unique-local"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("64:ff9b:1::1", "private"),
    ],
)
def test_blocked_reason(address: str, reason: str | None) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason


async def test_a_public_name_passes_with_all_its_addresses(dns: FakeDNS) -> None:
    target = await check_url("HTTPS://Public6.Test./a/b?c=d#frag")
    assert (target.scheme, target.host, target.port, target.path) == ("https", "public6.test", 443, "/a/b?c=d")
    assert [str(ip) for ip in target.addresses] == ["2606:4700::1111", "93.184.215.14"]
    assert target.url == "https://public6.test/a/b?c=d"
    assert dns.lookups == ["public6.test"]


@pytest.mark.parametrize(
    "url", ["http://93.184.215.14:8080/", "http://[2606:4700::1111]/", "http://[64:ff9b::8.8.8.8]/"]
)
async def test_public_addresses_pass_on_any_port(url: str, dns: FakeDNS) -> None:
    target = await check_url(url)
    assert len(target.addresses) == 1
    assert dns.lookups == []  # an address is not looked up


async def test_a_name_that_does_not_exist_is_not_found() -> None:
    assert (await refused("http://nowhere.test/")).code == "not_found"


async def test_a_slow_dns_answer_is_a_timeout() -> None:
    async def stuck(host: str, timeout_seconds: float) -> list[netguard.IPAddress]:
        await asyncio.wait_for(asyncio.Event().wait(), timeout_seconds)
        raise AssertionError("unreachable")

    with pytest.raises(ToolRefused) as caught:
        await check_url("http://public.test/", resolver=stuck, timeout_seconds=0.05)
    assert caught.value.code == "timeout"


async def test_resolve_asks_getaddrinfo_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:4700::1111", 0, 0, 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 0)),
    ]
    threads: list[threading.Thread] = []

    def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        threads.append(threading.current_thread())
        return answers

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    addresses = await REAL_RESOLVE("example.com", 1.0)
    assert [str(ip) for ip in addresses] == ["2606:4700::1111", "93.184.215.14"]
    assert threads and threads[0] is not threading.main_thread()


async def test_resolve_gives_up_after_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    answered = threading.Event()

    def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        answered.wait(5)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    try:
        with pytest.raises(TimeoutError):
            await REAL_RESOLVE("example.com", 0.05)
    finally:
        answered.set()


# -- the allow-list ---------------------------------------------------------------------------------------


async def allowed(url: str, allowlist: list[str]) -> bool:
    try:
        await check_url(url, allowlist)
    except ToolRefused as error:
        assert error.code == "blocked", error.message
        return False
    return True


@pytest.mark.parametrize(
    ("url", "allowlist", "expected"),
    [
        ("http://nas.lan/", ["nas.lan"], True),
        ("http://NAS.lan./", ["nas.lan."], True),
        ("http://nas.lan/", ["other.lan"], False),
        ("http://192.168.1.20/", ["192.168.1.0/24"], True),
        ("http://192.168.2.1/", ["192.168.1.0/24"], False),
        ("http://nas.lan/", ["192.168.1.0/24"], True),
        ("http://127.0.0.1:8123/", ["127.0.0.1"], True),
        ("http://[::ffff:127.0.0.1]/", ["127.0.0.1/32"], True),
        ("http://[::1]/", ["127.0.0.1/32"], False),
        ("http://localhost/", ["127.0.0.1/32"], False),  # localhost is also ::1
        ("http://localhost/", ["localhost"], True),
        ("http://10.9.8.7/", ["0.0.0.0/0"], True),
        # metadata stays closed unless its exact address is listed
        ("http://169.254.169.254/", ["0.0.0.0/0"], False),
        ("http://169.254.169.254/", ["169.254.0.0/16"], False),
        ("http://169.254.1.1/", ["169.254.0.0/16"], True),
        ("http://169.254.169.254/", ["169.254.169.254"], True),
        ("http://[::ffff:169.254.169.254]/", ["0.0.0.0/0", "::/0"], False),
        ("http://[fd00:ec2::254]/", ["::/0", "fd00::/8"], False),
        ("http://[fd00:ec2::254]/", ["fd00:ec2::254/128"], True),
        ("http://100.100.100.200/", ["100.64.0.0/10"], False),
        ("http://metadata-alias.test/", ["metadata-alias.test"], False),
        ("http://metadata.google.internal/", ["169.254.169.254"], False),
        ("http://metadata.google.internal/", ["metadata.google.internal"], False),
        ("http://metadata.google.internal/", ["metadata.google.internal", "169.254.169.254"], True),
        # no web page lives at an unspecified or multicast address
        ("http://0.0.0.0/", ["0.0.0.0/0"], False),
        ("http://224.0.0.1/", ["0.0.0.0/0"], False),
        ("http://[::]/", ["::/0"], False),
    ],
)
async def test_the_allowlist(url: str, allowlist: list[str], expected: bool) -> None:
    assert await allowed(url, allowlist) is expected


@pytest.mark.parametrize("entry", ["not a host", "http://nas.lan/", "10.0.0.0/33", ""])
def test_a_wrong_allowlist_entry_is_a_settings_error(entry: str) -> None:
    with pytest.raises(ValueError, match="not a host name or IP network"):
        Allowlist.parse([entry])


# -- fetching ---------------------------------------------------------------------------------------------


async def get(site: LocalSite, path: str, **kwargs: Any) -> netguard.FetchResult:
    options: dict[str, Any] = {"allowlist": LOCAL, "max_bytes": 100_000, "timeout_seconds": 5.0, **kwargs}
    return await fetch(site.url(path), **options)


async def test_fetch_sends_a_plain_request(site: LocalSite) -> None:
    result = await get(site, "/echo")
    seen = json.loads(result.body)
    assert "openOrchestrator" in seen["user-agent"]
    assert seen["host"] == f"127.0.0.1:{site.port}"
    assert "cookie" not in seen and "authorization" not in seen


async def test_no_cookie_is_kept_across_a_redirect(site: LocalSite) -> None:
    result = await get(site, "/cookie")
    assert result.url == site.url("/echo")
    assert "cookie" not in json.loads(result.body)


async def test_the_connection_goes_to_the_checked_address(
    site: LocalSite, dns: FakeDNS, connects: ConnectLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved once, by the guard; nothing else asks DNS again (rebinding has no second chance)."""
    asked: list[str] = []

    def no_dns(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "no DNS in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    result = await fetch(
        site.url("/echo", host="site.test"), allowlist=["site.test"], max_bytes=10_000, timeout_seconds=5
    )
    assert json.loads(result.body)["host"] == f"site.test:{site.port}"
    assert result.url == site.url("/echo", host="site.test")
    assert (dns.lookups, asked, connects.addresses) == (["site.test"], [], ["127.0.0.1"])


async def test_caller_headers_stay_with_the_first_origin(site: LocalSite) -> None:
    site.redirect("/same", "/echo")
    site.redirect("/away", site.url("/echo", host="site.test"))
    headers = {"Authorization": "Bearer KEY"}
    allow = [*LOCAL, "site.test"]
    same = json.loads((await get(site, "/same", headers=headers, allowlist=allow)).body)
    away = json.loads((await get(site, "/away", headers=headers, allowlist=allow)).body)
    assert same["authorization"] == "Bearer KEY"
    assert "authorization" not in away
    assert away["host"] == f"site.test:{site.port}"


async def test_gzip_is_decoded(site: LocalSite) -> None:
    result = await get(site, "/gzip")
    assert (result.body, result.truncated) == (ARTICLE_HTML.encode(), False)


async def test_a_gzip_bomb_stops_at_the_byte_limit(site: LocalSite) -> None:
    result = await get(site, "/gzip-bomb", max_bytes=50_000)
    assert (len(result.body), result.truncated) == (50_000, True)


async def test_a_huge_page_is_not_downloaded_beyond_the_limit(site: LocalSite) -> None:
    result = await get(site, "/huge", max_bytes=200_000)
    assert (len(result.body), result.truncated) == (200_000, True)
    assert site.huge_done.wait(10)
    assert site.huge_sent < HUGE_BYTES // 4  # the client hung up; what is left are socket buffers


async def test_a_slow_page_times_out(site: LocalSite) -> None:
    error = await refused(site.url("/slow"), allowlist=LOCAL, timeout_seconds=0.3)
    assert error.code == "timeout"


async def test_an_unwanted_content_type_is_refused(site: LocalSite) -> None:
    error = await refused(site.url("/image.png"), allowlist=LOCAL, accept=lambda media: media.startswith("text/"))
    assert error.code == "unsupported_type"
    assert "image/png" in error.message


async def test_an_error_status_is_an_answer(site: LocalSite) -> None:
    result = await get(site, "/missing", accept=lambda media: False)
    assert result.status == 404
    assert b"Not found" in result.body


async def test_a_closed_port_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = await refused(f"http://127.0.0.1:{port}/", allowlist=LOCAL)
    assert error.code == "unreachable"


# -- HTTPS: the checked address, the real name in SNI and in the certificate check ---------------------------


@pytest.fixture
def tls_site(tmp_path: Path) -> Iterator[tuple[LocalSite, Any]]:
    server, client = tls_contexts("site.test", tmp_path)
    with LocalSite(tls=server) as local:
        yield local, client


async def test_https_keeps_the_host_name_for_sni_and_the_certificate(tls_site: tuple[LocalSite, Any]) -> None:
    site, client = tls_site
    result = await fetch(
        site.url("/echo", host="site.test"), allowlist=["site.test"], max_bytes=10_000, timeout_seconds=5, verify=client
    )
    assert json.loads(result.body)["host"] == f"site.test:{site.port}"
    assert site.sni_names == ["site.test"]


@pytest.mark.parametrize("host", ["rebind.test", "127.0.0.1"])
async def test_https_refuses_a_certificate_for_another_name(host: str, tls_site: tuple[LocalSite, Any]) -> None:
    site, client = tls_site
    error = await refused(site.url("/echo", host=host), allowlist=[host, *LOCAL], verify=client)
    assert error.code == "tls_error"
