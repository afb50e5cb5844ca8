"""Exactly once across a crash: SIGKILL the real server while it delivers, start it again, count.

- server A: 6 bots, each linked to a signed webhook and to e-mail (a real SMTP server with login); one run each.
  The webhook receiver holds its first answer, so A is killed in the middle of sending, with the rest waiting;
- SIGKILL;
- server B on the same data dir: every (run, channel) reaches its peer; each e-mail arrives once, each webhook
  delivery id once (the one that was in flight is sent again with the same `webhook-id`, which receivers use
  to deduplicate), and every row ends `sent`.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx2
from tests.conftest import TEST_KEY
from tests.support.fake_openai import FakeOpenAI, text
from tests.support.smtp_server import SmtpServer
from tests.support.webhook_receiver import Reply, WebhookReceiver
from tests.system.system_support import ServerProcess, wait_until_ended

BOTS = 6
SECRET = "whsec_dGVzdC1vbmx5LXBsYWNlaG9sZGVyLXdlYmhvb2stc2VjcmV0"  # base64 of "test-only-placeholder-webhook-secret"


def _rows(http: httpx2.Client, run_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    return {run_id: http.get(f"/api/runs/{run_id}/notifications").json() for run_id in run_ids}


def _wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not after {timeout} s: {what}")
        time.sleep(0.05)


def test_deliveries_survive_a_kill_exactly_once(tmp_path: Path, fake: FakeOpenAI) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = ServerProcess(data_dir, tmp_path / "server-a.log")
    second = ServerProcess(data_dir, tmp_path / "server-b.log")
    fake.set_default(text("2 neue Treffer: Fahrrad, Helm"))
    with WebhookReceiver(default=Reply(delay=30)) as hook, SmtpServer() as smtp:
        try:
            first.start()
            first.wait_ready()
            with first.client() as http:
                assert http.post(
                    "/api/providers", json={"type": "openai", "api_key": TEST_KEY, "base_url": fake.base_url}
                ).is_success
                webhook = http.post(
                    "/api/channels",
                    json={"type": "webhook", "name": "n8n", "config": {"url": hook.url(), "secret": SECRET}},
                ).json()
                mail = http.post(
                    "/api/channels", json={"type": "email", "name": "Mail", "config": smtp.channel_config()}
                ).json()
                run_ids = []
                for index in range(BOTS):
                    body = {"name": f"Scout {index}", "prompt": "Find offers.", "model": "openai:gpt-4.1-mini"}
                    bot = http.post("/api/bots", json=body).json()
                    links = [
                        {"channel_id": webhook["id"], "notify_rule": "always"},
                        {"channel_id": mail["id"], "notify_rule": "always"},
                    ]
                    assert http.put(f"/api/bots/{bot['id']}/channels", json=links).is_success
                    run_ids.append(http.post(f"/api/bots/{bot['id']}/runs", json={}).json()["id"])
                wait_until_ended(http, run_ids, timeout=30)
                _wait(lambda: len(hook.requests) >= 1, 20, "the first webhook delivery started")
                before = _rows(http, run_ids)
            first.crash()

            states = Counter(row["status"] for rows in before.values() for row in rows if row["channel_id"] != "in_app")
            assert states["sending"] == 1, before  # the webhook the receiver holds
            assert states["pending"] >= BOTS, before  # the rest waits behind it

            hook.default = Reply()  # the receiver answers at once now
            second.start()
            second.wait_ready()
            with second.client() as http:

                def settled() -> bool:
                    rows = _rows(http, run_ids)
                    return all(row["status"] in ("sent", "failed") for run in rows.values() for row in run)

                _wait(settled, 60, "every notification settled after the restart")
                after = _rows(http, run_ids)
        finally:
            first.kill()
            second.kill()

        for run_id in run_ids:
            assert {row["channel_id"]: row["status"] for row in after[run_id]} == {
                webhook["id"]: "sent",
                mail["id"]: "sent",
                "in_app": "sent",
            }, after[run_id]
        delivered = Counter(request.json()["run_id"] for request in hook.requests)
        ids = {request.headers["webhook-id"]: request.json()["run_id"] for request in hook.requests}
        assert sorted(ids.values()) == sorted(run_ids)  # one delivery id per run …
        assert all(request.verify(SECRET) for request in hook.requests)
        assert sum(delivered.values()) == BOTS + 1  # … and only the one in flight at the kill came twice
        resent = [run_id for run_id, count in delivered.items() if count == 2]
        assert len(resent) == 1
        assert len({r.headers["webhook-id"] for r in hook.requests if r.json()["run_id"] == resent[0]}) == 1
        mails = Counter(mail.mail["Message-ID"] for mail in smtp.messages)
        assert len(smtp.messages) == BOTS and set(mails.values()) == {1}  # each e-mail exactly once
