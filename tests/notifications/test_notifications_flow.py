"""A finished run → outbox rows in its transaction → the dispatcher → a signed webhook; the in-app feed; what
was sent for the run; secrets only as hints; the link API's checks."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
import pytest
from tests.conftest import make_bot, wait_for_run
from tests.support.fake_openai import FakeOpenAI, text
from tests.support.webhook_receiver import WebhookReceiver

from openorchestrator.runtime import Runtime

SECRET = "whsec_dGVzdC1vbmx5LXBsYWNlaG9sZGVyLXdlYmhvb2stc2VjcmV0"  # base64 of "test-only-placeholder-webhook-secret"


async def _sent(client: httpx2.AsyncClient, run_id: str, seconds: float = 10.0) -> list[dict[str, Any]]:
    for _ in range(int(seconds / 0.05)):
        rows = (await client.get(f"/api/runs/{run_id}/notifications")).json()
        if rows and all(row["status"] in ("sent", "failed") for row in rows):
            return rows  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError(f"notifications of {run_id} not settled: {rows}")


async def test_a_run_reaches_a_signed_webhook_and_the_feed(
    client: httpx2.AsyncClient, credential: dict[str, Any], fake: FakeOpenAI, services: Runtime
) -> None:
    fake.set_default(text("3 neue Treffer:\n- Nike AM90, 55 €"))
    with WebhookReceiver() as receiver:
        response = await client.post(
            "/api/channels",
            json={"type": "webhook", "name": "n8n", "config": {"url": receiver.url(), "secret": SECRET}},
        )
        assert response.status_code == 201, response.text
        channel = response.json()
        assert SECRET not in response.text and channel["config"]["secret"].startswith("…")
        bot = await make_bot(client, emoji="🛒", name="eBay-Scout")
        links = await client.put(
            f"/api/bots/{bot['id']}/channels", json=[{"channel_id": channel["id"], "notify_rule": "on_results"}]
        )
        assert links.status_code == 200 and links.json()[0]["format"] == "full", links.text

        run = (await client.post(f"/api/bots/{bot['id']}/runs", json={})).json()
        assert (await wait_for_run(client, run["id"]))["status"] == "completed"
        rows = await _sent(client, run["id"])
        by_channel = {row["channel_id"]: row for row in rows}
        assert by_channel[channel["id"]]["status"] == "sent", rows
        assert by_channel["in_app"]["subject"] == "🛒 eBay-Scout — 3 neue Treffer"
        (request,) = receiver.requests
        assert request.verify(SECRET)
        assert request.headers["webhook-id"] == by_channel[channel["id"]]["id"]
        body = request.json()
        assert body["event"] == "run.completed" and body["run_id"] == run["id"] and body["is_new"] is True

        feed = (await client.get("/api/notifications")).json()
        assert feed[0]["run_id"] == run["id"] and feed[0]["read_at"] is None
        read = await client.post(f"/api/notifications/{feed[0]['id']}/read")
        assert read.status_code == 200 and read.json()["read_at"] is not None

        fake.set_default(text("Keine neuen Treffer."))
        quiet = (await client.post(f"/api/bots/{bot['id']}/runs", json={})).json()
        await wait_for_run(client, quiet["id"])
        rows = await _sent(client, quiet["id"])
        assert [row["channel_id"] for row in rows] == ["in_app"]  # on_results: "no results" is not sent
        assert len(receiver.requests) == 1


async def test_channel_input_is_checked(client: httpx2.AsyncClient) -> None:
    unknown = await client.post("/api/channels", json={"type": "pigeon", "name": "x", "config": {}})
    assert unknown.status_code == 422 and "pigeon" in unknown.text
    bad = await client.post("/api/channels", json={"type": "email", "name": "Mail", "config": {"smtp_port": 0}})
    assert bad.status_code == 422 and "config." in bad.text
    protected = await client.delete("/api/channels/in_app")
    assert protected.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"type": "telegram", "config": {"bot_token": "PLACEHOLDER-SECRET x y", "api_url": "ftp://x"}},
        {"type": "telegram", "config": {"bot_token": ["PLACEHOLDER-SECRET"]}},
        {"type": "email", "config": {"smtp_host": "h", "smtp_pass": {"a": "PLACEHOLDER-SECRET"}, "to": "a@b.c"}},
        {"type": "email", "config": {"smtp_port": "PLACEHOLDER-SECRET", "smtp_pass": "PLACEHOLDER-SECRET"}},
        {"type": "webhook", "config": {"url": "http://x/", "secret": "PLACEHOLDER-SECRET"}},
        {"type": "webhook", "config": {"url": "http://x/", "bogus": "PLACEHOLDER-SECRET"}},
        {"type": "apprise", "config": {"url": "PLACEHOLDER-SECRET://zzz"}},
    ],
)
async def test_a_refused_config_never_repeats_a_secret(client: httpx2.AsyncClient, body: dict[str, Any]) -> None:
    response = await client.post("/api/channels", json={"name": "x", **body})
    assert response.status_code == 422 and "config." in response.text
    assert "PLACEHOLDER-SECRET" not in response.text
