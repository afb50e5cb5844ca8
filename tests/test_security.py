"""What every client meets first: health and status, the error shape of unknown paths, ids and methods, and the
GuardMiddleware (host names, foreign origins, the 1 MB body limit, the access token).

Requests against the default app change nothing and share one app (module scope); the access token and extra
host names need apps of their own, built the way the server builds them (`create_app(config)` with its lifespan).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
import pytest_asyncio
from pydantic import ValidationError
from tests.conftest import error_of

from openorchestrator import __version__
from openorchestrator.app import create_app
from openorchestrator.config import Config
from openorchestrator.runtime import open_runtime
from openorchestrator.security import GuardMiddleware

pytestmark = pytest.mark.asyncio(loop_scope="module")

BASE_URL = "http://127.0.0.1:8765"
UNKNOWN = "01NOTTHERE0000000000000000"
LIMIT = 1_000_000


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    config = Config(data_dir=tmp_path_factory.mktemp("guard") / "data", _env_file=None)  # type: ignore[call-arg]
    services = await open_runtime(config)
    app = create_app(config, runtime=services)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL) as http:
                created = await http.post(
                    "/api/providers?validate=false",
                    json={"type": "openai", "api_key": "sk-guard-00000000000000", "base_url": "http://127.0.0.1:9/v1"},
                )
                assert created.status_code == 201, created.text
                bot = await http.post(
                    "/api/bots", json={"name": "Scout", "prompt": "p", "model": "openai:gpt-4.1-mini"}
                )
                assert bot.status_code == 201, bot.text
                yield {"http": http, "bot": bot.json()}
    finally:
        await services.close()


@asynccontextmanager
async def serve(tmp_path: Path, **settings: Any) -> AsyncIterator[httpx2.AsyncClient]:
    """An app that opens and closes its own services, as `openorch serve` runs it."""
    config = Config(data_dir=tmp_path / "data", _env_file=None, **settings)  # type: ignore[call-arg]
    app = create_app(config)
    transport = httpx2.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx2.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


def big_bot_body(size: int) -> bytes:
    """A JSON bot body of exactly `size` bytes (its prompt is far too long, so it is never created)."""
    head, tail = b'{"name":"Big","model":"openai:gpt-4.1-mini","prompt":"', b'"}'
    return head + b"a" * (size - len(head) - len(tail)) + tail


async def in_chunks(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


# -- health and status -----------------------------------------------------------------------------------
async def test_health(api: dict[str, Any]) -> None:
    response = await api["http"].get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


async def test_status(api: dict[str, Any]) -> None:
    response = await api["http"].get("/api/status")
    assert response.status_code == 200
    body = response.json()
    scheduler = body.pop("scheduler")
    assert body == {"queue_depth": 0, "held": 0, "running": 0, "max_parallel_runs": 3, "warnings": []}
    assert scheduler["role"] == "leader" and scheduler["jobs"] == 0, scheduler


async def test_the_openapi_document_describes_the_api(api: dict[str, Any]) -> None:
    response = await api["http"].get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/bots", "/api/bots/{bot_id}", "/api/providers", "/api/settings", "/api/health"} <= set(paths)


# -- 404 and 405 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/nope"),
        ("GET", "/api/nope/deeper"),  # outside /api an unknown path is a client route of the UI (tests/web)
        ("POST", "/api/bots/x/y/z"),
        ("GET", f"/api/bots/{UNKNOWN}"),
        ("PATCH", f"/api/bots/{UNKNOWN}"),
        ("DELETE", f"/api/bots/{UNKNOWN}"),
        ("POST", f"/api/bots/{UNKNOWN}/duplicate"),
        ("POST", f"/api/bots/{UNKNOWN}/runs"),
        ("GET", f"/api/bots/{UNKNOWN}/runs"),
        ("GET", f"/api/runs/{UNKNOWN}"),
        ("POST", f"/api/runs/{UNKNOWN}/cancel"),
        ("GET", f"/api/providers/{UNKNOWN}"),
        ("DELETE", f"/api/providers/{UNKNOWN}"),
    ],
)
async def test_unknown_paths_and_ids_are_404(api: dict[str, Any], method: str, path: str) -> None:
    body = {"prompt": "x"} if method == "PATCH" else None
    error = error_of(await api["http"].request(method, path, json=body), 404, "not_found")
    if UNKNOWN in path:
        assert UNKNOWN in error["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/settings"),
        ("PUT", "/api/bots"),
        ("POST", "/api/health"),
        ("DELETE", "/api/bots"),
        ("PATCH", "/api/runs/x"),
        ("PUT", "/api/providers/x"),
    ],
)
async def test_wrong_methods_are_405(api: dict[str, Any], method: str, path: str) -> None:
    error_of(await api["http"].request(method, path), 405, "method_not_allowed")


async def test_a_405_says_which_methods_are_allowed(api: dict[str, Any]) -> None:
    response = await api["http"].delete("/api/settings")
    assert response.status_code == 405
    assert set(re.split(r",\s*", response.headers.get("allow", ""))) >= {"GET", "PATCH"}


# -- Host ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8765",
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "127.0.0.1.nip.io:8765",
        "0.0.0.0:8765",
        "192.168.1.20:8765",
        "127.0.0.2:8765",
    ],
)
async def test_foreign_host_names_are_refused(api: dict[str, Any], host: str) -> None:
    http = api["http"]
    error_of(await http.get("/api/health", headers={"host": host}), 403, "forbidden_host")
    error_of(await http.get("/api/bots", headers={"host": host}), 403, "forbidden_host")
    refused = await http.post(
        "/api/bots", headers={"host": host}, json={"name": "Rebound", "prompt": "p", "model": "openai:gpt-4.1-mini"}
    )
    error_of(refused, 403, "forbidden_host")
    assert [bot["name"] for bot in (await http.get("/api/bots")).json()] == ["Scout"]


@pytest.mark.parametrize("host", ["localhost:8765.evil.example", "[::1].evil.example", "localhost:evil"])
async def test_malformed_host_headers_are_refused(api: dict[str, Any], host: str) -> None:
    error_of(await api["http"].get("/api/bots", headers={"host": host}), 403, "forbidden_host")


@pytest.mark.parametrize(
    "host", ["localhost:8765", "localhost", "LocalHost:8765", "127.0.0.1", "127.0.0.1:8765", "[::1]:8765", "[::1]"]
)
async def test_loopback_host_names_are_answered(api: dict[str, Any], host: str) -> None:
    response = await api["http"].get("/api/bots", headers={"host": host})
    assert response.status_code == 200, response.text
    assert [bot["name"] for bot in response.json()] == ["Scout"]


# -- Origin ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io:8765",
        "null",
        "http://evil.example:8765",
    ],
)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/bots", {"name": "Planted", "prompt": "p", "model": "openai:gpt-4.1-mini"}),
        ("PATCH", "/api/settings", {"language": "en"}),
        ("DELETE", "/api/bots/{bot}", None),
        ("POST", "/api/bots/{bot}/runs", {"input": "go"}),
    ],
    ids=["create-bot", "patch-settings", "delete-bot", "start-run"],
)
async def test_changes_from_foreign_origins_are_refused(
    api: dict[str, Any], origin: str, method: str, path: str, body: Any
) -> None:
    http, bot = api["http"], api["bot"]
    response = await http.request(method, path.format(bot=bot["id"]), json=body, headers={"origin": origin})

    error_of(response, 403, "forbidden_origin")
    assert (await http.get("/api/bots")).json() == [bot]
    assert (await http.get("/api/settings")).json()["language"] == "de"
    assert (await http.get(f"/api/bots/{bot['id']}/runs")).json() == []


@pytest.mark.parametrize("origin", ["http://localhost:8765", "http://127.0.0.1:8765", "http://[::1]:8765"])
async def test_changes_from_the_app_own_origin_are_accepted(api: dict[str, Any], origin: str) -> None:
    response = await api["http"].patch("/api/settings", json={}, headers={"origin": origin})
    assert response.status_code == 200, response.text
    assert response.json()["language"] == "de"


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:3000", "http://localhost"])
async def test_other_apps_on_this_machine_may_not_change_data(api: dict[str, Any], origin: str) -> None:
    error_of(await api["http"].patch("/api/settings", json={}, headers={"origin": origin}), 403, "forbidden_origin")


async def test_a_configured_origin_may_change_data(tmp_path: Path) -> None:
    async with serve(tmp_path, allowed_origins="http://localhost:5173") as http:
        response = await http.patch("/api/settings", json={}, headers={"origin": "http://localhost:5173"})
        assert response.status_code == 200, response.text


async def test_reads_from_foreign_origins_are_answered(api: dict[str, Any]) -> None:
    http = api["http"]
    for path in ("/api/bots", "/api/settings", "/api/health", f"/api/bots/{api['bot']['id']}"):
        response = await http.get(path, headers={"origin": "https://evil.example"})
        assert response.status_code == 200, (path, response.text)


# -- body size -------------------------------------------------------------------------------------------
async def test_a_body_over_1_mb_is_413(api: dict[str, Any]) -> None:
    body = big_bot_body(LIMIT + 1)
    response = await api["http"].post("/api/bots", content=body, headers={"content-type": "application/json"})
    error_of(response, 413, "payload_too_large")


async def test_a_body_of_exactly_1_mb_reaches_the_app(api: dict[str, Any]) -> None:
    body = big_bot_body(LIMIT)
    response = await api["http"].post("/api/bots", content=body, headers={"content-type": "application/json"})
    error = error_of(response, 422, "invalid_input")
    assert error["details"][0]["field"] == "prompt"


async def test_a_streamed_body_under_the_limit_works(api: dict[str, Any]) -> None:
    body = b'{"language": "de"' + b" " * 300_000 + b"}"
    response = await api["http"].patch(
        "/api/settings", content=in_chunks(body), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text


async def test_a_streamed_body_over_1_mb_without_content_length_is_413(api: dict[str, Any]) -> None:
    body = big_bot_body(LIMIT + 100_000)
    response = await api["http"].post(
        "/api/bots", content=in_chunks(body), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    error_of(response, 413, "payload_too_large")


# -- access token ----------------------------------------------------------------------------------------
async def test_with_an_access_token_every_api_call_needs_it(tmp_path: Path) -> None:
    async with serve(tmp_path, access_token="t0ken") as http:
        for headers in (
            {},
            {"authorization": "Bearer wrong"},
            {"authorization": "Bearer t0ken2"},
            {"authorization": "Basic t0ken"},
            {"authorization": "t0ken"},
            {"authorization": "Bearer "},
        ):
            response = await http.get("/api/bots", headers=headers)
            error_of(response, 401, "unauthorized")
            assert response.headers["www-authenticate"] == "Bearer"
        error_of(
            await http.post("/api/bots", json={"name": "x", "prompt": "p", "model": "openai:m"}), 401, "unauthorized"
        )
        error_of(await http.patch("/api/settings", json={"language": "en"}), 401, "unauthorized")
        error_of(await http.get("/api/status"), 401, "unauthorized")

        good = {"authorization": "Bearer t0ken"}
        assert (await http.get("/api/bots", headers=good)).json() == []
        assert (await http.get("/api/bots", headers={"authorization": "bearer t0ken"})).status_code == 200
        assert (await http.get("/api/settings", headers=good)).json()["language"] == "de"
        assert (await http.get("/api/status", headers=good)).status_code == 200

        health = await http.get("/api/health")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"


async def test_the_token_does_not_replace_the_host_and_origin_checks(tmp_path: Path) -> None:
    good = {"authorization": "Bearer t0ken"}
    async with serve(tmp_path, access_token="t0ken") as http:
        error_of(await http.get("/api/bots", headers={**good, "host": "evil.example"}), 403, "forbidden_host")
        refused = await http.patch(
            "/api/settings", json={"language": "en"}, headers={**good, "origin": "https://evil.example"}
        )
        error_of(refused, 403, "forbidden_origin")
        assert (await http.get("/api/settings", headers=good)).json()["language"] == "de"


async def test_a_malformed_allowed_host_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not a host name"):
        Config(data_dir=tmp_path, allowed_hosts=["nas.local:web"])


async def test_a_malformed_allowed_host_does_not_open_the_door() -> None:
    guard = GuardMiddleware(lambda *_: None, allowed_hosts=["nas.local:"], access_token=None)  # type: ignore[arg-type]
    assert "" not in guard.allowed


async def test_allowed_hosts_adds_names(tmp_path: Path) -> None:
    async with serve(tmp_path, allowed_hosts="orchestrator.lan, nas.local:8765") as http:
        for host in ("orchestrator.lan", "orchestrator.lan:8765", "NAS.local:8765", "localhost:8765"):
            assert (await http.get("/api/bots", headers={"host": host})).status_code == 200, host
        for host in ("evil.example", "orchestrator.lan.evil.example", "lan"):
            error_of(await http.get("/api/bots", headers={"host": host}), 403, "forbidden_host")
        accepted = await http.patch(
            "/api/settings",
            json={"theme": "dark"},
            headers={"host": "orchestrator.lan:8765", "origin": "http://orchestrator.lan:8765"},
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["theme"] == "dark"
        refused = await http.patch(
            "/api/settings",
            json={"theme": "light"},
            headers={"host": "orchestrator.lan:8765", "origin": "http://evil.example"},
        )
        error_of(refused, 403, "forbidden_origin")
