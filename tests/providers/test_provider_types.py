"""Every AI provider type end to end through the HTTP API: the key check (`POST /api/providers`, `…/validate`), runs
(usage, model label, cost, the bot's context in each provider's wire format), the provider's failures as run
`error_code`s (with the one retry, the credential marked, the time limit), and fallback across provider types.

Each provider's official SDK (through pydantic-ai for runs) talks to its local stand-in in `tests/support/`:
`FakeAnthropic`, `FakeGemini`, `FakeMistral`, `FakeOllama` and `FakeOpenAI` (for `openai` and
`openai_compatible`). The fakes live for the whole module and are emptied before every test (faster); every test
has its own app and data dir (conftest's `client`).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx2
import pytest
from tests.conftest import error_of, make_bot, wait_for_run
from tests.support import fake_anthropic as anthropic_fake
from tests.support import fake_gemini as gemini_fake
from tests.support import fake_mistral as mistral_fake
from tests.support import fake_ollama as ollama_fake
from tests.support import fake_openai as openai_fake
from tests.support._fake_http import ErrorReply, hang

ANTHROPIC_KEY = "sk-ant-test.key.0123456789.ANTH"
GEMINI_KEY = "AIza.test.key.0123456789.GEMI"
MISTRAL_KEY = "mistral-test-0123456789abcdefMSTR"
OPENAI_KEY = "sk-proj-test-0123456789abcdefOPAI"
LOCAL_KEY = "sk-local-test-0123456789abcdefLOCL"
WRONG_KEY = "sk-wrong-0000000000000000WRNG"

ANTHROPIC_MODELS = ("claude-sonnet-4-5", "claude-haiku-4-5")
"""Real model names, so genai-prices knows their price (the fake's defaults are made-up future names)."""

RETRY_AFTER = 2
BOT_NAME, BOT_DESCRIPTION, BOT_PROMPT, RUN_INPUT = (
    "Scout",
    "Watches the market.",
    "Find new offers.",
    "Look at page 2.",
)
SYSTEM_PROMPT = f"Du bist {BOT_NAME}. {BOT_DESCRIPTION}\n\nDeine Aufgabe:\n{BOT_PROMPT}"
"""Exactly what the bot sees in the language of the test app (de): name, description, task; nothing else."""


# -- the provider types ------------------------------------------------------------------------------------
Fake = Any
"""One of the stand-ins (they share `script`, `reset`, `requests`, `base_url`, `root_url`)."""


def _text_of(content: Any) -> str:
    """A message's text, whether the wire format sends a string or a list of text blocks / parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(_text_of(part.get("text", "")) if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def _openai_wire(body: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """OpenAI's chat format (also Mistral's and Ollama's): a system message, then the user message."""
    messages = [(m["role"], _text_of(m["content"])) for m in body["messages"]]
    system = [text for role, text in messages if role in ("system", "developer")]
    assert len(system) == 1, messages
    return system[0], [(role, text) for role, text in messages if role not in ("system", "developer")]


def _anthropic_wire(body: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """Anthropic: the system prompt in the top-level `system` field; `messages` holds only the user turn."""
    return _text_of(body["system"]), [(m["role"], _text_of(m["content"])) for m in body["messages"]]


def _gemini_wire(body: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """Gemini: `systemInstruction.parts`, and `contents` with the user turn."""
    return _text_of(body["systemInstruction"]["parts"]), [(c["role"], _text_of(c["parts"])) for c in body["contents"]]


@dataclass(frozen=True)
class Provider:
    """What the tests need to know about one provider type and its stand-in."""

    type: str
    display_name: str
    name: str
    key: str | None
    model: str
    """A listed model with a known price (or a local one)."""
    cost: str
    """"priced" (> 0), "free" (0.0, local) or "unknown" (null)."""
    wire: Callable[[dict[str, Any]], tuple[str, list[tuple[str, str]]]]
    generation_route: str
    listing_routes: tuple[str, ...]
    """The routes the key check asks, in order."""
    invalid_key: Callable[[], ErrorReply] | None
    rate_limited: Callable[[float], ErrorReply]
    server_error: Callable[[], ErrorReply]
    unknown_model: Callable[[str], ErrorReply]
    listing_failures: bool = True
    """Whether the fake can make its model listing fail (`script_models_list`; FakeOpenAI cannot)."""
    ollama: bool = False

    def base_url(self, fake: Fake) -> str:
        # Our Ollama adapter appends /v1 itself and the key check asks the root's /api/tags: give the root.
        return str(fake.root_url if self.ollama else fake.base_url)

    def body(self, fake: Fake, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "name": self.name, "base_url": self.base_url(fake)}
        if self.key:
            body["api_key"] = self.key
        return {**body, **overrides}

    @property
    def label(self) -> str:
        return f"{self.name}:{self.model}"

    def generation_requests(self, fake: Fake) -> list[Any]:
        return [r for r in fake.requests if r.method == "POST" and r.path.split("?")[0].endswith(self.generation_route)]


def _gemini_rate_limited(seconds: float) -> ErrorReply:
    return gemini_fake.rate_limited(retry_after=seconds)


def _ollama_rate_limited(seconds: float) -> ErrorReply:
    # Ollama itself does not throttle, but a proxy in front of it may; its answer in Ollama's error shape.
    return ollama_fake.error(429, "too many requests", headers={"retry-after": f"{seconds:g}"})


PROVIDERS: dict[str, Provider] = {
    p.type: p
    for p in (
        Provider(
            type="anthropic",
            display_name="Anthropic",
            name="anthropic",
            key=ANTHROPIC_KEY,
            model="claude-haiku-4-5",
            cost="priced",
            wire=_anthropic_wire,
            generation_route="/v1/messages",
            listing_routes=("/v1/models", "/v1/messages"),
            invalid_key=anthropic_fake.invalid_key,
            rate_limited=anthropic_fake.rate_limited,
            server_error=anthropic_fake.server_error,
            unknown_model=anthropic_fake.model_not_found,
        ),
        Provider(
            type="google",
            display_name="Google Gemini",
            name="google",
            key=GEMINI_KEY,
            model="gemini-2.5-flash",
            cost="priced",
            wire=_gemini_wire,
            generation_route=":generateContent",
            listing_routes=("/v1beta/models",),
            invalid_key=gemini_fake.invalid_key,
            rate_limited=_gemini_rate_limited,
            server_error=gemini_fake.server_error,
            unknown_model=gemini_fake.model_not_found,
        ),
        Provider(
            type="mistral",
            display_name="Mistral",
            name="mistral",
            key=MISTRAL_KEY,
            model="mistral-small-latest",
            cost="priced",
            wire=_openai_wire,
            generation_route="/v1/chat/completions",
            listing_routes=("/v1/models",),
            invalid_key=mistral_fake.invalid_key,
            rate_limited=mistral_fake.rate_limited,
            server_error=mistral_fake.server_error,
            unknown_model=mistral_fake.invalid_model,  # Mistral answers an unknown model with 400 invalid_model
        ),
        Provider(
            type="ollama",
            display_name="Ollama",
            name="ollama",
            key=None,
            model="llama3.1:8b",
            cost="free",
            wire=_openai_wire,
            generation_route="/v1/chat/completions",
            listing_routes=("/api/tags",),
            invalid_key=None,  # no key
            rate_limited=_ollama_rate_limited,
            server_error=ollama_fake.server_error,
            unknown_model=ollama_fake.model_not_found,
            ollama=True,
        ),
        Provider(
            type="openai_compatible",
            display_name="OpenAI-compatible",
            name="lmstudio",
            key=LOCAL_KEY,
            model="gpt-4.1-mini",  # priced at OpenAI, but this endpoint is not OpenAI: the cost stays unknown
            cost="unknown",
            wire=_openai_wire,
            generation_route="/v1/chat/completions",
            listing_routes=("/v1/models",),
            invalid_key=lambda: openai_fake.error(401, code="invalid_api_key", message="Incorrect API key provided"),
            rate_limited=lambda seconds: openai_fake.rate_limited(retry_after=seconds),
            server_error=openai_fake.server_error,
            unknown_model=openai_fake.model_not_found,
            listing_failures=False,
        ),
        Provider(
            type="openai",
            display_name="OpenAI",
            name="openai",
            key=OPENAI_KEY,
            model="gpt-4.1-mini",
            cost="priced",
            wire=_openai_wire,
            generation_route="/v1/chat/completions",
            listing_routes=("/v1/models",),
            invalid_key=lambda: openai_fake.error(401, code="invalid_api_key", message="Incorrect API key provided"),
            rate_limited=lambda seconds: openai_fake.rate_limited(retry_after=seconds),
            server_error=openai_fake.server_error,
            unknown_model=openai_fake.model_not_found,
            listing_failures=False,
        ),
    )
}
ALL = list(PROVIDERS)
NEW_TYPES = ["anthropic", "google", "mistral", "ollama", "openai_compatible"]
"""`openai` is the only type with a full suite elsewhere: its key-check failures in tests/test_validation.py
(the same checker as `openai_compatible`), its run failures (retries, Retry-After, quota, unknown model, timeouts)
in tests/engine/. Here it takes part in the key check, the run and the wire format only."""
WITH_KEY = [t for t in NEW_TYPES if PROVIDERS[t].invalid_key is not None]
LISTING_FAILS = [t for t in NEW_TYPES if PROVIDERS[t].listing_failures]


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, Fake]]:
    servers: dict[str, Fake] = {
        "anthropic": anthropic_fake.FakeAnthropic(api_keys=[ANTHROPIC_KEY], models=ANTHROPIC_MODELS),
        "google": gemini_fake.FakeGemini(api_keys=[GEMINI_KEY]),
        "mistral": mistral_fake.FakeMistral(api_keys=[MISTRAL_KEY]),
        "ollama": ollama_fake.FakeOllama(),
        "openai_compatible": openai_fake.FakeOpenAI(api_keys=[LOCAL_KEY], models=("local-7b", "gpt-4.1-mini")),
        "openai": openai_fake.FakeOpenAI(api_keys=[OPENAI_KEY]),
    }
    for server in servers.values():
        server.start()
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(autouse=True)
def _empty_fakes(fakes: dict[str, Fake]) -> Iterator[None]:
    for server in fakes.values():
        server.reset()
    yield
    for server in fakes.values():
        assert server.errors == [], server.errors  # no bug inside a stand-in


@pytest.fixture
def closed_url() -> str:
    """http://127.0.0.1:<port> where nothing listens."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


def ollama_fake_tags(fake: Fake) -> list[str]:
    """What Ollama's /api/tags names its pulled models (always with a tag), sorted as the key check lists them."""
    return sorted(m if ":" in m else f"{m}:latest" for m in fake.models)


def answer(kind: str, content: str, tokens_in: int, tokens_out: int) -> Any:
    """A text reply with this usage, in the scripting form of the kind's stand-in."""
    if kind in ("openai", "openai_compatible"):
        return openai_fake.text(content, prompt_tokens=tokens_in, completion_tokens=tokens_out)
    return anthropic_fake.text(content, input_tokens=tokens_in, output_tokens=tokens_out)  # the shared TextReply


async def save(client: httpx2.AsyncClient, provider: Provider, fake: Fake) -> dict[str, Any]:
    """Save the provider's credential (with the key check), then forget the check's requests."""
    response = await client.post("/api/providers", json=provider.body(fake))
    assert response.status_code == 201, response.text
    fake.reset()
    return response.json()  # type: ignore[no-any-return]


async def validate(client: httpx2.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    body = {key: value for key, value in body.items() if key != "name"}  # validate takes no name
    response = await client.post("/api/providers/validate", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert set(result) == {"valid", "models", "error"}, result
    if result["error"] is not None:
        assert set(result["error"]) == {"code", "message"} and result["error"]["message"].strip(), result
    for key in (ANTHROPIC_KEY, GEMINI_KEY, MISTRAL_KEY, OPENAI_KEY, LOCAL_KEY, WRONG_KEY):
        assert key not in response.text
    return result  # type: ignore[no-any-return]


async def bot_for(client: httpx2.AsyncClient, provider: Provider, **fields: Any) -> dict[str, Any]:
    return await make_bot(
        client,
        **{"name": BOT_NAME, "description": BOT_DESCRIPTION, "prompt": BOT_PROMPT, "model": provider.label, **fields},
    )


async def run_bot(client: httpx2.AsyncClient, bot: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(f"/api/bots/{bot['id']}/runs", json={"input": RUN_INPUT})
    assert response.status_code == 202, response.text
    return await wait_for_run(client, response.json()["id"])


async def runs_of(client: httpx2.AsyncClient, bot: dict[str, Any]) -> list[dict[str, Any]]:
    return (await client.get(f"/api/bots/{bot['id']}/runs")).json()  # type: ignore[no-any-return]


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def logged(run: dict[str, Any], text: str) -> bool:
    return any(text in entry["message"] for entry in run["log"])


# == 1. the key check ======================================================================================
@pytest.mark.parametrize("kind", ALL)
async def test_saving_checks_the_key_lists_the_models_and_shows_only_a_hint(
    client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str
) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    response = await client.post("/api/providers", json=provider.body(fake))

    assert response.status_code == 201, response.text
    credential = response.json()
    expected = ollama_fake_tags(fake) if provider.ollama else sorted(fake.models)
    assert (credential["type"], credential["name"], credential["models"]) == (kind, provider.name, expected)
    assert (credential["status"], credential["error_message"]) == ("connected", None)
    assert credential["base_url"] == provider.base_url(fake)
    assert credential["api_key_hint"] == (f"…{provider.key[-4:]}" if provider.key else None)
    assert "api_key" not in credential
    routes = [r.path.split("?")[0] for r in fake.requests]
    assert routes == list(provider.listing_routes), routes
    if provider.key:
        assert {r.api_key for r in fake.requests} == {provider.key}  # the key reached the provider ...
        for answer in (
            response,
            await client.get("/api/providers"),
            await client.get(f"/api/providers/{credential['id']}"),
        ):
            assert provider.key not in answer.text  # ... and never comes back
    if kind == "anthropic":  # listing works without credit: one 1-token call with the cheapest model tells
        call = fake.requests[-1].json
        assert (call["model"], call["max_tokens"]) == ("claude-haiku-4-5", 1)


@pytest.mark.parametrize("kind", [t for t in NEW_TYPES if PROVIDERS[t].key])
async def test_a_wrong_key_is_invalid_key(client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    result = await validate(client, provider.body(fake, api_key=WRONG_KEY))
    assert (result["valid"], result["models"], result["error"]["code"]) == (False, [], "invalid_key"), result
    assert "Key ungültig" in result["error"]["message"]
    if kind == "google":  # Gemini says so with 400 INVALID_ARGUMENT / API_KEY_INVALID, not 401
        assert fake.requests[0].api_key == WRONG_KEY

    refused = await client.post("/api/providers", json=provider.body(fake, api_key=WRONG_KEY))
    error_of(refused, 400, "invalid_key")
    assert WRONG_KEY not in refused.text
    assert (await client.get("/api/providers")).json() == []


async def test_geminis_400_api_key_invalid_is_invalid_key(client: httpx2.AsyncClient, fakes: dict[str, Fake]) -> None:
    provider, fake = PROVIDERS["google"], fakes["google"]
    fake.script_models_list(gemini_fake.invalid_key())
    result = await validate(client, provider.body(fake))
    assert (result["valid"], result["error"]["code"]) == (False, "invalid_key"), result


@pytest.mark.parametrize("kind", ["anthropic", "google", "mistral"])
async def test_a_rate_limited_key_is_valid_but_rate_limited(
    client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str
) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    fake.script_models_list(provider.rate_limited(RETRY_AFTER))
    result = await validate(client, provider.body(fake))
    assert (result["valid"], result["error"]["code"]) == (True, "rate_limited"), result
    assert "Key gültig" in result["error"]["message"]


async def test_anthropic_without_credit_is_quota_exhausted(client: httpx2.AsyncClient, fakes: dict[str, Fake]) -> None:
    provider, fake = PROVIDERS["anthropic"], fakes["anthropic"]
    fake.script(anthropic_fake.no_credit(), anthropic_fake.no_credit())  # the listing works; the 1-token call not
    result = await validate(client, provider.body(fake))
    assert (result["valid"], result["models"], result["error"]["code"]) == (False, [], "quota_exhausted"), result
    assert [r.path.split("?")[0] for r in fake.requests] == ["/v1/models", "/v1/messages"]
    error_of(await client.post("/api/providers", json=provider.body(fake)), 400, "quota_exhausted")


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(lambda: gemini_fake.rate_limited(retry_after=None, daily=True), id="daily-quota"),
        pytest.param(gemini_fake.billing_required, id="billing"),
    ],
)
async def test_gemini_without_quota_or_billing_is_quota_exhausted(
    client: httpx2.AsyncClient, fakes: dict[str, Fake], reply: Callable[[], ErrorReply]
) -> None:
    provider, fake = PROVIDERS["google"], fakes["google"]
    fake.script_models_list(reply())
    result = await validate(client, provider.body(fake))
    assert (result["valid"], result["error"]["code"]) == (False, "quota_exhausted"), result
    assert "Kein Guthaben" in result["error"]["message"]


@pytest.mark.parametrize("kind", LISTING_FAILS)
async def test_a_provider_error_is_provider_error(
    client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str
) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    fake.script_models_list(provider.server_error())
    result = await validate(client, provider.body(fake))
    assert (result["valid"], result["models"], result["error"]["code"]) == (False, [], "provider_error"), result
    assert len(fake.requests) == 1  # the check does not retry


@pytest.mark.parametrize("kind", NEW_TYPES)
async def test_a_closed_port_is_unreachable(client: httpx2.AsyncClient, kind: str, closed_url: str) -> None:
    provider = PROVIDERS[kind]
    base_url = closed_url if provider.ollama or kind != "openai_compatible" else f"{closed_url}/v1"
    body = {"type": kind, "base_url": base_url, **({"api_key": provider.key} if provider.key else {})}
    result = await validate(client, body)
    assert (result["valid"], result["models"], result["error"]["code"]) == (False, [], "unreachable"), result
    assert base_url in result["error"]["message"]
    if provider.ollama:
        assert result["error"]["message"].startswith(f"Ollama läuft nicht unter {closed_url}"), result


@pytest.mark.parametrize("kind", NEW_TYPES)
async def test_a_wrong_base_url_is_unreachable(client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    wrong = f"{fake.root_url}/not-the-api"
    result = await validate(client, provider.body(fake, base_url=wrong))
    assert (result["valid"], result["models"], result["error"]["code"]) == (False, [], "unreachable"), result
    assert wrong in result["error"]["message"]
    assert fake.requests and all(r.path.startswith("/not-the-api/") for r in fake.requests)


async def test_an_ollama_behind_a_proxy_has_its_key_checked_and_sent(client: httpx2.AsyncClient) -> None:
    key = "proxy-key-0123456789abcdef"
    with ollama_fake.FakeOllama(api_keys=[key]) as proxied:
        wrong = await validate(client, {"type": "ollama", "api_key": WRONG_KEY, "base_url": proxied.root_url})
        assert (wrong["valid"], wrong["error"]["code"]) == (False, "invalid_key"), wrong
        right = await validate(client, {"type": "ollama", "api_key": key, "base_url": proxied.root_url})
        assert right == {"valid": True, "models": ollama_fake_tags(proxied), "error": None}, right
        saved = await client.post(
            "/api/providers", json={"type": "ollama", "api_key": key, "base_url": proxied.root_url}
        )
        assert saved.status_code == 201 and key not in saved.text, saved.text
        run = await run_bot(client, await bot_for(client, PROVIDERS["ollama"]))
        assert (run["status"], run["model"]) == ("completed", "ollama:llama3.1:8b"), run
        assert [r.api_key for r in proxied.chat_requests] == [key]


# == 2. runs ===============================================================================================
@pytest.mark.parametrize("kind", ALL)
async def test_a_run_answers_with_usage_model_cost_and_the_bots_context(
    client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str
) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    await save(client, provider, fake)
    bot = await bot_for(client, provider)
    fake.script(answer(kind, f"Two new offers from {kind}.", 321, 45))

    run = await run_bot(client, bot)

    assert run["status"] == "completed", run
    assert (run["output"], run["model"], run["tokens_in"], run["tokens_out"]) == (
        f"Two new offers from {kind}.",
        provider.label,
        321,
        45,
    )
    assert (run["error_code"], run["attempt"]) == (None, 1)
    if provider.cost == "priced":
        assert isinstance(run["cost_estimate"], float) and run["cost_estimate"] > 0, run["cost_estimate"]
    elif provider.cost == "free":
        assert run["cost_estimate"] == 0.0
    else:
        assert run["cost_estimate"] is None
        assert logged(run, "No price is known for this model"), run["log"]
    # The bot's context, exactly, in the provider's own wire format.
    (request,) = provider.generation_requests(fake)
    assert request.model == provider.model
    if provider.key:
        assert request.api_key == provider.key
    system, turns = provider.wire(request.json)
    assert system == SYSTEM_PROMPT
    assert turns == [("user", RUN_INPUT)]
    # Without a limit of the bot's, pydantic-ai asks for Claude's maximum output (64,000) and so streams.
    assert bool(request.json.get("stream")) is (kind == "anthropic"), request.json
    assert all(key not in str(run) for key in (ANTHROPIC_KEY, GEMINI_KEY, MISTRAL_KEY, OPENAI_KEY, LOCAL_KEY))


async def test_anthropic_answers_a_short_limit_without_streaming(
    client: httpx2.AsyncClient, fakes: dict[str, Fake]
) -> None:
    provider, fake = PROVIDERS["anthropic"], fakes["anthropic"]
    await save(client, provider, fake)
    bot = await bot_for(client, provider, max_output_tokens=4000)
    fake.script(anthropic_fake.text("A short note.", input_tokens=120, output_tokens=4))

    run = await run_bot(client, bot)

    assert run["status"] == "completed", run
    assert (run["output"], run["tokens_in"], run["tokens_out"]) == ("A short note.", 120, 4)
    assert run["model"] == "anthropic:claude-haiku-4-5" and run["cost_estimate"] > 0
    (request,) = provider.generation_requests(fake)
    assert (bool(request.json.get("stream")), request.json["max_tokens"]) == (False, 4000)
    assert provider.wire(request.json) == (SYSTEM_PROMPT, [("user", RUN_INPUT)])


async def test_anthropic_streams_a_long_limit(client: httpx2.AsyncClient, fakes: dict[str, Fake]) -> None:
    """Above ~21,333 output tokens the SDK refuses a non-streamed call (it may take over 10 minutes, with no byte
    on the wire meanwhile); pydantic-ai streams it then."""
    provider, fake = PROVIDERS["anthropic"], fakes["anthropic"]
    await save(client, provider, fake)
    bot = await bot_for(client, provider, max_output_tokens=64000)
    fake.script(anthropic_fake.text("A long report in several pieces.", input_tokens=400, output_tokens=60))

    run = await run_bot(client, bot)

    assert run["status"] == "completed", run
    assert (run["output"], run["tokens_in"], run["tokens_out"]) == ("A long report in several pieces.", 400, 60)
    assert run["model"] == "anthropic:claude-haiku-4-5" and run["cost_estimate"] > 0
    (request,) = provider.generation_requests(fake)
    assert (request.json.get("stream"), request.json["max_tokens"]) == (True, 64000)
    assert provider.wire(request.json) == (SYSTEM_PROMPT, [("user", RUN_INPUT)])


@pytest.mark.parametrize("kind", WITH_KEY)
async def test_an_invalid_key_fails_the_run_and_marks_the_credential(
    client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str
) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    credential = await save(client, provider, fake)
    bot = await bot_for(client, provider)
    assert provider.invalid_key is not None
    fake.script(provider.invalid_key())

    run = await run_bot(client, bot)

    assert (run["status"], run["error_code"]) == ("failed", "invalid_key"), run
    assert "Key ungültig" in run["error_message"] and provider.display_name in run["error_message"]
    marked = (await client.get(f"/api/providers/{credential['id']}")).json()
    assert marked["status"] == "error", marked
    assert marked["error_message"].startswith("Key ungültig") and provider.display_name in marked["error_message"]
    assert len(await runs_of(client, bot)) == 1  # not retried
    assert len(provider.generation_requests(fake)) == 1


@pytest.mark.parametrize(
    ("kind", "reply"),
    [
        ("anthropic", anthropic_fake.no_credit),
        ("google", lambda: gemini_fake.rate_limited(retry_after=None, daily=True)),
        ("google", gemini_fake.billing_required),
        ("openai_compatible", openai_fake.insufficient_quota),
    ],
    ids=["anthropic-credit", "google-daily", "google-billing", "openai_compatible"],
)
async def test_no_credit_is_quota_exhausted(
    client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str, reply: Callable[[], ErrorReply]
) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    credential = await save(client, provider, fake)
    bot = await bot_for(client, provider)
    fake.script(reply())

    run = await run_bot(client, bot)

    assert (run["status"], run["error_code"]) == ("failed", "quota_exhausted"), run
    assert "Kein Guthaben" in run["error_message"]
    marked = (await client.get(f"/api/providers/{credential['id']}")).json()
    assert (marked["status"], marked["error_message"].split(" —")[0]) == ("error", "Kein Guthaben"), marked
    assert len(await runs_of(client, bot)) == 1


@pytest.mark.parametrize("kind", NEW_TYPES)
async def test_a_rate_limit_is_retried_once_after_retry_after(
    client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str
) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    await save(client, provider, fake)
    bot = await bot_for(client, provider)
    fake.script(provider.rate_limited(RETRY_AFTER))

    run = await run_bot(client, bot)

    assert (run["status"], run["error_code"]) == ("failed", "rate_limited"), run
    assert "Rate-Limit" in run["error_message"]
    runs = await runs_of(client, bot)
    assert len(runs) == 2, runs
    retry = next(r for r in runs if r["id"] != run["id"])
    assert (retry["trigger"], retry["attempt"], retry["retry_of"], retry["status"]) == (
        "retry",
        2,
        run["id"],
        "pending",
    )
    # The retry waits for what the provider asked (2 s), not the app's retry_delay_seconds (0.05 s here).
    not_before = when(retry["not_before"])
    assert not_before >= when(run["created_at"]) + timedelta(seconds=RETRY_AFTER), (run, retry)
    assert not_before >= when(run["finished_at"]) + timedelta(seconds=RETRY_AFTER), (run, retry)
    # The retry is stamped a few µs after the moment its wait counts from.
    waited = not_before - when(retry["created_at"])
    assert timedelta(seconds=RETRY_AFTER - 0.01) <= waited < timedelta(seconds=RETRY_AFTER + 1), waited
    cancelled = await client.post(f"/api/runs/{retry['id']}/cancel")  # don't wait it out
    assert cancelled.status_code == 200, cancelled.text
    assert len(provider.generation_requests(fake)) == 1


@pytest.mark.parametrize("kind", NEW_TYPES)
async def test_a_server_error_is_retried_once(client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    await save(client, provider, fake)
    bot = await bot_for(client, provider)
    fake.script(provider.server_error(), provider.server_error())

    run = await run_bot(client, bot)

    assert (run["status"], run["error_code"]) == ("failed", "provider_error"), run
    assert provider.display_name in run["error_message"]
    retry_id = next(entry["retry_run_id"] for entry in run["log"] if "retry_run_id" in entry)
    retry = await wait_for_run(client, retry_id)
    assert (retry["status"], retry["error_code"], retry["attempt"]) == ("failed", "provider_error", 2), retry
    runs = await runs_of(client, bot)
    assert sorted(r["attempt"] for r in runs) == [1, 2], runs  # the retry is not retried
    assert len(provider.generation_requests(fake)) == 2


async def test_a_hanging_provider_times_out(client: httpx2.AsyncClient, fakes: dict[str, Fake]) -> None:
    """All types at once: each run waits out its bot's 1 s limit, so in parallel the module stays fast."""
    assert (await client.patch("/api/settings", json={"max_parallel_runs": len(NEW_TYPES)})).status_code == 200
    bots: dict[str, dict[str, Any]] = {}
    for kind in NEW_TYPES:
        provider, fake = PROVIDERS[kind], fakes[kind]
        await save(client, provider, fake)
        bots[kind] = await bot_for(client, provider, name=f"Slow {kind}", max_runtime_seconds=1)
        fake.script(hang(5))
    started = {
        kind: (await client.post(f"/api/bots/{bot['id']}/runs", json={"input": RUN_INPUT})).json()["id"]
        for kind, bot in bots.items()
    }

    for kind, run_id in started.items():
        run = await wait_for_run(client, run_id)
        assert (run["status"], run["error_code"]) == ("timeout", "timeout"), (kind, run)
        assert "1 s" in run["error_message"], run
        assert 900 <= run["duration_ms"] < 3000, (kind, run["duration_ms"])
        assert len(await runs_of(client, bots[kind])) == 1, kind  # a timeout is not retried
        assert len(PROVIDERS[kind].generation_requests(fakes[kind])) == 1, kind


@pytest.mark.parametrize("kind", NEW_TYPES)
async def test_an_unknown_model_is_refused_at_save_and_model_not_found_at_run(
    client: httpx2.AsyncClient, fakes: dict[str, Fake], kind: str
) -> None:
    provider, fake = PROVIDERS[kind], fakes[kind]
    await save(client, provider, fake)
    missing = "no-such-model-9"
    refused = await client.post(
        "/api/bots", json={"name": "Ghost", "prompt": "p", "model": f"{provider.name}:{missing}"}
    )
    assert error_of(refused, 422, "invalid_input")["details"][0]["field"] == "model"
    # Saved without the check, the credential lists no models, so the provider itself says no.
    unchecked = await client.post("/api/providers?validate=false", json=provider.body(fake, name="unchecked"))
    assert unchecked.status_code == 201, unchecked.text
    bot = await make_bot(client, name="Ghost", model=f"unchecked:{missing}")
    fake.script(provider.unknown_model(missing))

    run = await run_bot(client, bot)

    assert (run["status"], run["error_code"]) == ("failed", "model_not_found"), run
    assert missing in run["error_message"] and provider.display_name in run["error_message"]
    assert [r.model for r in provider.generation_requests(fake)] == [missing]
    assert len(await runs_of(client, bot)) == 1


# == 3. fallback across provider types =====================================================================
async def test_an_overloaded_anthropic_falls_back_to_gemini(client: httpx2.AsyncClient, fakes: dict[str, Fake]) -> None:
    anthropic, google = PROVIDERS["anthropic"], PROVIDERS["google"]
    await save(client, anthropic, fakes["anthropic"])
    await save(client, google, fakes["google"])
    bot = await bot_for(client, anthropic, fallback_models=[google.label])
    fakes["anthropic"].script(anthropic_fake.overloaded())
    fakes["google"].script(gemini_fake.text("Gemini stepped in.", input_tokens=50, output_tokens=7))

    run = await run_bot(client, bot)

    assert (run["status"], run["output"], run["model"]) == ("completed", "Gemini stepped in.", google.label), run
    assert (run["tokens_in"], run["tokens_out"]) == (50, 7) and run["cost_estimate"] > 0
    assert logged(run, f"{anthropic.label} failed (provider_error): asking the next fallback model.")
    assert logged(run, f"Answered by fallback model {google.label}.")
    assert len(anthropic.generation_requests(fakes["anthropic"])) == 1
    (request,) = google.generation_requests(fakes["google"])
    assert google.wire(request.json) == (SYSTEM_PROMPT, [("user", RUN_INPUT)])
    assert len(await runs_of(client, bot)) == 1  # answered: no retry


async def test_a_bad_gemini_key_falls_back_to_local_ollama(client: httpx2.AsyncClient, fakes: dict[str, Fake]) -> None:
    google, ollama = PROVIDERS["google"], PROVIDERS["ollama"]
    credential = await save(client, google, fakes["google"])
    await save(client, ollama, fakes["ollama"])
    bot = await bot_for(client, google, fallback_models=[ollama.label])
    fakes["google"].script(gemini_fake.invalid_key())

    run = await run_bot(client, bot)

    assert (run["status"], run["model"], run["cost_estimate"]) == ("completed", ollama.label, 0.0), run
    assert logged(run, f"{google.label} failed (invalid_key)")
    marked = (await client.get(f"/api/providers/{credential['id']}")).json()
    assert marked["status"] == "error" and "Google Gemini" in marked["error_message"], marked
