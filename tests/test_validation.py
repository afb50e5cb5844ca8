"""Requests that change nothing: every bad bot, run, credential or settings request is answered with the
documented error (422 `invalid_input` naming the field and why, or 400 with the key check's code), and
`POST /api/providers/validate` reports what the provider said.

They share one app on one real data dir (module scope), which keeps the many cases fast; the last test checks
that nothing did change. Key checks run the real OpenAI SDK against local servers: `FakeOpenAI`, `ErrorServer`
below (one of OpenAI's error bodies for every request; the fake's `/v1/models` always succeeds) and a closed port.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2
import pytest
import pytest_asyncio
from tests.conftest import TEST_KEY, error_of
from tests.support.fake_openai import (
    DEFAULT_MODELS,
    ErrorReply,
    FakeOpenAI,
    error,
    insufficient_quota,
    rate_limited,
    server_error,
)

from openorchestrator.app import create_app
from openorchestrator.config import Config
from openorchestrator.runtime import open_runtime

pytestmark = pytest.mark.asyncio(loop_scope="module")

MODEL = "openai:gpt-4.1-mini"
VALID = {"name": "Fresh", "prompt": "Find new offers.", "model": MODEL}
SNAPSHOT_PATHS = ("/api/bots", "/api/providers", "/api/settings")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    """One app with an `openai` credential (saved unchecked: no provider is called here) and two bots."""
    config = Config(data_dir=tmp_path_factory.mktemp("validation") / "data", _env_file=None)  # type: ignore[call-arg]
    services = await open_runtime(config)
    app = create_app(config, runtime=services)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as http:
                created = await http.post(
                    "/api/providers?validate=false",
                    json={"type": "openai", "api_key": "sk-validation-0000000000", "base_url": "http://127.0.0.1:9/v1"},
                )
                assert created.status_code == 201, created.text
                scout = await http.post("/api/bots", json={**VALID, "name": "Scout"})
                other = await http.post("/api/bots", json={**VALID, "name": "Other"})
                assert scout.status_code == other.status_code == 201
                snapshot = {path: (await http.get(path)).json() for path in SNAPSHOT_PATHS}
                yield {"http": http, "scout": scout.json(), "other": other.json(), "snapshot": snapshot}
    finally:
        await services.close()


@pytest.fixture(scope="module")
def shared_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_keys=[TEST_KEY]) as server:
        yield server


@pytest.fixture
def fake(shared_fake: FakeOpenAI) -> FakeOpenAI:
    """Stands in for conftest's `fake`: one server for the module, emptied for each test (faster)."""
    shared_fake.reset()
    return shared_fake


