"""AI provider credentials through the HTTP API (api-v1 "AI provider credentials"): what is saved, listed,
read and deleted. The key check runs the real OpenAI SDK against the local `FakeOpenAI`. Refused credentials
and `POST /api/providers/validate` (which save nothing) are in tests/test_validation.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx2
import pytest
from tests.conftest import TEST_KEY, error_of, make_bot
from tests.support.fake_openai import DEFAULT_MODELS, FakeOpenAI

CREDENTIAL_KEYS = {
    "id",
    "type",
    "name",
    "base_url",
    "api_key_hint",
    "models",
    "status",
    "error_message",
    "created_at",
}


def field_of(response: httpx2.Response) -> str:
    return str(error_of(response, 422, "invalid_input")["details"][0]["field"])


@pytest.fixture
def open_fake() -> Iterator[FakeOpenAI]:
    """A fake that accepts any key (or none), like a local OpenAI-compatible server."""
    with FakeOpenAI() as server:
        yield server


async def create(client: httpx2.AsyncClient, query: str = "", **body: Any) -> httpx2.Response:
    return await client.post(f"/api/providers{query}", json=body)


# -- create with the key check -----------------------------------------------------------------------------
async def test_create_checks_the_key_and_shows_only_a_hint(client: httpx2.AsyncClient, fake: FakeOpenAI) -> None:
    response = await create(client, type="openai", api_key=TEST_KEY, base_url=fake.base_url)

    assert response.status_code == 201, response.text
    credential = response.json()
    assert set(credential) == CREDENTIAL_KEYS
    assert {key: credential[key] for key in CREDENTIAL_KEYS - {"id", "created_at"}} == {
        "type": "openai",
        "name": "openai",
        "base_url": fake.base_url,
        "api_key_hint": "…" + TEST_KEY[-4:],
        "models": sorted(DEFAULT_MODELS),
        "status": "connected",
        "error_message": None,
    }
    assert datetime.fromisoformat(credential["created_at"]).tzinfo is not None
    assert TEST_KEY not in response.text
    assert [(r.method, r.path, r.api_key) for r in fake.requests] == [("GET", "/v1/models", TEST_KEY)]


async def test_list_and_read(client: httpx2.AsyncClient, fake: FakeOpenAI) -> None:
    first = (await create(client, type="openai", api_key=TEST_KEY, base_url=fake.base_url)).json()
    second = (
        await create(
            client,
            "?validate=false",
            type="openai",
            name="openai-work",
            api_key="sk-other-key-1234567",
            base_url=fake.base_url,
        )
    ).json()

    listed = await client.get("/api/providers")
    read = await client.get(f"/api/providers/{second['id']}")

    assert listed.status_code == 200
    assert listed.json() == [first, second]
    assert read.status_code == 200
    assert read.json() == second
    assert second["name"] == "openai-work"
    assert TEST_KEY not in listed.text


async def test_validate_false_saves_without_contacting_the_provider(
    client: httpx2.AsyncClient, fake: FakeOpenAI
) -> None:
    response = await create(
        client, "?validate=false", type="openai", api_key="sk-not-checked-00000000", base_url=fake.base_url
    )

    assert response.status_code == 201, response.text
    credential = response.json()
    assert (credential["name"], credential["api_key_hint"], credential["models"]) == ("openai", "…0000", [])
    assert fake.requests == []
    assert (await client.get(f"/api/providers/{credential['id']}")).json() == credential


async def test_validate_treats_a_pasted_key_like_create_does(client: httpx2.AsyncClient, fake: FakeOpenAI) -> None:
    pasted = TEST_KEY + "\n"
    checked = await client.post(
        "/api/providers/validate", json={"type": "openai", "api_key": pasted, "base_url": fake.base_url}
    )
    created = await create(client, type="openai", api_key=pasted, base_url=fake.base_url)

    assert created.status_code == 201, created.text
    assert checked.json() == {"valid": True, "models": sorted(DEFAULT_MODELS), "error": None}


# -- names and keys -----------------------------------------------------------------------------------------
async def test_openai_compatible_without_a_key(client: httpx2.AsyncClient, open_fake: FakeOpenAI) -> None:
    response = await create(client, type="openai_compatible", base_url=open_fake.base_url + "/")

    assert response.status_code == 201, response.text
    credential = response.json()
    assert credential["name"] == "openai_compatible"
    assert credential["api_key_hint"] is None
    assert credential["base_url"] == open_fake.base_url  # trailing slash dropped
    assert credential["models"] == sorted(DEFAULT_MODELS)


async def test_a_taken_name_is_422_before_any_check(client: httpx2.AsyncClient, fake: FakeOpenAI) -> None:
    assert (await create(client, type="openai", api_key=TEST_KEY, base_url=fake.base_url)).status_code == 201
    fake.reset()

    assert field_of(await create(client, type="openai", api_key=TEST_KEY, base_url=fake.base_url)) == "name"
    assert field_of(await create(client, type="openai_compatible", name="openai", base_url=fake.base_url)) == "name"
    assert fake.requests == []
    assert len((await client.get("/api/providers")).json()) == 1


# -- delete ----------------------------------------------------------------------------------------------
async def test_delete_while_a_bot_uses_it_is_409_then_204(client: httpx2.AsyncClient, fake: FakeOpenAI) -> None:
    credential = (
        await create(client, "?validate=false", type="openai", api_key=TEST_KEY, base_url=fake.base_url)
    ).json()
    bot = await make_bot(client, name="Scout", model="openai:gpt-4.1-mini")

    refused = await client.delete(f"/api/providers/{credential['id']}")

    error = error_of(refused, 409, "credential_in_use")
    assert "Scout" in error["message"]
    assert (await client.get(f"/api/providers/{credential['id']}")).status_code == 200

    assert (await client.delete(f"/api/bots/{bot['id']}")).status_code == 204
    deleted = await client.delete(f"/api/providers/{credential['id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    error_of(await client.get(f"/api/providers/{credential['id']}"), 404, "not_found")
    assert (await client.get("/api/providers")).json() == []
    error_of(await client.delete(f"/api/providers/{credential['id']}"), 404, "not_found")


async def test_delete_of_an_unused_credential_is_204(client: httpx2.AsyncClient, fake: FakeOpenAI) -> None:
    used = (await create(client, "?validate=false", type="openai", api_key=TEST_KEY, base_url=fake.base_url)).json()
    unused = (
        await create(client, "?validate=false", type="openai", name="open", api_key=TEST_KEY, base_url=fake.base_url)
    ).json()
    await make_bot(client, model="openai:gpt-4.1-mini")  # "openai:" must not count as a use of "open"

    assert (await client.delete(f"/api/providers/{unused['id']}")).status_code == 204
    assert [c["id"] for c in (await client.get("/api/providers")).json()] == [used["id"]]


async def test_delete_while_a_bot_uses_it_as_fallback_is_409(client: httpx2.AsyncClient, fake: FakeOpenAI) -> None:
    await create(client, "?validate=false", type="openai", api_key=TEST_KEY, base_url=fake.base_url)
    backup = (
        await create(client, "?validate=false", type="openai", name="backup", api_key=TEST_KEY, base_url=fake.base_url)
    ).json()
    await make_bot(client, model="openai:gpt-4.1-mini", fallback_models=["backup:gpt-4o-mini"])

    error_of(await client.delete(f"/api/providers/{backup['id']}"), 409, "credential_in_use")
