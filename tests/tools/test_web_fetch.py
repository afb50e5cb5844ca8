"""The `web_fetch` tool as a model meets it: through the registry, against a real local web site, with the
site's address in the bot's fetch_allowlist."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.local_site import (
    GERMAN,
    HUGE_BYTES,
    NOISE,
    ConnectLog,
    FakeDNS,
    LocalSite,
    Page,
    html_page,
    lines,
)

import openorchestrator.tools.types.web_fetch  # noqa: F401  (registers the tool)
from openorchestrator.tools import netguard, readable, registry
from openorchestrator.tools.base import ToolContext, ToolRefused
from openorchestrator.tools.netguard import checking

Fetch = Callable[..., Awaitable[str]]


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    """No test asks a real DNS server."""
    fake = FakeDNS({"site.test": ["127.0.0.1"], "intranet.test": ["10.0.0.5"]})
    monkeypatch.setattr(checking, "resolve", fake)
    return fake


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as local:
        yield local


@pytest.fixture
def web_fetch(site: LocalSite, tmp_path: Path) -> Fetch:
    """Calls the registered function: `await web_fetch("/article", max_chars=100)` (a path is on the site)."""
    function = registry.get("web_fetch").functions()[0]

    async def call(url: str, allowlist: tuple[str, ...] = ("127.0.0.1",), **options: Any) -> str:
        ctx = ToolContext(bot_id="bot_1", bot_dir=tmp_path, fetch_allowlist=allowlist, options=options)
        return await function.call(ctx, {"url": site.url(url) if url.startswith("/") else url})

    return call


async def refusal(web_fetch: Fetch, url: str, **kwargs: Any) -> ToolRefused:
    with pytest.raises(ToolRefused) as caught:
        await web_fetch(url, **kwargs)
    assert caught.value.message.strip()
    return caught.value


def test_the_model_sees_one_function_with_a_url() -> None:
    tool = registry.get("web_fetch")
    [function] = tool.functions()
    assert function.name == "web_fetch"
    assert function.parameters["required"] == ["url"]
    assert function.parameters["properties"]["url"]["type"] == "string"
    assert function.parameters["additionalProperties"] is False
    assert tool.settings() == {
        "max_download_bytes": 2_000_000,
        "max_chars": 20_000,
        "timeout_seconds": 15.0,
        "connect_timeout_seconds": 5.0,
        "max_redirects": 5,
        "user_agent": netguard.USER_AGENT,
    }


async def test_an_article_comes_back_as_readable_text(web_fetch: Fetch, site: LocalSite) -> None:
    text = await web_fetch("/article")
    assert list(lines(text)) == [
        "Title: Fresh offers & news",
        f"URL: {site.url('/article')}",
        "# Bike sale starts Monday",
        "The shop on Main Street sells city bikes for 299 EUR from Monday.",
        "## Opening hours",
        "- Monday to Friday: 9 to 18",
        "- Saturday: 10 to 14",
        f"Details on the offer page ({site.url('/offers/bikes')}).",
    ]
    assert not [noise for noise in NOISE if noise in text]


async def test_a_page_without_main_content_is_read_whole(web_fetch: Fetch) -> None:
    assert list(lines(await web_fetch("/no-main")))[-1] == "Just a paragraph."


async def test_a_page_without_content_type_is_sniffed(web_fetch: Fetch) -> None:
    text = await web_fetch("/no-type")
    assert "# Bike sale starts Monday" in text and "NAV-NOISE" not in text


async def test_a_gzipped_page_is_read(web_fetch: Fetch) -> None:
    assert "# Bike sale starts Monday" in await web_fetch("/gzip")


@pytest.mark.parametrize(("path", "expected"), [("/plain.txt", "line one\nline two"), ("/data.json", '"price": 299')])
async def test_text_and_json_come_back_as_they_are(web_fetch: Fetch, path: str, expected: str) -> None:
    assert expected in await web_fetch(path)


@pytest.mark.parametrize(
    "path", ["/latin1-no-charset", "/latin9-meta", "/latin9-header", "/utf8-says-latin1", "/unknown-charset"]
)
async def test_charsets_are_guessed_like_a_browser(web_fetch: Fetch, path: str) -> None:
    text = await web_fetch(path)
    assert GERMAN in text
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("/image.png", "image/png"), ("/download.bin", "application/octet-stream"), ("/paper.pdf", "application/pdf")],
)
async def test_binaries_are_refused(web_fetch: Fetch, path: str, media_type: str) -> None:
    error = await refusal(web_fetch, path)
    assert error.code == "unsupported_type"
    assert media_type in error.message


async def test_a_binary_without_content_type_is_refused(web_fetch: Fetch, site: LocalSite) -> None:
    site.add("/mystery", Page(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", content_type=None))
    assert (await refusal(web_fetch, "/mystery")).code == "unsupported_type"


async def test_a_huge_page_is_cut_at_the_byte_limit(web_fetch: Fetch, site: LocalSite) -> None:
    text = await web_fetch("/huge", max_download_bytes=50_000, max_chars=1_000_000)
    assert text.endswith("[The page is larger than 50,000 bytes; only that much was read.]")
    assert 40_000 < len(text) < 60_000
    assert site.huge_done.wait(10)
    assert site.huge_sent < HUGE_BYTES // 4


async def test_long_text_is_cut_at_the_char_limit(web_fetch: Fetch) -> None:
    text = await web_fetch("/huge", max_download_bytes=100_000, max_chars=500)
    body = text.split("\n\n", 1)[1]
    kept = body.split("\n\n[… cut here:")[0]
    assert len(kept) <= 500
    assert "more characters not shown.]" in body


async def test_a_slow_page_times_out(web_fetch: Fetch) -> None:
    error = await refusal(web_fetch, "/slow", timeout_seconds=0.3)
    assert error.code == "timeout"
    assert "0.3 s" in error.message


async def test_redirects_are_followed(web_fetch: Fetch, site: LocalSite) -> None:
    text = await web_fetch("/chain/3")
    assert f"URL: {site.url('/chain/0')}" in text
    assert "# Bike sale starts Monday" in text


async def test_a_sixth_redirect_is_refused(web_fetch: Fetch) -> None:
    assert (await refusal(web_fetch, "/chain/6")).code == "too_many_redirects"


@pytest.mark.parametrize(
    ("path", "code"), [("/missing", "not_found"), ("/gone", "not_found"), ("/broken", "http_error")]
)
async def test_error_pages_are_clear_refusals(web_fetch: Fetch, path: str, code: str) -> None:
    error = await refusal(web_fetch, path)
    assert error.code == code
    assert "Not Found" in error.message or "Gone" in error.message or "500 Internal Server Error" in error.message


async def test_the_local_site_is_blocked_without_the_allowlist(web_fetch: Fetch, site: LocalSite) -> None:
    error = await refusal(web_fetch, "/article", allowlist=())
    assert error.code == "blocked"
    assert "fetch_allowlist" in error.message
    assert site.paths() == []


async def test_an_allowlisted_name_reaches_the_lan(web_fetch: Fetch, site: LocalSite) -> None:
    text = await web_fetch(site.url("/article", host="site.test"), allowlist=("site.test",))
    assert "# Bike sale starts Monday" in text


async def test_a_redirect_to_metadata_is_blocked(web_fetch: Fetch, site: LocalSite) -> None:
    site.redirect("/jump", "http://169.254.169.254/latest/meta-data/iam/security-credentials/")
    with ConnectLog() as connects:
        error = await refusal(web_fetch, "/jump", allowlist=("0.0.0.0/0",))
    assert error.code == "blocked"
    assert "metadata" in error.message
    assert connects.outside_loopback == []


async def test_a_name_resolving_inwards_is_blocked(web_fetch: Fetch) -> None:
    error = await refusal(web_fetch, "http://intranet.test/")
    assert (error.code, error.message.split(";")[0]) == (
        "blocked",
        "blocked: intranet.test (resolves to 10.0.0.5) is a private address",
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({}, "invalid_url"),
        ({"url": 5}, "invalid_url"),
        ({"url": "  "}, "invalid_url"),
        ({"url": "x" * 3000}, "invalid_url"),
    ]
    + [({"url": "file:///etc/passwd"}, "unsupported_scheme"), ({"url": "example.com"}, "invalid_url")],
)
async def test_bad_arguments_are_refused(args: dict[str, Any], code: str, tmp_path: Path) -> None:
    function = registry.get("web_fetch").functions()[0]
    with pytest.raises(ToolRefused) as caught:
        await function.call(ToolContext(bot_id="bot_1", bot_dir=tmp_path), args)
    assert caught.value.code == code


@pytest.mark.parametrize("options", [{"max_chars": 0}, {"timeout_seconds": "soon"}, {"max_download_bytes": True}])
async def test_a_wrong_option_is_the_apps_bug(web_fetch: Fetch, options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="web_fetch option"):
        await web_fetch("/article", **options)


async def test_a_page_without_text_says_so(web_fetch: Fetch, site: LocalSite) -> None:
    site.add("/app", html_page('<html><title>App</title><body><div id="root"></div><script>x()</script></body></html>'))
    assert "(The page has no readable text; it may need JavaScript.)" in await web_fetch("/app")


def test_readable_keeps_headings_lists_tables_and_preformatted_text() -> None:
    page = readable.readable(
        "<h3>Prices</h3><table><tr><th>Item</th><th>EUR</th></tr><tr><td>Bike</td><td>299</td></tr></table>"
        "<ul><li><p>first</p></li></ul><pre>  a\n    b</pre>"
    )
    assert page.text.splitlines() == ["### Prices", "Item | EUR", "Bike | 299", "- first", "  a", "    b"]
