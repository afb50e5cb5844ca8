"""Runtime settings through the HTTP API (api-v1 "Config"): defaults, PATCH of a subset, persistence across a
restart on the same data dir. Refused values are in tests/test_validation.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import httpx2

from openorchestrator.app import create_app
from openorchestrator.config import Config
from openorchestrator.runtime import open_runtime

DEFAULTS = {
    "max_parallel_runs": 3,
    "language": "de",
    "theme": "system",
    "quiet_hours": None,
    "jitter_seconds": 30,
    "missed_runs_default": "skip",
    "budget_monthly_usd": None,
    "budget_warn_percent": 80,
    "fetch_allowlist": [],
}


@asynccontextmanager
async def restarted(config: Config) -> AsyncIterator[httpx2.AsyncClient]:
    """A second app with its own Runtime on the same data dir, as after a restart."""
    services = await open_runtime(config)
    app = create_app(config, runtime=services)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as http:
                yield http
    finally:
        await services.close()


async def test_defaults(client: httpx2.AsyncClient) -> None:
    response = await client.get("/api/settings")

    assert response.status_code == 200
    settings = response.json()
    assert set(DEFAULTS) | {"timezone"} <= set(settings)
    assert {key: settings[key] for key in DEFAULTS} == DEFAULTS
    assert settings["timezone"] == "UTC" or settings["timezone"] in available_timezones()
    ZoneInfo(settings["timezone"])


async def test_patch_changes_a_subset_and_it_survives_a_restart(client: httpx2.AsyncClient, config: Config) -> None:
    before = (await client.get("/api/settings")).json()
    patch: dict[str, Any] = {
        "max_parallel_runs": 5,
        "language": "en",
        "timezone": "Europe/Berlin",
        "quiet_hours": {"start": "23:00", "end": "07:00"},
        "fetch_allowlist": ["192.168.1.0/24", "nas.local", "10.0.0.5", "fd00::/8"],
        "budget_monthly_usd": 12.5,
    }

    response = await client.patch("/api/settings", json=patch)

    assert response.status_code == 200, response.text
    expected = {**before, **patch}
    assert response.json() == expected
    assert (await client.get("/api/settings")).json() == expected
    assert (await client.get("/api/status")).json()["max_parallel_runs"] == 5
    async with restarted(config) as again:
        assert (await again.get("/api/settings")).json() == expected
        assert (await again.get("/api/status")).json()["max_parallel_runs"] == 5


async def test_later_patches_keep_earlier_ones(client: httpx2.AsyncClient, config: Config) -> None:
    assert (await client.patch("/api/settings", json={"theme": "dark"})).status_code == 200
    response = await client.patch("/api/settings", json={"jitter_seconds": 0, "missed_runs_default": "catch_up"})

    assert response.status_code == 200, response.text
    settings = response.json()
    assert (settings["theme"], settings["jitter_seconds"], settings["missed_runs_default"]) == ("dark", 0, "catch_up")
    async with restarted(config) as again:
        assert (await again.get("/api/settings")).json() == settings


async def test_nullable_settings_can_be_set_back_to_null(client: httpx2.AsyncClient, config: Config) -> None:
    set_ = await client.patch(
        "/api/settings", json={"quiet_hours": {"start": "22:30", "end": "06:15"}, "budget_monthly_usd": 3}
    )
    assert set_.status_code == 200, set_.text
    assert set_.json()["quiet_hours"] == {"start": "22:30", "end": "06:15"}

    cleared = await client.patch("/api/settings", json={"quiet_hours": None, "budget_monthly_usd": None})

    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["quiet_hours"], cleared.json()["budget_monthly_usd"]) == (None, None)
    async with restarted(config) as again:
        restored = (await again.get("/api/settings")).json()
    assert (restored["quiet_hours"], restored["budget_monthly_usd"]) == (None, None)


async def test_an_empty_patch_changes_nothing(client: httpx2.AsyncClient) -> None:
    before = (await client.get("/api/settings")).json()
    response = await client.patch("/api/settings", json={})
    assert response.status_code == 200
    assert response.json() == before
