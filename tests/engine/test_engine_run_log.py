"""Key hygiene: a provider error that quotes the API key never puts the key into the stored run log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from tests.conftest import TEST_KEY, make_bot
from tests.engine.engine_support import World, finish, settle, start_run
from tests.support.fake_openai import error

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        pytest.param(
            error(401, code="invalid_api_key", message=f"Incorrect API key provided: {TEST_KEY}."),
            "invalid_key",
            id="401-quoting-the-key",
        ),
        pytest.param(
            error(400, code="bad_request", message=f"Header 'Authorization: Bearer {TEST_KEY}' is malformed"),
            "provider_error",
            id="400-quoting-the-key",
        ),
        pytest.param(  # transient: the failed run and its retry both carry the story
            error(500, type="server_error", message=f"upstream rejected {TEST_KEY}"),
            "provider_error",
            id="500-quoting-the-key",
        ),
    ],
)
async def test_a_provider_error_quoting_the_key_is_stored_redacted(world: World, reply: object, code: str) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(reply)
    run = await finish(client, (await start_run(client, bot["id"]))["id"])
    assert (run["status"], run["error_code"]) == ("failed", code), run

    assert TEST_KEY not in json.dumps(run, ensure_ascii=False)
    assert TEST_KEY[:-4] not in json.dumps(run, ensure_ascii=False)
    error_entry = next(entry for entry in run["log"] if entry["level"] == "error")
    assert "…" + TEST_KEY[-4:] in error_entry["message"]  # kept recognisable by its last 4 characters
    assert error_entry["error_code"] == code
    await settle(client)
    listed = (await client.get(f"/api/bots/{bot['id']}/runs")).text
    assert TEST_KEY not in listed
    # What is stored, read back raw from the database file.
    async with world.services.sessionmaker() as session:
        rows = (await session.execute(text("SELECT log, error_message, output FROM runs"))).all()
    assert rows and not any(TEST_KEY in str(value) for row in rows for value in row)
