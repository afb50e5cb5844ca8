"""`openorch serve` as a real process: the page, health, the host guard, the access token, and a log that
never shows an API key.

One loopback server (logging at DEBUG, the most a log can show) is shared by the tests of this module;
the access-token test needs a server of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from tests.conftest import TEST_KEY
from tests.support.fake_openai import FakeOpenAI, insufficient_quota, rate_limited, text
from tests.system.system_support import ServerProcess, running_server, subprocess_env, wait_until_ended

from openorchestrator import __version__

WRONG_KEY = "sk-wrong-7777ccccddddSECRETWRONG"
REFUSED_KEY = "sk-refused-8888eeeeffffSECRETCHECK"
ACCESS_TOKEN = "access-token-4242-SECRET"
SECRETS = (TEST_KEY, WRONG_KEY, REFUSED_KEY)


@pytest.fixture(scope="module")
def serve_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_keys=[TEST_KEY]) as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, serve_fake: FakeOpenAI) -> Iterator[ServerProcess]:
    """A loopback server without a token, with the good key set up as credential `openai`."""
    root = tmp_path_factory.mktemp("serve")
    env = subprocess_env(root / "data", OPENORCH_LOG_LEVEL="DEBUG", OPENORCH_RETRY_DELAY_SECONDS="0.2")
    with running_server(root / "data", root / "server.log", env=env) as proc:
        with proc.client() as http:
            body = {"type": "openai", "api_key": TEST_KEY, "base_url": serve_fake.base_url}
            response = http.post("/api/providers", json=body)
            assert response.status_code == 201, response.text
        yield proc


@pytest.fixture
def fake(serve_fake: FakeOpenAI) -> FakeOpenAI:
    serve_fake.reset()
    return serve_fake


def _make_bot(http: httpx2.Client, name: str, model: str) -> str:
    response = http.post("/api/bots", json={"name": name, "prompt": "Report.", "model": model})
    assert response.status_code == 201, response.text
    return response.json()["id"]  # type: ignore[no-any-return]


def _start_run(http: httpx2.Client, bot_id: str) -> str:
    response = http.post(f"/api/bots/{bot_id}/runs", json={"input": "go"})
    assert response.status_code == 202, response.text
    return response.json()["id"]  # type: ignore[no-any-return]


def test_page_health_and_host_guard(server: ServerProcess) -> None:
    with server.client() as http:
        page = http.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "<html" in page.text and "openOrchestrator" in page.text

        health = http.get("/api/health")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "version": __version__}
        assert http.get("/api/health", headers={"Host": f"localhost:{server.port}"}).status_code == 200

        for path in ("/", "/api/health", "/api/bots"):
            refused = http.get(path, headers={"Host": "evil.example"})
            assert refused.status_code == 403, (path, refused.text)
            assert refused.json()["error"]["code"] == "forbidden_host"
        refused = http.post("/api/bots", json={}, headers={"Host": f"evil.example:{server.port}"})
        assert refused.status_code == 403


def test_api_keys_never_reach_the_server_log(server: ServerProcess, fake: FakeOpenAI) -> None:
    fake.script_for_model("gpt-4.1-mini", text("all fine"))
    fake.script_for_model("gpt-4o-mini", insufficient_quota())
    with server.client() as http:
        # A key the provider refuses at the check, and one saved without a check (refused at run time).
        refused = http.post(
            "/api/providers",
            json={"type": "openai", "name": "refused", "api_key": REFUSED_KEY, "base_url": fake.base_url},
        )
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["code"] == "invalid_key"
        body = {"type": "openai", "name": "wrong", "api_key": WRONG_KEY, "base_url": fake.base_url}
        response = http.post("/api/providers", json=body, params={"validate": "false"})
        assert response.status_code == 201, response.text

        run_ids = {
            name: _start_run(http, _make_bot(http, name, model))
            for name, model in (
                ("Good", "openai:gpt-4.1-mini"),
                ("BadKey", "wrong:gpt-4.1-nano"),
                ("NoCredit", "openai:gpt-4o-mini"),
            )
        }
        runs = wait_until_ended(http, list(run_ids.values()), timeout=20)
        outcome = {name: (runs[rid]["status"], runs[rid]["error_code"]) for name, rid in run_ids.items()}
        assert outcome == {
            "Good": ("completed", None),
            "BadKey": ("failed", "invalid_key"),
            "NoCredit": ("failed", "quota_exhausted"),
        }
        assert {request.api_key for request in fake.chat_requests} == {TEST_KEY, WRONG_KEY}  # really sent
        exposed = http.get("/api/providers").text + "".join(
            http.get(f"/api/runs/{rid}").text for rid in run_ids.values()
        )
    log = server.log()  # every record is flushed as it is written
    assert "openOrchestrator" in log and "DEBUG" in log  # the right file, at the most talkative level
    for secret in SECRETS:
        assert secret not in log, f"{secret[:8]}… appears in the server log:\n{log[-3000:]}"
        assert secret not in exposed


def _wait_for_run(server: ServerProcess, http: httpx2.Client, run_id: str, timeout: float) -> dict[str, Any]:
    """Until the run ended; fails at once if the server logged that the executor crashed on this run."""
    deadline = time.monotonic() + timeout
    while True:
        run = http.get(f"/api/runs/{run_id}").json()
        if run["status"] not in ("pending", "running"):
            return run  # type: ignore[no-any-return]
        if f"run {run_id} crashed the executor" in server.log():
            raise AssertionError(f"run {run_id} is stuck {run['status']!r}; server log:\n{server.log()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} still {run['status']} after {timeout} s")
        time.sleep(0.1)


def test_a_transient_failure_is_retried_once(server: ServerProcess, fake: FakeOpenAI) -> None:
    fake.script_for_model("gpt-4o-mini", rate_limited(), text("second try"))  # the retry waits 0.2 s
    with server.client() as http:
        # An earlier test ran into "no credit" with this credential, which marks it; check it again first.
        openai = next(credential for credential in http.get("/api/providers").json() if credential["name"] == "openai")
        assert http.post(f"/api/providers/{openai['id']}/check").json()["status"] == "connected"
        run_id = _start_run(http, _make_bot(http, "Flaky", "openai:gpt-4o-mini"))
        first = _wait_for_run(server, http, run_id, timeout=20)
        assert (first["status"], first["error_code"]) == ("failed", "rate_limited"), first
        retry_id = next(entry["retry_run_id"] for entry in first["log"] if "retry_run_id" in entry)
        retry = _wait_for_run(server, http, retry_id, timeout=10)
        assert (retry["status"], retry["output"]) == ("completed", "second try"), retry
        assert (retry["trigger"], retry["retry_of"], retry["attempt"]) == ("retry", run_id, 2), retry
        assert len(fake.chat_requests) == 2


def test_public_host_with_an_access_token_requires_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = subprocess_env(data_dir, OPENORCH_ACCESS_TOKEN=ACCESS_TOKEN)
    with running_server(data_dir, tmp_path / "server.log", host="0.0.0.0", env=env) as server:
        with server.client() as anonymous:
            assert anonymous.get("/api/health").status_code == 200  # open: for health checks
            for path in ("/api/status", "/api/bots", "/api/settings"):
                response = anonymous.get(path)
                assert response.status_code == 401, (path, response.text)
                assert response.headers.get("www-authenticate") == "Bearer"
                assert response.json()["error"]["code"] == "unauthorized"
            assert anonymous.post("/api/bots", json={}).status_code == 401
        with server.client(token="wrong-token") as wrong:
            assert wrong.get("/api/status").status_code == 401
        with server.client(token=ACCESS_TOKEN) as authorized:
            status = authorized.get("/api/status")
            assert status.status_code == 200, status.text
            assert status.json()["running"] == 0
            assert authorized.get("/api/bots").json() == []
        assert "0.0.0.0" in server.log()
        assert ACCESS_TOKEN not in server.log()
