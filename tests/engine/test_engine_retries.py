"""The retry rule: a run that fails for a transient reason gets exactly one retry, after a pause; others none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.conftest import make_bot
from tests.engine.engine_support import World, engine_status, finish, log_messages, runs_of, settle, start_run, ts
from tests.support.fake_openai import (
    context_too_long,
    drop,
    insufficient_quota,
    model_not_found,
    rate_limited,
    server_error,
    text,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

MAX_RETRY_DELAY = 3.0
ENGINE_SETTINGS = {"max_retry_delay_seconds": MAX_RETRY_DELAY}  # the world of this module (conftest.py)


@pytest.mark.parametrize(
    ("failure", "code", "words"),
    [
        pytest.param(rate_limited(), "rate_limited", "Rate-Limit", id="429-rate-limit-no-retry-after"),
        pytest.param(server_error(500), "provider_error", "Fehler beim Anbieter OpenAI", id="500"),
        pytest.param(server_error(503), "provider_error", "Fehler beim Anbieter OpenAI", id="503"),
        pytest.param(drop(), "unreachable", "nicht erreichbar", id="connection-dropped"),
    ],
)
async def test_a_transient_failure_gets_one_retry_that_can_succeed(
    world: World, failure: object, code: str, words: str
) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(failure, text("second time lucky"))

    first = await finish(client, (await start_run(client, bot["id"], "Nike AM90"))["id"])
    assert (first["status"], first["error_code"]) == ("failed", code), first
    assert words in first["error_message"]
    await settle(client)

    runs = await runs_of(client, bot["id"])
    assert len(runs) == 2, runs
    retry = runs[0]
    assert retry["id"] != first["id"]
    assert (retry["trigger"], retry["attempt"], retry["retry_of"]) == ("retry", 2, first["id"])
    assert retry["input"] == "Nike AM90"
    assert (retry["status"], retry["output"], retry["error_code"]) == ("completed", "second time lucky", None)
    assert ts(retry["not_before"]) >= ts(first["finished_at"]) + timedelta(seconds=0.05)
    assert ts(retry["started_at"]) >= ts(retry["not_before"])
    handed = [entry for entry in first["log"] if entry["message"].startswith("Retrying once")]
    assert len(handed) == 1 and handed[0]["retry_run_id"] == retry["id"]
    assert len(fake.chat_requests) == 2


async def test_retry_after_pushes_the_retry_back(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(rate_limited(retry_after=2))

    first = await finish(client, (await start_run(client, bot["id"]))["id"])
    assert (first["status"], first["error_code"]) == ("failed", "rate_limited"), first
    runs = await runs_of(client, bot["id"])
    assert len(runs) == 2, runs
    retry = runs[0]
    assert (retry["status"], retry["trigger"], retry["attempt"]) == ("pending", "retry", 2)
    assert retry["retry_of"] == first["id"]
    not_before = ts(retry["not_before"])
    assert not_before >= ts(first["finished_at"]) + timedelta(seconds=2)
    assert not_before < ts(first["finished_at"]) + timedelta(seconds=2.5)
    # Retry-After counts from when the failure was seen; the retry row is written a few µs later.
    assert not_before >= ts(retry["created_at"]) + timedelta(seconds=2) - timedelta(milliseconds=10)
    # The retry is held back: nothing runs, nothing waits for a slot, one run is held.
    status = await engine_status(client)
    assert (status["running"], status["queue_depth"], status["held"]) == (0, 0, 1)
    # A held retry can be cancelled like any waiting run.
    cancelled = (await client.post(f"/api/runs/{retry['id']}/cancel")).json()
    assert cancelled["status"] == "cancelled" and cancelled["started_at"] is None
    assert (await engine_status(client))["held"] == 0


async def test_retry_after_is_capped_by_max_retry_delay(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(rate_limited(retry_after=3600))

    first = await finish(client, (await start_run(client, bot["id"]))["id"])
    assert first["error_code"] == "rate_limited", first
    retry = (await runs_of(client, bot["id"]))[0]
    assert (retry["status"], retry["retry_of"]) == ("pending", first["id"])
    delay = ts(retry["not_before"]) - ts(first["finished_at"])
    assert timedelta(seconds=MAX_RETRY_DELAY) <= delay < timedelta(seconds=MAX_RETRY_DELAY + 0.5)
    retry_log = next(entry for entry in first["log"] if entry["message"].startswith("Retrying once"))
    assert retry_log["message"] == f"Retrying once in {MAX_RETRY_DELAY} s as run {retry['id']}."


async def test_a_retry_that_fails_again_gets_no_third_run(world: World) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    fake.script(server_error(), server_error())

    first = await finish(client, (await start_run(client, bot["id"]))["id"])
    assert first["status"] == "failed", first
    await settle(client)
    runs = await runs_of(client, bot["id"])
    assert len(runs) == 2, runs
    retry = runs[0]
    assert (retry["status"], retry["error_code"], retry["attempt"]) == ("failed", "provider_error", 2)
    assert not any(message.startswith("Retrying") for message in log_messages(retry))
    assert len(fake.chat_requests) == 2


@pytest.mark.parametrize(
    ("failure", "code", "words"),
    [
        pytest.param(None, "invalid_key", "Key ungültig", id="401-invalid-key"),
        pytest.param(insufficient_quota(), "quota_exhausted", "Kein Guthaben", id="429-insufficient-quota"),
        pytest.param(model_not_found("gpt-4.1-mini"), "model_not_found", "„gpt-4.1-mini“", id="404-model-not-found"),
        pytest.param(context_too_long(), "context_too_long", "Zu viel Text", id="400-context-too-long"),
    ],
)
async def test_a_permanent_failure_is_never_retried(world: World, failure: object, code: str, words: str) -> None:
    client, fake = world.client, world.fake
    bot = await make_bot(client)
    if failure is None:
        fake.api_keys = frozenset({"sk-some-other-key"})  # the stored key was revoked: real 401s from now on
    else:
        fake.script(failure)

    run = await finish(client, (await start_run(client, bot["id"]))["id"])
    assert (run["status"], run["error_code"]) == ("failed", code), run
    assert words in run["error_message"]
    assert run["output"] is None and run["finished_at"] is not None
    await settle(client)
    assert [r["id"] for r in await runs_of(client, bot["id"])] == [run["id"]]
    assert not any(message.startswith("Retrying") for message in log_messages(run))
    assert len(fake.chat_requests) == 1
