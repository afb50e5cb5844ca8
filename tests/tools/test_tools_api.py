"""Tools through the API and a whole run: `GET /api/tools`, the checks on a bot's tools and the allow-list, and
a scout bot that searches (keyless fallback, then Brave with a key added like a provider key) and reads the page
it found, through the OpenAI SDK's real tool-call wire format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from tests.conftest import error_of, make_bot, wait_for_run
from tests.support.fake_openai import FakeOpenAI, text, tool_calls
from tests.support.fake_search import DEFAULT_KEY, FakeSearch, Hit
from tests.support.local_site import LocalSite

from openorchestrator.config import Config


@pytest.fixture
def search() -> Iterator[FakeSearch]:
    with FakeSearch() as fake:
        yield fake


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as local:
        yield local


@pytest.fixture
def config(tmp_path: Path, search: FakeSearch) -> Config:
    return Config(  # type: ignore[call-arg]
        data_dir=tmp_path / "data", retry_delay_seconds=0.05, search_fallback_url=search.fallback_url, _env_file=None
    )


async def test_the_tools_and_the_functions_their_model_sees(client: httpx2.AsyncClient) -> None:
    tools = {tool["name"]: tool for tool in (await client.get("/api/tools")).json()}
    assert set(tools) == {"web_search", "web_fetch", "files"}
    functions = {name: [f["name"] for f in tool["functions"]] for name, tool in tools.items()}
    assert functions == {
        "web_search": ["web_search"],
        "web_fetch": ["web_fetch"],
        "files": ["list_files", "read_file", "write_file", "append_file", "delete_file"],
    }
    assert tools["web_fetch"]["settings"]["max_redirects"] == 5
    assert all(tool["description"] for tool in tools.values())
    fetch = tools["web_fetch"]["functions"][0]["parameters"]
    assert fetch["properties"]["url"]["type"] == "string" and fetch["required"] == ["url"]


async def test_a_bots_tools_and_limits_are_checked(client: httpx2.AsyncClient, credential: dict[str, Any]) -> None:
    body = {"name": "X", "prompt": "p", "model": "openai:gpt-4.1-mini"}
    error = error_of(await client.post("/api/bots", json=body | {"tools": ["shell"]}), 422, "invalid_input")
    assert "tools" in error["message"] and "shell" in error["message"]
    error_of(await client.post("/api/bots", json=body | {"max_model_requests": 0}), 422, "invalid_input")
    bot = await make_bot(client, tools=["files", "files", "web_fetch"])
    assert bot["tools"] == ["files", "web_fetch"] and bot["max_model_requests"] == 10
    patched = await client.patch(f"/api/bots/{bot['id']}", json={"max_model_requests": 3, "tools": []})
    assert patched.status_code == 200 and patched.json()["max_model_requests"] == 3


async def test_the_allowlist_setting_is_checked(client: httpx2.AsyncClient) -> None:
    ok = await client.patch("/api/settings", json={"fetch_allowlist": ["192.168.1.0/24", "nas.lan", "127.0.0.1"]})
    assert ok.status_code == 200 and ok.json()["fetch_allowlist"] == ["192.168.1.0/24", "nas.lan", "127.0.0.1"]
    refused = await client.patch("/api/settings", json={"fetch_allowlist": ["http://x/ y"]})
    error = error_of(refused, 422, "invalid_input")
    assert "fetch_allowlist" in error["message"]


def _results(request: Any) -> list[str]:
    return [m["content"] for m in request.json["messages"] if m.get("role") == "tool"]


async def test_a_scout_searches_and_reads_what_it_found(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI, search: FakeSearch, site: LocalSite
) -> None:
    search.set_hits(Hit("Bike sale", site.url("/article"), "City bikes for 299 EUR"))
    blocked = await make_bot(client, tools=["web_search", "web_fetch"])
    script = (
        tool_calls([{"name": "web_search", "arguments": {"query": "bike sale"}, "id": "s1"}]),
        tool_calls([{"name": "web_fetch", "arguments": {"url": site.url("/article")}, "id": "f1"}]),
        text("Neu: City-Bikes für 299 EUR ab Montag."),
    )
    fake.script(*script)
    run = await wait_for_run(client, (await client.post(f"/api/bots/{blocked['id']}/runs", json={})).json()["id"])
    assert run["status"] == "completed", run
    found, fetched = _results(fake.chat_requests[1])[0], _results(fake.chat_requests[2])[1]
    assert "Bike sale" in found and site.url("/article") in found  # keyless: the fallback search answered
    assert [call.engine for call in search.searches] == ["duckduckgo"]
    assert fetched.startswith("refused (blocked)")  # a loopback page, not on the allow-list
    assert site.paths() == []

    await client.patch("/api/settings", json={"fetch_allowlist": ["127.0.0.1/32"]})
    added = await client.post(
        "/api/providers",
        json={"type": "brave", "api_key": DEFAULT_KEY, "base_url": search.root_url},
    )
    assert added.status_code == 201, added.text
    assert DEFAULT_KEY not in added.text and added.json()["api_key_hint"].startswith("…")
    fake.script(*script)
    run = await wait_for_run(client, (await client.post(f"/api/bots/{blocked['id']}/runs", json={})).json()["id"])
    assert run["status"] == "completed", run
    fetched = _results(fake.chat_requests[-1])[1]
    assert "Bike sale starts Monday" in fetched and "NAV-NOISE" not in fetched
    assert search.searches[-1].engine == "brave"
    assert search.searches[-1].headers["x-subscription-token"] == DEFAULT_KEY
    assert DEFAULT_KEY not in str(run["log"])
    functions = [entry["function"] for entry in run["log"] if entry.get("tool")]
    assert functions == ["web_search", "web_fetch"]


async def test_search_count_and_language_are_settings(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI, search: FakeSearch
) -> None:
    search.set_hits(*(Hit(f"Hit {n}", f"https://example.org/{n}", f"Text {n}") for n in range(6)))
    refused = await client.patch("/api/settings", json={"search_results": 50})
    error_of(refused, 422, "invalid_input")
    changed = await client.patch(
        "/api/settings", json={"search_results": 2, "search_language": "fr", "search_country": "FR"}
    )
    assert changed.status_code == 200, changed.text
    added = await client.post(
        "/api/providers", json={"type": "brave", "api_key": DEFAULT_KEY, "base_url": search.root_url}
    )
    assert added.status_code == 201, added.text
    bot = await make_bot(client, tools=["web_search"])
    fake.script(tool_calls([{"name": "web_search", "arguments": {"query": "vélo"}, "id": "s1"}]), text("ok"))
    await wait_for_run(client, (await client.post(f"/api/bots/{bot['id']}/runs", json={})).json()["id"])
    call = search.searches[-1]
    assert (call.params["count"], call.params["search_lang"], call.params["country"]) == ("2", "fr", "FR")
    found = _results(fake.chat_requests[-1])[0]
    assert "Hit 1" in found and "Hit 2" not in found


@pytest.mark.parametrize(
    "patch",
    [
        {"fetch_allowlist": ["10.0.0.300"]},
        {"fetch_allowlist": ["1.2.3.4.5"]},
        {"quiet_hours": {"start": "23:00", "end": "23:59\n"}},
        {"search_language": "de\n"},
        {"search_country": "DE\n"},
    ],
)
async def test_settings_the_tools_could_not_use_are_refused(client: httpx2.AsyncClient, patch: dict[str, Any]) -> None:
    error_of(await client.patch("/api/settings", json=patch), 422, "invalid_input")
