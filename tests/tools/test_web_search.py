"""The `web_search` tool through the registry, against a local stand-in for Brave Search and DuckDuckGo's HTML page:
what the model reads, what goes over the wire, and what each failure tells the model."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.fake_search import (
    ErrorReply,
    FakeSearch,
    Hit,
    brave_answer,
    brave_error,
    brave_rate_limited,
    duckduckgo_bot_check,
    hang,
    oversized,
    trickle,
)

import openorchestrator.tools.types.web_search  # noqa: F401  (registers the tool)
from openorchestrator.core.i18n import Language
from openorchestrator.tools import registry
from openorchestrator.tools.base import ToolContext, ToolRefused

KEY = "BSA-test-placeholder-0123456789-SECRET"
HITS = (
    Hit("Fahrrad kaufen – Kleinanzeigen", "https://www.kleinanzeigen.de/s-fahrrad/k0", "Gebrauchte Fahrrad Angebote"),
    Hit("Tom & Jerry's Bikes", "https://bikes.example.org/shop?id=7&lang=de", "Tom & Jerry's café sells <used> bikes"),
    Hit("Third", "https://third.example.net/", "Third description"),
)


@pytest.fixture
def fake() -> Iterator[FakeSearch]:
    with FakeSearch(keys=[KEY]) as server:
        server.set_hits(*HITS)
        yield server


def context(fake: FakeSearch, key: str | None = KEY, language: Language = "de", **options: Any) -> ToolContext:
    return ToolContext(
        bot_id="bot_1",
        bot_dir=Path("/nonexistent/bots/bot_1"),
        language=language,
        secrets={"brave": key} if key is not None else {},
        options={"brave_url": fake.brave_url, "fallback_url": fake.fallback_url} | options,
    )


async def web_search(ctx: ToolContext, query: Any = "fahrrad", **extra: Any) -> str:
    (function,) = registry.get("web_search").functions()
    return await function.call(ctx, {"query": query, **extra})


async def refusal(ctx: ToolContext, query: Any = "fahrrad", **extra: Any) -> ToolRefused:
    with pytest.raises(ToolRefused) as caught:
        await web_search(ctx, query, **extra)
    return caught.value


def chain(exc: BaseException | None) -> Iterator[BaseException]:
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def test_the_model_sees_one_function_taking_a_query() -> None:
    (function,) = registry.get("web_search").functions()
    assert function.name == "web_search"
    assert list(function.parameters["properties"]) == ["query"]
    assert function.parameters["properties"]["query"]["type"] == "string"
    assert function.parameters["required"] == ["query"]
    assert "URL" in function.description


# --- Brave Search -----------------------------------------------------------------------------------------------


async def test_brave_results_come_as_a_numbered_list_with_urls(fake: FakeSearch) -> None:
    text = await web_search(context(fake), "fahrrad")

    assert text == (
        "1. Fahrrad kaufen – Kleinanzeigen\n"
        "   https://www.kleinanzeigen.de/s-fahrrad/k0\n"
        "   Gebrauchte Fahrrad Angebote\n"
        "2. Tom & Jerry's Bikes\n"
        "   https://bikes.example.org/shop?id=7&lang=de\n"
        "   Tom & Jerry's café sells <used> bikes\n"
        "3. Third\n"
        "   https://third.example.net/\n"
        "   Third description"
    )
    (call,) = fake.searches
    assert (call.engine, call.method) == ("brave", "GET")
    assert call.headers["x-subscription-token"] == KEY
    assert call.headers["accept"] == "application/json"
    assert call.headers["user-agent"].startswith("openOrchestrator")
    assert call.params == {"q": "fahrrad", "count": "5", "search_lang": "de", "country": "DE", "safesearch": "moderate"}


async def test_brave_highlights_and_entities_do_not_reach_the_model(fake: FakeSearch) -> None:
    fake.set_hits(Hit("Bikes", "https://bikes.example.org/", "Tom & Jerry's bikes: used bikes & more"))

    text = await web_search(context(fake), "used bikes")

    sent = brave_answer(fake.searches[0].params, fake.hits)["web"]["results"][0]["description"]
    assert (
        sent == "Tom &amp; Jerry&#x27;s <strong>bikes</strong>: <strong>used</strong> <strong>bikes</strong> &amp; more"
    )
    assert text.splitlines()[2] == "   Tom & Jerry's bikes: used bikes & more"
    assert "<strong>" not in text and "&amp;" not in text and "&#x27;" not in text


async def test_count_and_language_options_reach_brave(fake: FakeSearch) -> None:
    fake.set_hits(*(Hit(f"Result {n}", f"https://example.com/{n}", f"Text {n}") for n in range(1, 11)))

    text = await web_search(context(fake, language="en", count=3, country="gb"), "bikes")

    assert fake.searches[0].params | {"q": ""} == {
        "q": "",
        "count": "3",
        "search_lang": "en",
        "country": "GB",
        "safesearch": "moderate",
    }
    assert [line for line in text.splitlines() if not line.startswith(" ")] == [
        "1. Result 1",
        "2. Result 2",
        "3. Result 3",
    ]


async def test_count_is_capped_at_twenty(fake: FakeSearch) -> None:
    await web_search(context(fake, count=50))

    assert fake.searches[0].params["count"] == "20"


async def test_long_snippets_are_cut_at_a_word(fake: FakeSearch) -> None:
    fake.set_hits(Hit("Long", "https://long.example.com/", "word " * 400))

    snippet = (await web_search(context(fake))).splitlines()[2].strip()

    assert len(snippet) <= 300
    assert snippet.endswith("word…")


async def test_results_without_a_citable_url_are_left_out(fake: FakeSearch) -> None:
    fake.set_hits(
        Hit("Script", "javascript:alert(1)", "no"),
        Hit("Relative", "/local/page", "no"),
        Hit("Good", "https://good.example.com/", "yes"),
    )

    text = await web_search(context(fake))

    assert text == "1. Good\n   https://good.example.com/\n   yes"


@pytest.mark.parametrize("status", [401, 403, 422])
async def test_a_refused_brave_key_is_reported_not_replaced(status: int) -> None:
    with FakeSearch(keys=["BSA-the-right-one"], bad_key_status=status) as fake:
        fake.set_hits(*HITS)

        refused = await refusal(context(fake, key=KEY))

        assert refused.code == "invalid_key"
        assert "Brave" in refused.message and "key" in refused.message
        assert [call.engine for call in fake.searches] == ["brave"]  # no quiet DuckDuckGo search instead


async def test_brave_validation_errors_are_search_errors(fake: FakeSearch) -> None:
    fake.script(brave_error(422, "VALIDATION", "Unable to validate request parameter(s)"))

    refused = await refusal(context(fake))

    assert refused.code == "search_error"
    assert "422" in refused.message


@pytest.mark.parametrize(
    ("reply", "wait"),
    [
        (brave_rate_limited(reset=(1, 1419704), remaining=(0, 1958)), "about 1 s"),  # the second's window
        (brave_rate_limited(reset=(1, 1419704), remaining=(1, 0)), "about 17 days"),  # the month's quota
        (brave_rate_limited(reset=(1, 1419704), remaining=(0, 1958), retry_after=30), "about 30 s"),
    ],
)
async def test_brave_rate_limit_says_how_long_to_wait(fake: FakeSearch, reply: ErrorReply, wait: str) -> None:
    fake.script(reply)

    refused = await refusal(context(fake))

    assert refused.code == "rate_limited"
    assert wait in refused.message


async def test_the_brave_key_never_shows(fake: FakeSearch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake.set_hits(Hit(f"Echo {KEY}", f"https://echo.example.com/?k={KEY}", f"the key: {KEY}"))
    text = await web_search(context(fake))
    fake.script(brave_rate_limited(), brave_error(401, "SUBSCRIPTION_TOKEN_INVALID", "invalid"), hang(5))
    refusals = [
        await refusal(context(fake)),
        await refusal(context(fake)),
        await refusal(context(fake, timeout_seconds=0.2)),
    ]

    assert fake.searches[0].headers["x-subscription-token"] == KEY  # it was sent, in the header only
    assert KEY not in str(fake.searches[0].params)
    assert KEY not in text and "[redacted]" in text
    for refused in refusals:
        assert refused.__cause__ is None
        for exc in chain(refused):  # suppressed contexts too: a traceback in a log could show them
            assert KEY not in str(exc) and KEY not in repr(exc)
    assert KEY not in caplog.text


# --- DuckDuckGo (no key) ----------------------------------------------------------------------------------------


async def test_without_a_key_duckduckgo_is_searched_and_its_links_decoded(fake: FakeSearch) -> None:
    text = await web_search(context(fake, key=None), "fahrrad")

    assert text == (
        "1. Fahrrad kaufen – Kleinanzeigen\n"
        "   https://www.kleinanzeigen.de/s-fahrrad/k0\n"
        "   Gebrauchte Fahrrad Angebote\n"
        "2. Tom & Jerry's Bikes\n"
        "   https://bikes.example.org/shop?id=7&lang=de\n"
        "   Tom & Jerry's café sells <used> bikes\n"
        "3. Third\n"
        "   https://third.example.net/\n"
        "   Third description"
    )  # the ad before the results is left out
    (call,) = fake.searches
    assert (call.engine, call.method) == ("duckduckgo", "POST")
    assert call.params == {"q": "fahrrad", "kl": "de-de"}
    assert call.headers["user-agent"].startswith("Mozilla/5.0")
    assert "x-subscription-token" not in call.headers


@pytest.mark.parametrize("key", [None, "", "   "])
async def test_no_key_means_duckduckgo(fake: FakeSearch, key: str | None) -> None:
    await web_search(context(fake, key=key))

    assert [call.engine for call in fake.searches] == ["duckduckgo"]


async def test_duckduckgo_results_are_cut_to_count_with_the_region_of_the_language(fake: FakeSearch) -> None:
    fake.set_hits(*(Hit(f"Result {n}", f"https://example.com/{n}?a=1&b=2", f"Text {n}") for n in range(1, 9)))

    text = await web_search(context(fake, key=None, language="en", count=3), "bikes")

    assert fake.searches[0].params["kl"] == "us-en"
    assert text.splitlines()[::3] == ["1. Result 1", "2. Result 2", "3. Result 3"]
    assert "   https://example.com/3?a=1&b=2" in text.splitlines()


async def test_duckduckgo_bot_check_is_a_rate_limit(fake: FakeSearch) -> None:
    fake.script(duckduckgo_bot_check())

    refused = await refusal(context(fake, key=None))

    assert refused.code == "rate_limited"
    assert "Brave" in refused.message  # the way out: a key


async def test_duckduckgo_server_errors_are_search_errors(fake: FakeSearch) -> None:
    fake.script(ErrorReply(500, "<html><body>Internal Server Error</body></html>"))

    refused = await refusal(context(fake, key=None))

    assert (refused.code, "500" in refused.message) == ("search_error", True)


# --- both -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [KEY, None], ids=["brave", "duckduckgo"])
async def test_no_results_is_an_answer_not_an_error(fake: FakeSearch, key: str | None) -> None:
    fake.set_hits()

    assert await web_search(context(fake, key=key), "  xyzzy   plugh ") == 'No results for "xyzzy plugh".'


@pytest.mark.parametrize(
    "query",
    ["", "   \n\t", "x" * 401, " ".join(["word"] * 51), 42, None],
    ids=["empty", "blank", "too-long", "too-many-words", "number", "none"],
)
async def test_bad_queries_are_refused_before_any_request(fake: FakeSearch, query: Any) -> None:
    refused = await refusal(context(fake), query)

    assert refused.code == "invalid_query"
    assert fake.searches == []


async def test_a_query_of_400_characters_is_fine(fake: FakeSearch) -> None:
    await web_search(context(fake), "x" * 400)

    assert len(fake.searches[0].params["q"]) == 400


async def test_the_model_cannot_choose_the_endpoint(fake: FakeSearch) -> None:
    await web_search(context(fake), "fahrrad", brave_url="http://10.0.0.1/", fallback_url="http://10.0.0.1/")

    assert len(fake.searches) == 1


@pytest.mark.parametrize("key", [KEY, None], ids=["brave", "duckduckgo"])
async def test_a_silent_server_times_out(fake: FakeSearch, key: str | None) -> None:
    fake.script(hang(5))
    started = time.monotonic()

    refused = await refusal(context(fake, key=key, timeout_seconds=0.3))

    assert refused.code == "timeout"
    assert "0.3 s" in refused.message
    assert time.monotonic() - started < 2


async def test_a_trickling_answer_times_out_as_a_whole(fake: FakeSearch) -> None:
    fake.script(trickle(0.05))  # every read gets a byte in time; the whole answer never ends
    started = time.monotonic()

    refused = await refusal(context(fake, key=None, timeout_seconds=0.5))

    assert refused.code == "timeout"
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("key", [KEY, None], ids=["brave", "duckduckgo"])
async def test_an_oversized_answer_is_refused(fake: FakeSearch, key: str | None) -> None:
    fake.script(oversized(3_000_000))

    refused = await refusal(context(fake, key=key))

    assert refused.code == "too_large"
    assert "1000 kB" in refused.message


async def test_the_size_limit_is_an_option(fake: FakeSearch) -> None:
    refused = await refusal(context(fake, max_bytes=500))

    assert refused.code == "too_large"


async def test_an_unreachable_endpoint(fake: FakeSearch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    refused = await refusal(context(fake, brave_url=f"http://127.0.0.1:{closed_port}/res/v1/web/search"))

    assert refused.code == "unreachable"


def test_settings_name_the_limits_and_options() -> None:
    settings = registry.get("web_search").settings()

    assert settings["count"] == 5 and settings["max_count"] == 20
    assert settings["timeout_seconds"] == 10 and settings["max_bytes"] == 1_000_000
    assert set(settings["options"]) == {
        "count",
        "search_lang",
        "country",
        "brave_url",
        "fallback_url",
        "timeout_seconds",
        "max_bytes",
    }


async def test_proxy_settings_from_the_environment_are_ignored(
    fake: FakeSearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)

    assert (await web_search(context(fake))).startswith("1. ")
