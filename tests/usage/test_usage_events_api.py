"""GET /api/events: newest first, filtered by kind and bot, paged with `before`."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from sqlalchemy.orm import Session
from tests.conftest import error_of
from tests.usage.usage_support import add_bot, utc

from openorchestrator.db.models import EventKind
from openorchestrator.events.record import record_event


@pytest.fixture
def events(db: Session) -> dict[str, Any]:
    scout = add_bot(db, "Scout")
    made = {
        "warning": record_event(
            db,
            EventKind.BUDGET_WARNING,
            "Nearly used up.",
            bot_id=scout.id,
            data={"budget": "bot_daily"},
            now=utc("2026-12-01 10:00"),
        ),
        "credential": record_event(
            db, EventKind.CREDENTIAL_ERROR, "Key invalid.", credential_id="CRED1", now=utc("2026-12-03 10:00")
        ),
        "exceeded": record_event(
            db,
            EventKind.BUDGET_EXCEEDED,
            "Budget reached.",
            bot_id=scout.id,
            run_id="RUN1",
            now=utc("2026-12-02 10:00"),
        ),
        "stale": record_event(db, EventKind.BOT_STALE, "No new results.", bot_id=scout.id, now=utc("2026-12-02 10:00")),
    }
    db.commit()
    return {"bot_id": scout.id, **{name: event.id for name, event in made.items()}}


async def ids(client: httpx2.AsyncClient, **params: Any) -> list[str]:
    response = await client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    return [event["id"] for event in response.json()]


async def test_newest_first_with_every_field(client: httpx2.AsyncClient, events: dict[str, Any]) -> None:
    response = await client.get("/api/events")

    body = response.json()
    tied = sorted([events["exceeded"], events["stale"]], reverse=True)  # same time: the later id first
    assert [event["id"] for event in body] == [events["credential"], *tied, events["warning"]]
    assert body[-1] == {
        "id": events["warning"],
        "kind": "budget_warning",
        "bot_id": events["bot_id"],
        "run_id": None,
        "credential_id": None,
        "message": "Nearly used up.",
        "data": {"budget": "bot_daily"},
        "created_at": "2026-12-01T10:00:00Z",
    }


async def test_filters(client: httpx2.AsyncClient, events: dict[str, Any]) -> None:
    assert await ids(client, kind="budget_exceeded") == [events["exceeded"]]
    assert await ids(client, kind="credential_error") == [events["credential"]]
    assert len(await ids(client, bot_id=events["bot_id"])) == 3
    assert await ids(client, bot_id=events["bot_id"], kind="budget_warning") == [events["warning"]]
    assert await ids(client, bot_id="01NOSUCHBOT") == []


async def test_pages_with_before_lose_nothing_even_on_equal_times(
    client: httpx2.AsyncClient, events: dict[str, Any]
) -> None:
    everything = await ids(client)
    pages: list[str] = []
    before = None
    while True:
        page = await ids(client, limit=1, **({"before": before} if before else {}))
        if not page:
            break
        pages += page
        before = page[-1]

    assert pages == everything and len(pages) == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [({"kind": "budget_party"}, "kind"), ({"limit": 0}, "limit"), ({"limit": 501}, "limit")],
)
async def test_bad_parameters_are_422(client: httpx2.AsyncClient, params: dict[str, Any], field: str) -> None:
    error = error_of(await client.get("/api/events", params=params), 422, "invalid_input")

    assert error["details"][0]["field"] == field
