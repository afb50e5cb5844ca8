"""GET /api/usage (grouped by bot, provider, model, local day over [from, to)) and GET /api/usage/summary."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from sqlalchemy.orm import Session
from tests.conftest import error_of
from tests.usage.usage_support import add_bot, add_credential, add_run

DECEMBER = {"from": "2026-12-01", "to": "2027-01-01"}


@pytest.fixture
async def berlin(client: httpx2.AsyncClient) -> None:
    response = await client.patch("/api/settings", json={"timezone": "Europe/Berlin"})
    assert response.status_code == 200, response.text


@pytest.fixture
def runs(db: Session, berlin: None) -> dict[str, str]:
    """December 2026 in Berlin: Scout 3 runs (one failed before any model answered), Writer 2 (one unpriced)."""
    add_credential(db, "openai", "openai")
    add_credential(db, "local", "ollama")
    scout = add_bot(db, "Scout")
    writer = add_bot(db, "Writer", model="local:llama3.1:8b")
    add_run(db, scout, "2026-11-30 23:30", 0.01)  # 00:30 on 1 December in Berlin
    add_run(db, scout, "2026-12-02 10:00", 0.02, tokens_in=200, tokens_out=100)
    add_run(db, scout, "2026-12-02 11:00", None, status="failed", model=None, tokens_in=None, tokens_out=None)
    add_run(db, writer, "2026-12-03 10:00", 0.0, tokens_in=1000, tokens_out=500)
    add_run(db, writer, "2026-12-03 11:00", None, model="openai:gpt-4o", tokens_in=10, tokens_out=10)
    add_run(db, scout, "2026-11-30 22:30", 5.0)  # 23:30 on 30 November in Berlin: not December
    add_run(db, writer, "2026-12-31 23:00", 7.0)  # midnight, 1 January in Berlin: not December
    db.commit()
    return {"scout": scout.id, "writer": writer.id}


def row(key: str | None, label: str, runs: int, tin: int, tout: int, cost: float, unpriced: int, **extra: Any) -> Any:
    body = {"key": key, "label": label, "runs": runs, "tokens_in": tin, "tokens_out": tout}
    return body | {"cost_usd": cost, "runs_without_price": unpriced, "provider_type": None} | extra


async def usage(client: httpx2.AsyncClient, **params: str) -> Any:
    response = await client.get("/api/usage", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_by_bot_most_expensive_first(client: httpx2.AsyncClient, runs: dict[str, str]) -> None:
    assert await usage(client, group_by="bot", **DECEMBER) == [
        row(runs["scout"], "Scout", 3, 300, 150, 0.03, 0),
        row(runs["writer"], "Writer", 2, 1010, 510, 0.0, 1),
    ]


async def test_by_provider_is_by_credential_with_its_type(client: httpx2.AsyncClient, runs: dict[str, str]) -> None:
    assert await usage(client, group_by="provider", **DECEMBER) == [
        row("openai", "openai", 3, 310, 160, 0.03, 1, provider_type="openai"),
        row("local", "local", 1, 1000, 500, 0.0, 0, provider_type="ollama"),
        row(None, "—", 1, 0, 0, 0.0, 0),
    ]


async def test_by_model(client: httpx2.AsyncClient, runs: dict[str, str]) -> None:
    assert await usage(client, group_by="model", **DECEMBER) == [
        row("openai:gpt-4.1-mini", "openai:gpt-4.1-mini", 2, 300, 150, 0.03, 0),
        row("local:llama3.1:8b", "local:llama3.1:8b", 1, 1000, 500, 0.0, 0),
        row("openai:gpt-4o", "openai:gpt-4o", 1, 10, 10, 0.0, 1),
        row(None, "—", 1, 0, 0, 0.0, 0),
    ]


async def test_by_day_in_the_apps_time_zone(client: httpx2.AsyncClient, runs: dict[str, str]) -> None:
    assert await usage(client, group_by="day", **DECEMBER) == [
        row("2026-12-01", "2026-12-01", 1, 100, 50, 0.01, 0),
        row("2026-12-02", "2026-12-02", 2, 200, 100, 0.02, 0),
        row("2026-12-03", "2026-12-03", 2, 1010, 510, 0.0, 1),
    ]


async def test_the_default_is_by_bot_over_the_current_month(client: httpx2.AsyncClient, runs: dict[str, str]) -> None:
    assert await usage(client) == await usage(client, group_by="bot", **DECEMBER)  # the app's clock: mid-December


@pytest.mark.parametrize(
    ("bounds", "days"),
    [
        ({"from": "2026-12-01", "to": "2026-12-03"}, [("2026-12-01", 1), ("2026-12-02", 2)]),  # `to` is exclusive
        ({"from": "2026-12-02T10:00:00Z", "to": "2026-12-02T10:00:00.000001Z"}, [("2026-12-02", 1)]),
        # 11:00+01:00 is 10:00 UTC (both runs of 2 December); 12:00 Berlin is 11:00 UTC (one run of 3 December)
        ({"from": "2026-12-02T11:00:00+01:00", "to": "2026-12-03T12:00:00"}, [("2026-12-02", 2), ("2026-12-03", 1)]),
        ({"from": "2026-11-30", "to": "2026-12-01"}, [("2026-11-30", 1)]),
    ],
)
async def test_from_and_to_take_dates_and_times(
    client: httpx2.AsyncClient, runs: dict[str, str], bounds: dict[str, str], days: list[tuple[str, int]]
) -> None:
    """Dates and times without an offset are the app's local time; [from, to) includes from, excludes to."""
    result = await usage(client, group_by="day", **bounds)

    assert [(item["key"], item["runs"]) for item in result] == days


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "week"}, "group_by"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-12-01", "to": "2026-13-01"}, "to"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "to"),
        ({"from": "2026-12-01", "to": "2026-12-01"}, "to"),
    ],
)
async def test_bad_parameters_are_422_naming_the_field(
    client: httpx2.AsyncClient, params: dict[str, str], field: str
) -> None:
    error = error_of(await client.get("/api/usage", params=params), 422, "invalid_input")

    assert error["message"].startswith(f"{field}: ")
    assert error["details"][0]["field"] == field


async def test_summary_is_this_month_with_the_budget_used(client: httpx2.AsyncClient, runs: dict[str, str]) -> None:
    without_budget = (await client.get("/api/usage/summary")).json()
    assert (await client.patch("/api/settings", json={"budget_monthly_usd": 0.12})).status_code == 200
    with_budget = (await client.get("/api/usage/summary")).json()

    assert without_budget == {
        "from": "2026-11-30T23:00:00Z",
        "to": "2026-12-31T23:00:00Z",
        "runs": 5,
        "tokens_in": 1310,
        "tokens_out": 660,
        "cost_usd": 0.03,
        "budget_monthly_usd": None,
        "budget_used_percent": None,
    }
    assert with_budget == without_budget | {"budget_monthly_usd": 0.12, "budget_used_percent": 25.0}


async def test_nothing_yet(client: httpx2.AsyncClient) -> None:
    summary = (await client.get("/api/usage/summary")).json()

    assert await usage(client) == []
    assert (summary["runs"], summary["cost_usd"], summary["from"]) == (0, 0.0, "2026-12-01T00:00:00Z")
