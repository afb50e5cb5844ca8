"""Fallback across credentials, credentials marked by bad keys, and spend caps enforced before any call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from tests.conftest import TEST_KEY, make_bot, wait_for_run
from tests.support.fake_openai import FakeOpenAI, delay, error, rate_limited, server_error, text

from openorchestrator.core.ids import new_id
from openorchestrator.db.models import Run
from openorchestrator.runtime import Runtime


@pytest.fixture
def backup_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_keys=["sk-backup-0123456789abcdef"]) as server:
        yield server


async def _backup_credential(client: httpx2.AsyncClient, backup_fake: FakeOpenAI) -> dict[str, Any]:
    body = {
        "type": "openai",
        "name": "backup",
        "api_key": "sk-backup-0123456789abcdef",
        "base_url": backup_fake.base_url,
    }
    response = await client.post("/api/providers", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _run(client: httpx2.AsyncClient, bot_id: str) -> dict[str, Any]:
    response = await client.post(f"/api/bots/{bot_id}/runs", json={"input": "go"})
    assert response.status_code == 202, response.text
    return await wait_for_run(client, response.json()["id"])


# -- fallback ----------------------------------------------------------------------------------------------
async def test_a_provider_outage_falls_back_to_the_next_credential(
    client: httpx2.AsyncClient, fake: FakeOpenAI, backup_fake: FakeOpenAI, credential: dict[str, Any]
) -> None:
    await _backup_credential(client, backup_fake)
    bot = await make_bot(client, fallback_models=["backup:gpt-4.1-nano"])
    fake.script(server_error(502))
    backup_fake.script(text("from the backup"))
    run = await _run(client, bot["id"])
    assert (run["status"], run["output"], run["model"]) == ("completed", "from the backup", "backup:gpt-4.1-nano")
    assert any("asking the next fallback model" in entry["message"] for entry in run["log"]), run["log"]
    assert any("Answered by fallback model backup:gpt-4.1-nano" in entry["message"] for entry in run["log"])
    assert len(fake.chat_requests) == 1 and len(backup_fake.chat_requests) == 1


async def test_an_invalid_key_marks_its_credential_and_the_fallback_answers(
    client: httpx2.AsyncClient, fake: FakeOpenAI, backup_fake: FakeOpenAI, credential: dict[str, Any]
) -> None:
    await _backup_credential(client, backup_fake)
    bot = await make_bot(client, fallback_models=["backup:gpt-4.1-mini"])
    fake.script(error(401, code="invalid_api_key", message="Incorrect API key provided"))
    run = await _run(client, bot["id"])
    assert (run["status"], run["model"]) == ("completed", "backup:gpt-4.1-mini"), run
    marked = (await client.get(f"/api/providers/{credential['id']}")).json()
    assert marked["status"] == "error" and "Key ungültig" in marked["error_message"], marked
    events = (await client.get("/api/events", params={"kind": "credential_error"})).json()
    assert [event["credential_id"] for event in events] == [credential["id"]], events
    # Until its key is checked again, the credential is not used: the bot's next run goes to the fallback at once.
    again = await _run(client, bot["id"])
    assert (again["status"], again["model"]) == ("completed", "backup:gpt-4.1-mini"), again
    assert len(fake.chat_requests) == 1
    # Bots without a fallback fail before any call, saying what to fix.
    alone = await make_bot(client, name="Alone")
    refused = await _run(client, alone["id"])
    assert (refused["status"], refused["error_code"]) == ("failed", "config_error"), refused
    assert "Key ungültig" in refused["error_message"]
    # Checked again (the key works now), it is connected and used again.
    checked = (await client.post(f"/api/providers/{credential['id']}/check")).json()
    assert checked["status"] == "connected"
    assert (await _run(client, alone["id"]))["status"] == "completed"


async def test_all_models_failing_ends_with_the_bots_own_error(
    client: httpx2.AsyncClient, fake: FakeOpenAI, backup_fake: FakeOpenAI, credential: dict[str, Any]
) -> None:
    await _backup_credential(client, backup_fake)
    bot = await make_bot(client, fallback_models=["backup:gpt-4.1-mini"])
    fake.script(server_error(500))
    backup_fake.script(server_error(503))
    run = await _run(client, bot["id"])
    assert (run["status"], run["error_code"]) == ("failed", "provider_error"), run
    assert "OpenAI" in run["error_message"]


async def test_a_rate_limit_does_not_fall_back_on_the_first_attempt(
    client: httpx2.AsyncClient, fake: FakeOpenAI, backup_fake: FakeOpenAI, credential: dict[str, Any]
) -> None:
    await _backup_credential(client, backup_fake)
    bot = await make_bot(client, fallback_models=["backup:gpt-4.1-mini"])
    fake.script(rate_limited(retry_after=0), rate_limited(retry_after=0))
    backup_fake.script(text("backup after the retry"))
    first = await _run(client, bot["id"])
    assert (first["status"], first["error_code"]) == ("failed", "rate_limited")
    assert backup_fake.chat_requests == []
    retry_id = next(entry["retry_run_id"] for entry in first["log"] if "retry_run_id" in entry)
    retry = await wait_for_run(client, retry_id)
    assert (retry["status"], retry["model"], retry["output"]) == (
        "completed",
        "backup:gpt-4.1-mini",
        "backup after the retry",
    )


# -- spend caps --------------------------------------------------------------------------------------------
async def _spent(services: Runtime, bot_id: str, usd: float) -> None:
    """A completed run earlier today that cost `usd`."""
    async with services.sessionmaker() as session:
        now = services.clock.now()
        session.add(
            Run(
                id=new_id(),
                bot_id=bot_id,
                status="completed",
                trigger="manual",
                log=[],
                attempt=1,
                created_at=now - timedelta(minutes=5),
                finished_at=now,
                cost_estimate=usd,
                output="earlier",
                output_hash="x",
            )
        )
        await session.commit()


@pytest.mark.parametrize(("spent", "fits"), [(0.983, True), (0.99, False)])
async def test_a_daily_budget_is_enforced_at_the_boundary(
    client: httpx2.AsyncClient,
    services: Runtime,
    fake: FakeOpenAI,
    credential: dict[str, Any],
    spent: float,
    fits: bool,
) -> None:
    # gpt-4.1-mini's worst case here: 10,000 output tokens at $1.60/M = $0.016, plus a few prompt tokens.
    bot = await make_bot(client, budget_daily_usd=1.0, max_output_tokens=10_000)
    await _spent(services, bot["id"], spent)
    run = await _run(client, bot["id"])
    if fits:
        assert run["status"] == "completed", run
        assert (await client.get(f"/api/bots/{bot['id']}")).json()["enabled"] is True
        return
    assert (run["status"], run["error_code"]) == ("failed", "budget_exceeded"), run
    assert fake.chat_requests == []  # the model was never called
    assert "Budget" in run["error_message"]
    assert (await client.get(f"/api/bots/{bot['id']}")).json()["enabled"] is False
    events = (await client.get("/api/events", params={"kind": "budget_exceeded"})).json()
    assert [(event["bot_id"], event["run_id"]) for event in events] == [(bot["id"], run["id"])]
    assert not [r for r in (await client.get(f"/api/bots/{bot['id']}/runs")).json() if r["trigger"] == "retry"]


async def test_the_global_monthly_budget_and_its_warning(
    client: httpx2.AsyncClient, services: Runtime, fake: FakeOpenAI, credential: dict[str, Any]
) -> None:
    await client.patch("/api/settings", json={"budget_monthly_usd": 1.0, "budget_warn_percent": 80})
    bot = await make_bot(client, max_output_tokens=1_000)
    await _spent(services, bot["id"], 0.85)
    first = await _run(client, bot["id"])
    second = await _run(client, bot["id"])
    assert first["status"] == second["status"] == "completed"
    warnings = (await client.get("/api/events", params={"kind": "budget_warning"})).json()
    assert len(warnings) == 1, warnings  # once per budget and period
    assert any(entry.get("budget") == "global_monthly" for entry in first["log"] if entry["level"] == "warning")
    await _spent(services, bot["id"], 0.2)
    refused = await _run(client, bot["id"])
    assert refused["error_code"] == "budget_exceeded"


async def test_usage_sums_tokens_and_cost_per_model(
    client: httpx2.AsyncClient, fake: FakeOpenAI, credential: dict[str, Any]
) -> None:
    bot = await make_bot(client)
    fake.script(text("a", prompt_tokens=100, completion_tokens=10), text("b", prompt_tokens=50, completion_tokens=5))
    for _ in range(2):
        assert (await _run(client, bot["id"]))["status"] == "completed"
    rows = (await client.get("/api/usage", params={"group_by": "model"})).json()
    row = next(row for row in rows if row["key"] == "openai:gpt-4.1-mini")
    assert (row["runs"], row["tokens_in"], row["tokens_out"]) == (2, 150, 15), row
    assert row["cost_usd"] > 0 and row["runs_without_price"] == 0


async def test_the_catalog_lists_every_provider_type_with_steps(client: httpx2.AsyncClient) -> None:
    catalog = (await client.get("/api/providers/catalog")).json()
    assert [entry["type"] for entry in catalog] == [
        "openai",
        "anthropic",
        "google",
        "mistral",
        "ollama",
        "openai_compatible",
        "brave",
    ]
    assert [entry["kind"] for entry in catalog].count("tool") == 1 and catalog[-1]["kind"] == "tool"
    openai = catalog[0]
    assert openai["needs_key"] is True and openai["key_prefix"] == "sk-"
    assert any(step["url"] == "https://platform.openai.com/api-keys" for step in openai["steps"])
    assert {model["tier"] for model in openai["recommended_models"]} >= {"cheap", "good"}
    ollama = catalog[4]
    assert (ollama["needs_key"], ollama["default_base_url"]) == (False, "http://localhost:11434")
    english = (await client.get("/api/providers/catalog", params={"language": "en"})).json()
    assert english[4]["price_hint"] == "Free" and catalog[4]["price_hint"] == "Kostenlos"


async def test_recheck_refreshes_status_and_models(
    client: httpx2.AsyncClient, fake: FakeOpenAI, credential: dict[str, Any]
) -> None:
    fake.models = ["gpt-4.1-mini", "gpt-5"]
    checked = (await client.post(f"/api/providers/{credential['id']}/check")).json()
    assert (checked["status"], checked["models"]) == ("connected", ["gpt-4.1-mini", "gpt-5"])
    assert TEST_KEY not in str(checked)


async def test_runs_in_flight_count_against_the_budget(
    client: httpx2.AsyncClient, fake: FakeOpenAI, credential: dict[str, Any]
) -> None:
    # Each run's worst case is ~$0.016 (10,000 output tokens of gpt-4.1-mini): one fits a $0.02 budget, two do not,
    # also while the first is still running and has not written its cost.
    bot = await make_bot(client, budget_daily_usd=0.02, max_output_tokens=10_000)
    fake.set_default(delay(0.5, text("slow")))
    starts = [await client.post(f"/api/bots/{bot['id']}/runs", json={"input": str(i)}) for i in range(3)]
    runs = [await wait_for_run(client, response.json()["id"]) for response in starts]
    assert sorted(run["status"] for run in runs) == ["completed", "failed", "failed"], runs
    assert {run["error_code"] for run in runs if run["status"] == "failed"} == {"budget_exceeded"}
    assert len(fake.chat_requests) == 1


async def test_under_a_budget_the_answer_is_capped_at_the_priced_worst_case(
    client: httpx2.AsyncClient, fake: FakeOpenAI, credential: dict[str, Any]
) -> None:
    bot = await make_bot(client, budget_monthly_usd=5.0)
    assert (await _run(client, bot["id"]))["status"] == "completed"
    body = fake.chat_requests[-1].json
    assert body.get("max_completion_tokens", body.get("max_tokens")) == 4096, body
    unbudgeted = await make_bot(client, name="Free")
    await _run(client, unbudgeted["id"])
    body = fake.chat_requests[-1].json
    assert "max_completion_tokens" not in body and "max_tokens" not in body, body
