"""A third-party tool, installed as a package with an entry point, is found, listed and called like a built-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import pytest
from tests.conftest import make_bot, wait_for_run
from tests.support.fake_openai import FakeOpenAI, text, tool_calls

from openorchestrator.tools import registry

PLUGIN = """
from openorchestrator.tools import registry
from openorchestrator.tools.base import ToolFunction, ToolRefused


async def _weather(context, arguments):
    city = arguments.get("city")
    if not isinstance(city, str) or not city:
        raise ToolRefused("city must be a name", code="invalid_argument")
    return f"{city}: 21 °C, sunny"


class WeatherTool:
    name = "weather"
    description = "Current weather for a city."

    def functions(self):
        schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
        return [ToolFunction("weather", "The current weather in a city.", schema, _weather)]

    def settings(self):
        return {"units": "metric"}


registry.register(WeatherTool())
"""


def _fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load again on next use, into a copy: the built-ins stay registered, what a test adds goes away."""
    registry.load_builtins()
    monkeypatch.setattr(registry.TOOLS, "items", dict(registry.TOOLS.items))
    monkeypatch.setattr(registry.TOOLS, "loaded", False)


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package `oo_weather` with an entry point in `openorchestrator.tools`, on sys.path."""
    site = tmp_path / "site"
    (site / "oo_weather").mkdir(parents=True)
    (site / "oo_weather" / "__init__.py").write_text(PLUGIN)
    info = site / "oo_weather-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: oo-weather\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[openorchestrator.tools]\nweather = oo_weather\n")
    monkeypatch.syspath_prepend(str(site))
    _fresh_registry(monkeypatch)


async def test_a_plugin_tool_is_listed_and_used(
    plugin: None, client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI
) -> None:
    tools = {tool["name"]: tool for tool in (await client.get("/api/tools")).json()}
    assert tools["weather"]["settings"] == {"units": "metric"} and "files" in tools

    bot = await make_bot(client, tools=["weather"])
    fake.script(tool_calls([{"name": "weather", "arguments": {"city": "Köln"}, "id": "w1"}]), text("Sonnig."))
    run = await wait_for_run(client, (await client.post(f"/api/bots/{bot['id']}/runs", json={})).json()["id"])
    assert run["status"] == "completed"
    results = [m["content"] for m in fake.chat_requests[-1].json["messages"] if m.get("role") == "tool"]
    assert results == ["Köln: 21 °C, sunny"]
    assert [entry["tool"] for entry in run["log"] if entry.get("tool")] == ["weather"]


def test_a_broken_plugin_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site = tmp_path / "site"
    info = site / "oo_broken-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: oo-broken\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[openorchestrator.tools]\nbroken = oo_missing_module\n")
    monkeypatch.syspath_prepend(str(site))
    _fresh_registry(monkeypatch)
    assert {"web_search", "web_fetch", "files"} <= set(registry.names())
    assert "plugin 'broken' (oo_missing_module) could not be loaded" in caplog.text
