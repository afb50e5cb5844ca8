"""Bots through the HTTP API (api-v1 "Bots"): create, list, read, PATCH, DELETE, duplicate.

For speed, the tests share one app on one real data dir and one `FakeOpenAI` (module scope). The fixtures
`client`, `fake`, `config` and `credential` below stand in for conftest's: `client` hands each test the shared
app and, after the test, deletes every bot (and with them their runs) and resets the settings and the fake, so
each test starts from an app with just the `openai` credential.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import httpx2
import pytest
import pytest_asyncio
from tests.conftest import TEST_KEY, error_of, make_bot, wait_for_run
from tests.support.fake_openai import FakeOpenAI, text

from openorchestrator.app import create_app
from openorchestrator.config import Config
from openorchestrator.runtime import open_runtime

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT_KEYS = {
    # the bot's own fields (api-v1) ...
    "name",
    "description",
    "emoji",
    "prompt",
    "model",
    "schedule",
    "timezone",
    "enabled",
    "max_runtime_seconds",
    "missed_runs",
    "fallback_models",
    "tools",
    "on_complete",
    "budget_daily_usd",
    "budget_monthly_usd",
    # ... plus what every bot reads as
    "id",
    "created_at",
    "updated_at",
    "last_run",
    "next_run_at",
    "schedule_description",
}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_keys=[TEST_KEY]) as server:
        yield server


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return Config(data_dir=tmp_path_factory.mktemp("bots") / "data", _env_file=None)  # type: ignore[call-arg]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(config: Config, fake: FakeOpenAI) -> AsyncIterator[dict[str, Any]]:
    """The app, its client and the `openai` credential (pointing at the fake, saved without the key check)."""
    services = await open_runtime(config)
    app = create_app(config, runtime=services)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as http:
                response = await http.post(
                    "/api/providers?validate=false",
                    json={"type": "openai", "api_key": TEST_KEY, "base_url": fake.base_url},
                )
                assert response.status_code == 201, response.text
                yield {"http": http, "credential": response.json()}
    finally:
        await services.close()


@pytest_asyncio.fixture(loop_scope="module")
async def client(shared: dict[str, Any], fake: FakeOpenAI) -> AsyncIterator[httpx2.AsyncClient]:
    http: httpx2.AsyncClient = shared["http"]
    yield http
    for bot in (await http.get("/api/bots")).json():
        assert (await http.delete(f"/api/bots/{bot['id']}")).status_code == 204
    assert (await http.patch("/api/settings", json={"language": "de"})).status_code == 200
    fake.reset()


@pytest.fixture
def credential(shared: dict[str, Any]) -> dict[str, Any]:
    return shared["credential"]  # type: ignore[no-any-return]


def aware(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value!r} has no time zone"
    return parsed


# -- create / read / list --------------------------------------------------------------------------------
async def test_create_fills_in_the_documented_defaults(client: httpx2.AsyncClient, credential: dict) -> None:
    response = await client.post(
        "/api/bots", json={"name": "Scout", "prompt": "Find new offers.", "model": "openai:gpt-4.1-mini"}
    )

    assert response.status_code == 201, response.text
    bot = response.json()
    assert set(bot) >= BOT_KEYS, BOT_KEYS - set(bot)
    assert {
        key: bot[key]
        for key in (
            "name",
            "prompt",
            "model",
            "description",
            "emoji",
            "schedule",
            "enabled",
            "max_runtime_seconds",
            "missed_runs",
            "fallback_models",
            "tools",
            "on_complete",
            "budget_daily_usd",
            "budget_monthly_usd",
            "last_run",
        )
    } == {
        "name": "Scout",
        "prompt": "Find new offers.",
        "model": "openai:gpt-4.1-mini",
        "description": "",
        "emoji": "🤖",
        "schedule": None,
        "enabled": True,
        "max_runtime_seconds": 120,
        "missed_runs": "skip",
        "fallback_models": [],
        "tools": [],
        "on_complete": [],
        "budget_daily_usd": None,
        "budget_monthly_usd": None,
        "last_run": None,
    }
    assert isinstance(bot["id"], str) and bot["id"]
    assert aware(bot["created_at"]) <= aware(bot["updated_at"])
    assert bot["next_run_at"] is None or aware(bot["next_run_at"])


async def test_create_keeps_every_optional_field_given(client: httpx2.AsyncClient, credential: dict) -> None:
    other = await make_bot(client, name="Summarizer")
    fields = {
        "name": "Watcher",
        "prompt": "Watch prices.",
        "model": "openai:gpt-4.1-nano",
        "description": "Watches sneaker prices",
        "emoji": "👟",
        "schedule": "0 9 * * 1",
        "timezone": "Europe/Berlin",
        "enabled": False,
        "max_runtime_seconds": 600,
        "missed_runs": "catch_up",
        "fallback_models": ["openai:gpt-4o-mini"],
        "tools": ["web_search", "files"],
        "on_complete": [other["id"]],
        "budget_daily_usd": 0.5,
        "budget_monthly_usd": 10.0,
    }

    bot = await make_bot(client, **fields)

    assert {key: bot[key] for key in fields} == fields
    assert (await client.get(f"/api/bots/{bot['id']}")).json() == bot


async def test_list_and_read_show_the_stored_bots(client: httpx2.AsyncClient, credential: dict) -> None:
    assert (await client.get("/api/bots")).json() == []
    first = await make_bot(client, name="First")
    second = await make_bot(client, name="Second", prompt="Something else.")

    listed = await client.get("/api/bots")
    read = await client.get(f"/api/bots/{second['id']}")

    assert listed.status_code == 200
    assert listed.json() == [first, second]
    assert read.status_code == 200
    assert read.json() == second


async def test_read_of_an_unknown_bot_is_404(client: httpx2.AsyncClient) -> None:
    error = error_of(await client.get("/api/bots/01NOTTHERE0000000000000000"), 404, "not_found")
    assert "01NOTTHERE0000000000000000" in error["message"]


async def test_last_run_summarizes_the_newest_run(
    client: httpx2.AsyncClient, fake: FakeOpenAI, credential: dict
) -> None:
    bot = await make_bot(client)
    fake.script(text("all good"))
    run = (await client.post(f"/api/bots/{bot['id']}/runs", json={"input": "hi"})).json()
    await wait_for_run(client, run["id"])

    read = (await client.get(f"/api/bots/{bot['id']}")).json()

    assert read["last_run"]["id"] == run["id"]
    assert read["last_run"]["status"] == "completed"
    assert read["last_run"]["trigger"] == "manual"
    assert read["last_run"]["error_code"] is None
    assert (await client.get("/api/bots")).json()[0]["last_run"]["id"] == run["id"]


# -- PATCH -----------------------------------------------------------------------------------------------
async def test_patch_changes_only_the_given_fields(client: httpx2.AsyncClient, credential: dict) -> None:
    bot = await make_bot(client, description="old", tools=["web_fetch"])

    response = await client.patch(
        f"/api/bots/{bot['id']}",
        json={
            "prompt": "New prompt.",
            "schedule": "30 7 * * 1-5",
            "timezone": "Europe/Berlin",
            "budget_daily_usd": 1.25,
            "tools": [],
        },
    )

    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["prompt"] == "New prompt."
    assert (patched["schedule"], patched["timezone"]) == ("30 7 * * 1-5", "Europe/Berlin")
    assert (patched["budget_daily_usd"], patched["tools"]) == (1.25, [])
    unchanged = {
        key: bot[key]
        for key in BOT_KEYS
        - {
            "prompt",
            "schedule",
            "timezone",
            "budget_daily_usd",
            "tools",
            "updated_at",
            "next_run_at",
            "schedule_description",
        }
    }
    assert {key: patched[key] for key in unchanged} == unchanged
    assert aware(patched["updated_at"]) >= aware(bot["updated_at"])
    assert (await client.get(f"/api/bots/{bot['id']}")).json() == patched


async def test_patch_can_set_nullable_fields_to_null(client: httpx2.AsyncClient, credential: dict) -> None:
    bot = await make_bot(
        client, schedule="0 9 * * 7", timezone="Europe/Berlin", budget_daily_usd=1.0, budget_monthly_usd=20.0
    )

    response = await client.patch(
        f"/api/bots/{bot['id']}",
        json={"schedule": None, "timezone": None, "budget_daily_usd": None, "budget_monthly_usd": None},
    )

    assert response.status_code == 200, response.text
    patched = response.json()
    assert [patched[key] for key in ("schedule", "timezone", "budget_daily_usd", "budget_monthly_usd")] == [
        None,
        None,
        None,
        None,
    ]
    assert patched["next_run_at"] is None  # manual only now
    assert (await client.get(f"/api/bots/{bot['id']}")).json()["schedule"] is None


async def test_patch_may_rename_a_bot_to_a_different_case_of_its_own_name(
    client: httpx2.AsyncClient, credential: dict
) -> None:
    bot = await make_bot(client, name="Scout")
    response = await client.patch(f"/api/bots/{bot['id']}", json={"name": "SCOUT"})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "SCOUT"


async def test_patch_refuses_a_handoff_loop(client: httpx2.AsyncClient, credential: dict) -> None:
    first = await make_bot(client, name="First")
    second = await make_bot(client, name="Second", on_complete=[first["id"]])

    response = await client.patch(f"/api/bots/{first['id']}", json={"on_complete": [second["id"]]})
    error = error_of(response, 422, "invalid_input")
    assert error["details"][0]["field"] == "on_complete"
    assert "loop" in error["details"][0]["reason"]
    assert (await client.get(f"/api/bots/{first['id']}")).json()["on_complete"] == []

    itself = await client.patch(f"/api/bots/{first['id']}", json={"on_complete": [first["id"]]})
    assert error_of(itself, 422, "invalid_input")["details"][0]["field"] == "on_complete"


# -- DELETE ----------------------------------------------------------------------------------------------
async def test_delete_removes_the_bot_its_runs_its_folder_and_handoffs_to_it(
    client: httpx2.AsyncClient, fake: FakeOpenAI, credential: dict, config: Config
) -> None:
    doomed = await make_bot(client, name="Doomed")
    keeper = await make_bot(client, name="Keeper")
    feeder = await make_bot(client, name="Feeder", on_complete=[doomed["id"], keeper["id"]])
    fake.script(text("done"))
    run = (await client.post(f"/api/bots/{doomed['id']}/runs", json={"input": "x"})).json()
    await wait_for_run(client, run["id"])
    folder = config.bot_dir(doomed["id"])
    (folder / "notes").mkdir(parents=True, exist_ok=True)
    (folder / "notes" / "memo.txt").write_text("remember me")

    response = await client.delete(f"/api/bots/{doomed['id']}")

    assert response.status_code == 204
    assert response.content == b""
    error_of(await client.get(f"/api/bots/{doomed['id']}"), 404, "not_found")
    error_of(await client.get(f"/api/runs/{run['id']}"), 404, "not_found")
    error_of(await client.get(f"/api/bots/{doomed['id']}/runs"), 404, "not_found")
    assert (await client.get(f"/api/bots/{feeder['id']}")).json()["on_complete"] == [keeper["id"]]
    assert [bot["id"] for bot in (await client.get("/api/bots")).json()] == [keeper["id"], feeder["id"]]
    assert not folder.exists()
    error_of(await client.delete(f"/api/bots/{doomed['id']}"), 404, "not_found")


async def test_delete_of_a_bot_without_a_folder_works(client: httpx2.AsyncClient, credential: dict) -> None:
    bot = await make_bot(client)
    assert (await client.delete(f"/api/bots/{bot['id']}")).status_code == 204
    assert (await client.get("/api/bots")).json() == []


# -- duplicate -------------------------------------------------------------------------------------------
async def test_duplicate_copies_the_bot_under_a_free_name(client: httpx2.AsyncClient, credential: dict) -> None:
    bot = await make_bot(
        client,
        name="Scout",
        description="d",
        emoji="🦊",
        schedule="0 9 * * 1",
        tools=["web_search"],
        max_runtime_seconds=300,
    )

    first = await client.post(f"/api/bots/{bot['id']}/duplicate")
    second = await client.post(f"/api/bots/{bot['id']}/duplicate")

    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    copy, copy2 = first.json(), second.json()
    assert copy["name"] == "Scout (Kopie)"
    assert copy2["name"] not in ("Scout", "Scout (Kopie)")
    assert len({bot["id"], copy["id"], copy2["id"]}) == 3
    same = ("prompt", "model", "description", "emoji", "schedule", "tools", "max_runtime_seconds", "enabled")
    assert {key: copy[key] for key in same} == {key: bot[key] for key in same}
    assert copy["last_run"] is None
    names = [item["name"] for item in (await client.get("/api/bots")).json()]
    assert names == ["Scout", "Scout (Kopie)", copy2["name"]]


async def test_duplicate_uses_the_language_setting(client: httpx2.AsyncClient, credential: dict) -> None:
    bot = await make_bot(client, name="Scout")
    assert (await client.patch("/api/settings", json={"language": "en"})).status_code == 200
    copy = (await client.post(f"/api/bots/{bot['id']}/duplicate")).json()
    assert copy["name"] == "Scout (copy)"


async def test_duplicate_of_an_unknown_bot_is_404(client: httpx2.AsyncClient) -> None:
    error_of(await client.post("/api/bots/01NOTTHERE0000000000000000/duplicate"), 404, "not_found")


async def test_duplicate_of_a_name_at_the_limit_stays_within_the_limit(
    client: httpx2.AsyncClient, credential: dict
) -> None:
    bot = await make_bot(client, name="N" * 100)

    copy = (await client.post(f"/api/bots/{bot['id']}/duplicate")).json()

    assert len(copy["name"]) <= 100, len(copy["name"])
    assert "(Kopie)" in copy["name"]


async def test_concurrent_creates_cannot_share_a_name(client: httpx2.AsyncClient, credential: dict) -> None:
    names = ["".join(c.upper() if i >> k & 1 else c for k, c in enumerate("same")) for i in range(16)]  # sAmE...
    body = {"prompt": "p", "model": "openai:gpt-4.1-mini"}

    responses = await asyncio.gather(*(client.post("/api/bots", json={**body, "name": n}) for n in names))

    assert sorted(r.status_code for r in responses) == [201] + [422] * 15, [r.text[:80] for r in responses]
    assert len((await client.get("/api/bots")).json()) == 1


async def test_names_are_unique_regardless_of_case_beyond_ascii(client: httpx2.AsyncClient, credential: dict) -> None:
    body = {"prompt": "p", "model": "openai:gpt-4.1-mini"}
    assert (await client.post("/api/bots", json={**body, "name": "Übersicht"})).status_code == 201
    clash = await client.post("/api/bots", json={**body, "name": "übersicht"})
    assert clash.status_code == 422 and clash.json()["error"]["details"][0]["field"] == "name", clash.text
    assert (await client.post("/api/bots", json={**body, "name": "STRASSE"})).status_code == 201
    assert (await client.post("/api/bots", json={**body, "name": "Straße"})).status_code == 422
