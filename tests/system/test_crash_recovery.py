"""The crash test: SIGKILL the real server with runs in flight and waiting, start it again, lose nothing.

- server A: 8 runs accepted, max_parallel_runs 3 → 3 `running` (the provider hangs), 5 `pending`;
- SIGKILL;
- server B on the same data dir: the 3 → `failed`/`interrupted` (+ a log entry), the 5 run once: `completed`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.conftest import TEST_KEY
from tests.support.fake_openai import FakeOpenAI, hang, text
from tests.system.system_support import ServerProcess, user_texts, wait_until_ended

RUNS = 8
PARALLEL = 3
INTERRUPTED_DE = "Die App wurde beendet, während der Bot lief."


def _wait_for_chat_requests(fake: FakeOpenAI, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(fake.chat_requests) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(fake.chat_requests)} of {count} chat requests after {timeout} s")
        time.sleep(0.05)


def test_a_killed_server_loses_no_run(tmp_path: Path, fake: FakeOpenAI) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = ServerProcess(data_dir, tmp_path / "server-a.log")
    second = ServerProcess(data_dir, tmp_path / "server-b.log")
    try:
        # -- server A: set up over HTTP, fill the queue, then kill it --------------------------------------
        first.start()
        first.wait_ready()
        with first.client() as http:
            response = http.patch("/api/settings", json={"max_parallel_runs": PARALLEL})
            assert response.status_code == 200, response.text
            response = http.post(
                "/api/providers", json={"type": "openai", "api_key": TEST_KEY, "base_url": fake.base_url}
            )
            assert response.status_code == 201, response.text
            bot_ids = []
            for name in ("Alpha", "Beta", "Gamma"):
                body = {"name": name, "prompt": "Answer briefly.", "model": "openai:gpt-4.1-mini"}
                response = http.post("/api/bots", json=body)
                assert response.status_code == 201, response.text
                bot_ids.append(response.json()["id"])

            fake.set_default(hang(60))  # every provider call stays open: runs stay `running`
            accepted: list[str] = []
            inputs: dict[str, str] = {}
            for index in range(RUNS):
                run_input = f"job-{index}"
                response = http.post(f"/api/bots/{bot_ids[index % len(bot_ids)]}/runs", json={"input": run_input})
                assert response.status_code == 202, response.text
                assert response.json()["status"] == "pending"
                accepted.append(response.json()["id"])
                inputs[response.json()["id"]] = run_input
            assert len(set(accepted)) == RUNS

            _wait_for_chat_requests(fake, PARALLEL, timeout=20)
            status = http.get("/api/status").json()
            assert (status["running"], status["queue_depth"]) == (PARALLEL, RUNS - PARALLEL), status
            before = {run_id: http.get(f"/api/runs/{run_id}").json()["status"] for run_id in accepted}
        running = [run_id for run_id in accepted if before[run_id] == "running"]
        pending = [run_id for run_id in accepted if before[run_id] == "pending"]
        assert running == accepted[:PARALLEL], before  # FIFO: the first three got the slots
        assert pending == accepted[PARALLEL:], before
        assert sorted(user_texts(r.json)[-1] for r in fake.chat_requests) == sorted(inputs[r] for r in running)

        first.crash()
        assert first.proc is not None and first.proc.returncode == -9

        # -- server B: same data dir, the provider answers again ------------------------------------------
        fake.set_default(text("done after restart"))
        calls_before_restart = len(fake.chat_requests)
        second.start()
        second.wait_ready()
        with second.client() as http:
            runs = wait_until_ended(http, accepted, timeout=15)

            for run_id in running:
                run = runs[run_id]
                assert run["status"] == "failed", run
                assert run["error_code"] == "interrupted", run
                assert run["error_message"] == INTERRUPTED_DE, run
                assert run["finished_at"] is not None, run
                assert run["output"] is None, run
                errors = [entry["message"] for entry in run["log"] if entry["level"] == "error"]
                assert any("stopped while this run was running" in message for message in errors), run["log"]

            for run_id in pending:
                run = runs[run_id]
                assert run["status"] == "completed", run
                assert run["output"] == "done after restart", run
                assert run["attempt"] == 1 and run["retry_of"] is None, run

            # Every accepted run exists exactly once, no run was added (no retry of an interrupted run),
            # and nothing is left open anywhere.
            stored: list[dict[str, Any]] = []
            for bot_id in bot_ids:
                response = http.get(f"/api/bots/{bot_id}/runs", params={"limit": 500})
                assert response.status_code == 200, response.text
                stored.extend(response.json())
            assert sorted(run["id"] for run in stored) == sorted(accepted)
            assert not [run for run in stored if run["status"] in ("pending", "running")]
            status = http.get("/api/status").json()
            assert (status["running"], status["queue_depth"]) == (0, 0), status

        # Each waiting run reached the provider exactly once after the restart; no interrupted one again.
        after = fake.chat_requests[calls_before_restart:]
        assert len(after) == len(pending)
        assert sorted(user_texts(r.json)[-1] for r in after) == sorted(inputs[r] for r in pending)
        assert "recovered: 3 interrupted, 5 queued again" in second.log()
        assert not fake.errors
    finally:
        first.kill()
        second.kill()