def field_error(response: httpx2.Response, field: str) -> dict[str, str]:
    """A 422 `invalid_input` whose first detail names `field` (or an item of it) with a reason."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert error["code"] == "invalid_input", body
    assert isinstance(error["message"], str) and error["message"], body
    detail = error["details"][0]
    named = detail["field"]
    assert named == field or named.startswith((f"{field}.", f"{field}[")), (field, body)
    assert isinstance(detail["reason"], str) and detail["reason"].strip(), body
    assert "Traceback" not in response.text
    return detail  # type: ignore[no-any-return]


# -- POST /api/bots --------------------------------------------------------------------------------------
CREATE_CASES = [
    # (id, changes to a valid body, field named)
    ("cron-minute-61", {"schedule": "61 * * * *"}, "schedule"),
    ("cron-three-fields", {"schedule": "* * *"}, "schedule"),
    ("cron-never-fires", {"schedule": "0 0 31 2 *"}, "schedule"),
    ("cron-garbage", {"schedule": "every monday"}, "schedule"),
    ("cron-weekday-8", {"schedule": "0 9 * * 8"}, "schedule"),
    ("cron-step-0", {"schedule": "*/0 * * * *"}, "schedule"),
    ("unknown-credential", {"model": "nope:gpt-4"}, "model"),
    ("model-without-colon", {"model": "gpt-4.1-mini"}, "model"),
    ("model-without-model-name", {"model": "openai:"}, "model"),
    ("runtime-negative", {"max_runtime_seconds": -5}, "max_runtime_seconds"),
    ("runtime-zero", {"max_runtime_seconds": 0}, "max_runtime_seconds"),
    ("runtime-too-large", {"max_runtime_seconds": 3601}, "max_runtime_seconds"),
    ("runtime-huge", {"max_runtime_seconds": 10**12}, "max_runtime_seconds"),
    ("unknown-tool", {"tools": ["shell"]}, "tools"),
    ("empty-name", {"name": ""}, "name"),
    ("blank-name", {"name": "   "}, "name"),
    ("multiline-name", {"name": "two\nlines"}, "name"),
    ("name-too-long", {"name": "n" * 101}, "name"),
    ("prompt-too-long", {"prompt": "p" * 20_001}, "prompt"),
    ("empty-prompt", {"prompt": ""}, "prompt"),
    ("unknown-field", {"colour": "blue"}, "colour"),
    ("unknown-timezone", {"timezone": "Mars/Base"}, "timezone"),
    ("unknown-timezone-with-schedule", {"timezone": "Europe/Nowhere", "schedule": "0 9 * * 1"}, "timezone"),
    ("duplicate-name", {"name": "Scout"}, "name"),
    ("duplicate-name-other-case", {"name": "sCOUT"}, "name"),
    ("fallback-unknown-credential", {"fallback_models": ["nope:gpt-4"]}, "fallback_models"),
    ("fallback-without-colon", {"fallback_models": [MODEL, "gpt-4"]}, "fallback_models"),
    ("missed-runs-unknown", {"missed_runs": "sometimes"}, "missed_runs"),
    ("on-complete-unknown-bot", {"on_complete": ["01NOTTHERE0000000000000000"]}, "on_complete"),
    ("enabled-not-bool", {"enabled": "perhaps"}, "enabled"),
    ("negative-budget", {"budget_daily_usd": -1}, "budget_daily_usd"),
]


@pytest.mark.parametrize(("changes", "field"), [case[1:] for case in CREATE_CASES], ids=[c[0] for c in CREATE_CASES])
async def test_create_refuses(api: dict[str, Any], changes: dict[str, Any], field: str) -> None:
    detail = field_error(await api["http"].post("/api/bots", json={**VALID, **changes}), field)
    if changes.get("schedule") == "0 0 31 2 *":
        assert "never" in detail["reason"]


@pytest.mark.parametrize("missing", ["name", "prompt", "model"])
async def test_create_needs_the_required_fields(api: dict[str, Any], missing: str) -> None:
    body = {key: value for key, value in VALID.items() if key != missing}
    field_error(await api["http"].post("/api/bots", json=body), missing)


async def test_the_reason_of_a_bad_cron_says_what_is_wrong(api: dict[str, Any]) -> None:
    http = api["http"]
    assert (
        "59"
        in field_error(await http.post("/api/bots", json={**VALID, "schedule": "61 * * * *"}), "schedule")["reason"]
    )
    assert (
        "5 fields"
        in field_error(await http.post("/api/bots", json={**VALID, "schedule": "* * *"}), "schedule")["reason"]
    )
    assert "nope" in field_error(await http.post("/api/bots", json={**VALID, "model": "nope:gpt-4"}), "model")["reason"]


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"name": "x",}', b"", b"[]", b'"just a string"'],
    ids=["broken", "trailing-comma", "empty", "array", "string"],
)
async def test_create_refuses_a_body_that_is_not_a_json_object(api: dict[str, Any], body: bytes) -> None:
    response = await api["http"].post("/api/bots", content=body, headers={"content-type": "application/json"})
    field_error(response, "body")


async def test_the_field_message_of_invalid_json_says_so(api: dict[str, Any]) -> None:
    response = await api["http"].post("/api/bots", content=b"{oops", headers={"content-type": "application/json"})
    assert "JSON" in field_error(response, "body")["reason"]


async def test_a_422_lists_every_bad_field(api: dict[str, Any]) -> None:
    response = await api["http"].post("/api/bots", json={"name": "", "prompt": "", "model": MODEL})
    field_error(response, "name")
    assert {detail["field"] for detail in response.json()["error"]["details"]} >= {"name", "prompt"}


# -- edge values that must be accepted (cleaned up at once) -----------------------------------------------
@pytest.mark.parametrize(
    "changes",
    [
        {"schedule": "0 9 * * 1"},
        {"schedule": "0 9 * * 7"},
        {"schedule": "0 9 * * 0"},
        {"schedule": "*/15 8-18 * * mon-fri"},
        {"schedule": "0 0 29 2 *"},
        {"schedule": "0 9 * * 1", "timezone": "America/New_York"},
        {"max_runtime_seconds": 1},
        {"max_runtime_seconds": 3600},
        {"name": "n" * 100, "prompt": "p" * 20_000},
        {"model": "openai:org/model:tag"},
    ],
    ids=[
        "monday",
        "sunday-as-7",
        "sunday-as-0",
        "ranges-and-names",
        "leap-day",
        "own-timezone",
        "runtime-1",
        "runtime-3600",
        "max-lengths",
        "colons-in-model-name",
    ],
)
async def test_create_accepts_edge_values(api: dict[str, Any], changes: dict[str, Any]) -> None:
    http = api["http"]
    response = await http.post("/api/bots", json={**VALID, **changes})
    assert response.status_code == 201, response.text
    assert {key: response.json()[key] for key in changes} == changes
    assert (await http.delete(f"/api/bots/{response.json()['id']}")).status_code == 204


# -- PATCH /api/bots/{id} --------------------------------------------------------------------------------
PATCH_CASES = [
    ("name-null", {"name": None}, "name"),
    ("prompt-null", {"prompt": None}, "prompt"),
    ("model-null", {"model": None}, "model"),
    ("enabled-null", {"enabled": None}, "enabled"),
    ("runtime-null", {"max_runtime_seconds": None}, "max_runtime_seconds"),
    ("missed-runs-null", {"missed_runs": None}, "missed_runs"),
    ("tools-null", {"tools": None}, "tools"),
    ("fallback-null", {"fallback_models": None}, "fallback_models"),
    ("on-complete-null", {"on_complete": None}, "on_complete"),
    ("description-null", {"description": None}, "description"),
    ("emoji-null", {"emoji": None}, "emoji"),
    ("cron-invalid", {"schedule": "61 * * * *"}, "schedule"),
    ("cron-never-fires", {"schedule": "0 0 30 2 *"}, "schedule"),
    ("timezone-unknown", {"timezone": "Mars/Base"}, "timezone"),
    ("model-unknown-credential", {"model": "nope:gpt-4"}, "model"),
    ("runtime-zero", {"max_runtime_seconds": 0}, "max_runtime_seconds"),
    ("tool-unknown", {"tools": ["rm_rf"]}, "tools"),
    ("name-taken-other-case", {"name": "OTHER"}, "name"),
    ("name-too-long", {"name": "n" * 101}, "name"),
    ("unknown-field", {"id": "01NEWID0000000000000000000"}, "id"),
]


@pytest.mark.parametrize(("changes", "field"), [case[1:] for case in PATCH_CASES], ids=[c[0] for c in PATCH_CASES])
async def test_patch_refuses(api: dict[str, Any], changes: dict[str, Any], field: str) -> None:
    http, scout = api["http"], api["scout"]
    detail = field_error(await http.patch(f"/api/bots/{scout['id']}", json=changes), field)
    if list(changes.values()) == [None]:
        assert "null" in detail["reason"]


async def test_patch_of_an_unknown_bot_is_404(api: dict[str, Any]) -> None:
    response = await api["http"].patch("/api/bots/01NOTTHERE0000000000000000", json={"prompt": "x"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# -- POST /api/bots/{id}/runs and GET .../runs ------------------------------------------------------------
async def test_run_input_over_100000_chars_is_refused(api: dict[str, Any]) -> None:
    http, scout = api["http"], api["scout"]
    field_error(await http.post(f"/api/bots/{scout['id']}/runs", json={"input": "x" * 100_001}), "input")
    field_error(await http.post(f"/api/bots/{scout['id']}/runs", json={"input": 42}), "input")
    field_error(await http.post(f"/api/bots/{scout['id']}/runs", json={"inptu": "typo"}), "inptu")
    field_error(
        await http.post(f"/api/bots/{scout['id']}/runs", content=b"{", headers={"content-type": "application/json"}),
        "body",
    )
    assert (await http.get(f"/api/bots/{scout['id']}/runs")).json() == []


@pytest.mark.parametrize(("query", "field"), [("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit")])
async def test_run_list_refuses_bad_paging(api: dict[str, Any], query: str, field: str) -> None:
    scout = api["scout"]
    field_error(await api["http"].get(f"/api/bots/{scout['id']}/runs?{query}"), field)


# -- POST /api/providers and /api/providers/validate -------------------------------------------------------
CREDENTIAL_CASES = [
    ("unknown-type", {"type": "azure", "api_key": "k"}, "type"),
    ("no-type", {"api_key": "k"}, "type"),
    ("anthropic-without-key", {"type": "anthropic", "name": "a"}, "api_key"),
    ("google-without-key", {"type": "google", "name": "g"}, "api_key"),
    ("mistral-without-key", {"type": "mistral", "name": "m"}, "api_key"),
    ("ollama-bad-url", {"type": "ollama", "base_url": "localhost:11434"}, "base_url"),
    ("compatible-without-base-url", {"type": "openai_compatible", "api_key": "k"}, "base_url"),
    ("openai-without-key", {"type": "openai", "name": "x"}, "api_key"),
    ("openai-empty-key", {"type": "openai", "name": "x", "api_key": ""}, "api_key"),
    ("openai-blank-key", {"type": "openai", "name": "x", "api_key": "   "}, "api_key"),
    ("key-with-inner-space", {"type": "openai", "name": "x", "api_key": "sk-with space"}, "api_key"),
    ("name-with-space", {"type": "openai", "api_key": "k", "name": "Open AI"}, "name"),
    ("name-too-long", {"type": "openai", "api_key": "k", "name": "x" * 65}, "name"),
    ("name-taken", {"type": "openai", "api_key": "k"}, "name"),
    ("ftp-url", {"type": "openai", "name": "x", "api_key": "k", "base_url": "ftp://example.com"}, "base_url"),
    ("url-without-scheme", {"type": "openai", "name": "x", "api_key": "k", "base_url": "localhost:1234"}, "base_url"),
    ("unknown-field", {"type": "openai", "name": "x", "api_key": "k", "organization": "org-1"}, "organization"),
]


@pytest.mark.parametrize(
    ("body", "field"), [case[1:] for case in CREDENTIAL_CASES], ids=[c[0] for c in CREDENTIAL_CASES]
)
async def test_credential_create_refuses(
    api: dict[str, Any], fake: FakeOpenAI, body: dict[str, Any], field: str
) -> None:
    if field != "base_url":
        body = {"base_url": fake.base_url, **body}  # so nothing could ever reach the real OpenAI
    field_error(await api["http"].post("/api/providers", json=body), field)
    assert fake.requests == []  # refused before any key check


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "anthropic", "name": "a"}, "api_key"),
        ({"type": "openai_compatible"}, "base_url"),
        ({"type": "openai"}, "api_key"),
        ({"type": "openai", "api_key": "k"}, "name"),
    ],
    ids=["anthropic-without-key", "compatible-without-base-url", "openai-without-key", "name-taken"],
)
async def test_unchecked_credential_create_still_refuses(api: dict[str, Any], body: dict[str, Any], field: str) -> None:
    field_error(await api["http"].post("/api/providers?validate=false", json=body), field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "anthropic"}, "api_key"),
        ({"type": "ollama", "base_url": "ftp://localhost"}, "base_url"),
        ({"type": "openai_compatible"}, "base_url"),
        ({"type": "openai"}, "api_key"),
        ({"type": "openai", "api_key": "k", "base_url": "file:///etc/passwd"}, "base_url"),
        ({"type": "openai", "api_key": "k", "name": "x"}, "name"),
    ],
    ids=["anthropic", "ollama", "compatible-without-base-url", "openai-without-key", "file-url", "unknown-field"],
)
async def test_key_validation_refuses(api: dict[str, Any], body: dict[str, Any], field: str) -> None:
    field_error(await api["http"].post("/api/providers/validate", json=body), field)


# -- local servers ----------------------------------------------------------------------------------------
class ErrorServer:
    """Answers every request with one fixed OpenAI error (status, JSON body, headers); counts the requests."""

    def __init__(self, reply: ErrorReply) -> None:
        outer = self
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                outer.requests += 1
                body = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ErrorServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/v1"


# -- key checks: 400 on create, a report from /validate ----------------------------------------------
async def create_checked(api: dict[str, Any], base_url: str, api_key: str = TEST_KEY) -> httpx2.Response:
    """POST /api/providers with the key check, under a free name (`openai` is taken in this app)."""
    return await api["http"].post(
        "/api/providers", json={"type": "openai", "name": "checked", "api_key": api_key, "base_url": base_url}
    )


async def validate(api: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = await api["http"].post("/api/providers/validate", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert set(result) == {"valid", "models", "error"}
    if result["error"] is not None:
        assert set(result["error"]) == {"code", "message"}
        assert result["error"]["message"].strip()
    return result  # type: ignore[no-any-return]


async def test_create_with_a_wrong_key_is_400_invalid_key(api: dict[str, Any], fake: FakeOpenAI) -> None:
    response = await create_checked(api, fake.base_url, api_key="sk-wrong-0000000000000000")
    error_of(response, 400, "invalid_key")
    assert "sk-wrong-0000000000000000" not in response.text
    assert [r.path for r in fake.requests] == ["/v1/models"]


async def test_create_without_credit_is_400_quota_exhausted(api: dict[str, Any]) -> None:
    with ErrorServer(insufficient_quota()) as server:
        error_of(await create_checked(api, server.base_url), 400, "quota_exhausted")
        assert server.requests == 1


async def test_create_against_a_closed_port_is_400_unreachable(api: dict[str, Any], closed_port_url: str) -> None:
    error = error_of(await create_checked(api, closed_port_url), 400, "unreachable")
    assert closed_port_url in error["message"]


async def test_create_against_a_url_without_the_api_is_400_unreachable(api: dict[str, Any], fake: FakeOpenAI) -> None:
    error_of(await create_checked(api, fake.base_url.removesuffix("/v1") + "/not-the-api"), 400, "unreachable")


async def test_create_when_the_provider_fails_is_400_provider_error(api: dict[str, Any]) -> None:
    with ErrorServer(server_error(500)) as server:
        error_of(await create_checked(api, server.base_url), 400, "provider_error")


async def test_validate_a_good_key(api: dict[str, Any], fake: FakeOpenAI) -> None:
    result = await validate(api, type="openai", api_key=TEST_KEY, base_url=fake.base_url)
    assert result == {"valid": True, "models": sorted(DEFAULT_MODELS), "error": None}
    assert [(r.method, r.path, r.api_key) for r in fake.requests] == [("GET", "/v1/models", TEST_KEY)]


async def test_validate_a_wrong_key(api: dict[str, Any], fake: FakeOpenAI) -> None:
    result = await validate(api, type="openai", api_key="sk-wrong-1111", base_url=fake.base_url)
    assert (result["valid"], result["models"], result["error"]["code"]) == (False, [], "invalid_key")


@pytest.mark.parametrize(
    ("reply", "valid", "code"),
    [
        (rate_limited(retry_after=3), True, "rate_limited"),
        (insufficient_quota(), False, "quota_exhausted"),
        (error(401, code="invalid_api_key", message="Incorrect API key provided"), False, "invalid_key"),
        (
            error(403, code="unsupported_country_region_territory", message="Country not supported"),
            False,
            "invalid_key",
        ),
        (server_error(500), False, "provider_error"),
    ],
    ids=["rate-limited", "quota", "401", "403", "500"],
)
async def test_validate_reports_what_the_provider_said(
    api: dict[str, Any], reply: ErrorReply, valid: bool, code: str
) -> None:
    with ErrorServer(reply) as server:
        result = await validate(api, type="openai", api_key=TEST_KEY, base_url=server.base_url)
        assert server.requests == 1  # one try: the check does not retry
    assert (result["valid"], result["models"], result["error"]["code"]) == (valid, [], code)


async def test_validate_an_unreachable_server(api: dict[str, Any], closed_port_url: str) -> None:
    result = await validate(api, type="openai_compatible", base_url=closed_port_url)
    assert (result["valid"], result["models"], result["error"]["code"]) == (False, [], "unreachable")
    assert closed_port_url in result["error"]["message"]


async def test_validate_a_local_server_without_a_key(api: dict[str, Any]) -> None:
    with FakeOpenAI(models=["llama3.1:8b", "qwen2.5"]) as local:
        result = await validate(api, type="openai_compatible", base_url=local.base_url)
        assert local.requests[0].api_key == "not-needed"
    assert result == {"valid": True, "models": ["llama3.1:8b", "qwen2.5"], "error": None}


# -- PATCH /api/settings ---------------------------------------------------------------------------------
SETTINGS_CASES = [
    ("parallel-0", {"max_parallel_runs": 0}, "max_parallel_runs"),
    ("parallel-too-many", {"max_parallel_runs": 1000}, "max_parallel_runs"),
    ("language-fr", {"language": "fr"}, "language"),
    ("timezone-mars", {"timezone": "Mars/Base"}, "timezone"),
    ("theme-pink", {"theme": "pink"}, "theme"),
    ("quiet-hours-25", {"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours"),
    ("quiet-hours-no-end", {"quiet_hours": {"start": "23:00"}}, "quiet_hours"),
    ("quiet-hours-not-hhmm", {"quiet_hours": {"start": "11pm", "end": "07:00"}}, "quiet_hours"),
    ("jitter-negative", {"jitter_seconds": -1}, "jitter_seconds"),
    ("missed-runs-unknown", {"missed_runs_default": "always"}, "missed_runs_default"),
    ("budget-negative", {"budget_monthly_usd": -5}, "budget_monthly_usd"),
    ("warn-percent-0", {"budget_warn_percent": 0}, "budget_warn_percent"),
    ("warn-percent-101", {"budget_warn_percent": 101}, "budget_warn_percent"),
    ("allowlist-bad-host", {"fetch_allowlist": ["not a host!"]}, "fetch_allowlist"),
    ("allowlist-bad-among-good", {"fetch_allowlist": ["10.0.0.0/8", "nas.local", "http://x/"]}, "fetch_allowlist"),
    ("unknown-key", {"dark_mode": True}, "dark_mode"),
    ("null-parallel", {"max_parallel_runs": None}, "max_parallel_runs"),
    ("null-timezone", {"timezone": None}, "timezone"),
    ("null-language", {"language": None}, "language"),
    ("null-theme", {"theme": None}, "theme"),
    ("null-jitter", {"jitter_seconds": None}, "jitter_seconds"),
    ("null-missed-runs", {"missed_runs_default": None}, "missed_runs_default"),
    ("null-warn-percent", {"budget_warn_percent": None}, "budget_warn_percent"),
    ("null-allowlist", {"fetch_allowlist": None}, "fetch_allowlist"),
    ("good-and-bad", {"theme": "dark", "max_parallel_runs": 0}, "max_parallel_runs"),
]


@pytest.mark.parametrize(("patch", "field"), [case[1:] for case in SETTINGS_CASES], ids=[c[0] for c in SETTINGS_CASES])
async def test_settings_patch_refuses(api: dict[str, Any], patch: dict[str, Any], field: str) -> None:
    detail = field_error(await api["http"].patch("/api/settings", json=patch), field)
    if list(patch.values()) == [None]:
        assert "null" in detail["reason"]


async def test_settings_patch_refuses_a_body_that_is_not_an_object(api: dict[str, Any]) -> None:
    http = api["http"]
    field_error(await http.patch("/api/settings", content=b"{", headers={"content-type": "application/json"}), "body")
    field_error(await http.patch("/api/settings", json=[1, 2]), "body")


# -- nothing above changed anything ----------------------------------------------------------------------
async def test_nothing_was_changed_by_the_refused_requests(api: dict[str, Any]) -> None:
    http = api["http"]
    for path, before in api["snapshot"].items():
        now = (await http.get(path)).json()
        assert now == before, (path, json.dumps(now, indent=1)[:2000])
    scout = api["scout"]
    assert (await http.get(f"/api/bots/{scout['id']}/runs")).json() == []
    status = (await http.get("/api/status")).json()
    assert (status["queue_depth"], status["running"], status["max_parallel_runs"]) == (0, 0, 3)
