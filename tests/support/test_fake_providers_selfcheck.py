"""Self-check of the fake Anthropic, Gemini, Mistral and Ollama servers against the real SDKs and pydantic-ai.

Every agent runs with `model_settings={"max_retries": 0}`, so the SDKs that retry by default (anthropic, and
openai under Ollama) make one attempt; google-genai and mistralai don't retry unless told to.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any, cast

import anthropic
import httpx2
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai.types import HttpOptions, HttpRetryOptions
from mistralai.client import Mistral
from mistralai.client.errors import SDKError
from mistralai.client.models import BaseModelCard
from pydantic_ai import Agent
from pydantic_ai.exceptions import (
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelContextWindowExceededError,
    ModelHTTPError,
    ModelNotFoundError,
    ModelOverloadedError,
    ModelQuotaExceededError,
    ModelRateLimitError,
    ModelServerError,
    ModelTimeoutError,
    ModelUnavailableError,
)
from pydantic_ai.models import Model
from pydantic_ai.models.anthropic import AnthropicModel
from pydantic_ai.models.google import GoogleModel
from pydantic_ai.models.mistral import MistralModel
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.anthropic import AnthropicProvider
from pydantic_ai.providers.google import GoogleProvider
from pydantic_ai.providers.mistral import MistralProvider
from pydantic_ai.providers.ollama import OllamaProvider
from pydantic_ai.settings import ModelSettings

from . import fake_anthropic as fa
from . import fake_gemini as fg
from . import fake_mistral as fm
from . import fake_ollama as fo

pytestmark = pytest.mark.asyncio

ANTHROPIC_KEY = "sk-ant-test-good-1234"
GEMINI_KEY = "AIza-test-good-1234"
MISTRAL_KEY = "mistral-test-good-1234"
NO_RETRIES: ModelSettings = {"max_retries": 0}


def agent(model: Model) -> Agent[None, str]:
    return Agent(model, model_settings=NO_RETRIES)


async def failure(the_agent: Agent[None, str], **settings: Any) -> ModelAPIError:
    with pytest.raises(ModelAPIError) as info:
        await the_agent.run("hi", model_settings=cast(ModelSettings, settings) if settings else None)
    return info.value


# --- Anthropic -------------------------------------------------------------------------------------------


@pytest.fixture
def anth() -> Iterator[fa.FakeAnthropic]:
    with fa.FakeAnthropic(api_keys=[ANTHROPIC_KEY]) as server:
        yield server
    assert not server.errors


def anthropic_agent(
    fake: fa.FakeAnthropic, model: str = "claude-sonnet-4-6", key: str = ANTHROPIC_KEY
) -> Agent[None, str]:
    return agent(AnthropicModel(model, provider=AnthropicProvider(api_key=key, base_url=fake.base_url)))


async def test_anthropic_sdk_message_with_usage(anth: fa.FakeAnthropic) -> None:
    anth.script(fa.text("hello there", input_tokens=7, output_tokens=3))
    client = anthropic.AsyncAnthropic(api_key=ANTHROPIC_KEY, base_url=anth.base_url, max_retries=0)
    message = await client.messages.create(
        model="claude-haiku-4-5", max_tokens=16, messages=[{"role": "user", "content": "hi"}]
    )
    assert [block.type for block in message.content] == ["text"]
    assert message.content[0].text == "hello there"  # type: ignore[union-attr]
    assert (message.stop_reason, message.model) == ("end_turn", "claude-haiku-4-5")
    assert (message.usage.input_tokens, message.usage.output_tokens) == (7, 3)

    (request,) = anth.message_requests
    assert (request.method, request.route, request.model) == ("POST", "/v1/messages", "claude-haiku-4-5")
    assert request.api_key == ANTHROPIC_KEY
    assert request.headers["anthropic-version"]
    assert request.json["messages"] == [{"role": "user", "content": "hi"}]


async def test_anthropic_agent_plain_and_streamed(anth: fa.FakeAnthropic) -> None:
    the_agent = anthropic_agent(anth)
    anth.script(
        fa.text("plain answer", input_tokens=5, output_tokens=2),
        fa.text("a long streamed answer", input_tokens=6, output_tokens=4),
        fa.text("run_stream answer", input_tokens=8, output_tokens=3),
    )
    plain = await the_agent.run("hi", model_settings={"max_tokens": 1024})
    assert plain.output == "plain answer"
    assert (plain.usage.input_tokens, plain.usage.output_tokens) == (5, 2)

    # Above ~21,333 max_tokens the SDK refuses a non-streamed request, so pydantic-ai streams even `run()`.
    streamed = await the_agent.run("hi", model_settings={"max_tokens": 64000})
    assert streamed.output == "a long streamed answer"
    assert (streamed.usage.input_tokens, streamed.usage.output_tokens) == (6, 4)

    async with the_agent.run_stream("hi") as result:
        assert await result.get_output() == "run_stream answer"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (8, 3)

    assert [r.json.get("stream") for r in anth.message_requests] == [False, True, True]
    assert [r.json["max_tokens"] for r in anth.message_requests][:2] == [1024, 64000]


async def test_anthropic_models_list_paginates(anth: fa.FakeAnthropic) -> None:
    client = anthropic.AsyncAnthropic(api_key=ANTHROPIC_KEY, base_url=anth.base_url, max_retries=0)
    page = await client.models.list(limit=2)
    assert [m.id for m in page.data] == list(fa.DEFAULT_MODELS[:2])
    assert (page.has_more, page.first_id, page.last_id) == (True, fa.DEFAULT_MODELS[0], fa.DEFAULT_MODELS[1])
    assert [m.id async for m in client.models.list(limit=3)] == list(fa.DEFAULT_MODELS)
    assert [m.display_name for m in page.data] == ["Claude Sonnet 5.5", "Claude Opus 4.8"]
    assert [r.query for r in anth.requests][-2:] == [{"limit": "3"}, {"limit": "3", "after_id": fa.DEFAULT_MODELS[2]}]


async def test_anthropic_invalid_key(anth: fa.FakeAnthropic) -> None:
    client = anthropic.AsyncAnthropic(api_key="sk-ant-wrong", base_url=anth.base_url, max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as sdk_info:
        await client.models.list()
    assert sdk_info.value.body == {
        "type": "error",
        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
        "request_id": sdk_info.value.request_id,
    }
    error = await failure(anthropic_agent(anth, key="sk-ant-wrong"))
    assert isinstance(error, ModelAuthenticationError) and isinstance(error, ModelHTTPError)
    assert error.status_code == 401
    # a key in x-api-key counts too, and the version header is required
    async with httpx2.AsyncClient(base_url=anth.base_url) as http:
        listed = await http.get("/v1/models", headers={"x-api-key": ANTHROPIC_KEY, "anthropic-version": "2023-06-01"})
        unversioned = await http.get("/v1/models", headers={"x-api-key": ANTHROPIC_KEY})
    assert listed.status_code == 200 and listed.json()["has_more"] is False
    assert unversioned.status_code == 400
    assert unversioned.json()["error"] == {"type": "invalid_request_error", "message": fa.ANTHROPIC_VERSION_REQUIRED}


@pytest.mark.parametrize(
    ("reply", "category", "status"),
    [
        (fa.no_credit(), ModelQuotaExceededError, 400),
        (fa.overloaded(), ModelOverloadedError, 529),
        (fa.server_error(), ModelServerError, 500),
        (fa.model_not_found(), ModelNotFoundError, 404),
        (fa.context_too_long(), ModelContextWindowExceededError, 400),
        (fa.invalid_key(), ModelAuthenticationError, 401),
    ],
)
async def test_anthropic_errors(
    anth: fa.FakeAnthropic, reply: fa.ErrorReply, category: type[ModelAPIError], status: int
) -> None:
    anth.script(reply)
    error = await failure(anthropic_agent(anth), max_tokens=1024)
    assert isinstance(error, category) and isinstance(error, ModelHTTPError)
    assert error.status_code == status
    assert error.provider_error_type == reply.body["error"]["type"]


async def test_anthropic_rate_limit_and_mid_stream_error(anth: fa.FakeAnthropic) -> None:
    anth.script(fa.rate_limited(retry_after=7), fa.mid_stream(partial="half an "))
    error = await failure(anthropic_agent(anth), max_tokens=1024)
    assert isinstance(error, ModelRateLimitError)
    assert error.retry_after == 7
    assert "rate limit" in str(error.body)

    error = await failure(anthropic_agent(anth), max_tokens=64000)
    assert isinstance(error, ModelOverloadedError)
    assert error.in_stream


# --- Gemini ----------------------------------------------------------------------------------------------


@pytest.fixture
def gem() -> Iterator[fg.FakeGemini]:
    with fg.FakeGemini(api_keys=[GEMINI_KEY]) as server:
        yield server
    assert not server.errors


def gemini_agent(fake: fg.FakeGemini, model: str = "gemini-2.5-flash", key: str = GEMINI_KEY) -> Agent[None, str]:
    provider = GoogleProvider(api_key=key, base_url=fake.base_url, retry_options=HttpRetryOptions(attempts=1))
    return agent(GoogleModel(model, provider=provider))


def gemini_client(fake: fg.FakeGemini, key: str = GEMINI_KEY) -> genai.Client:
    options = HttpOptions(base_url=fake.base_url, retry_options=HttpRetryOptions(attempts=1), timeout=5000)
    return genai.Client(api_key=key, http_options=options)


async def test_gemini_agent_plain_and_streamed(gem: fg.FakeGemini) -> None:
    gem.script(fg.text("plain answer", input_tokens=5, output_tokens=2))
    gem.script_for_model("models/gemini-3.1-pro-preview", fg.text("pro streamed", input_tokens=9, output_tokens=4))
    plain = await gemini_agent(gem).run("hi")
    assert plain.output == "plain answer"
    assert (plain.usage.input_tokens, plain.usage.output_tokens) == (5, 2)
    async with gemini_agent(gem, "gemini-3.1-pro-preview").run_stream("hi") as result:
        assert await result.get_output() == "pro streamed"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (9, 4)

    first, second = gem.generate_requests
    assert (first.route, first.model, first.method_name) == (
        "/v1beta/models/gemini-2.5-flash:generateContent",
        "gemini-2.5-flash",
        "generateContent",
    )
    assert (second.model, second.method_name, second.query) == (
        "gemini-3.1-pro-preview",
        "streamGenerateContent",
        {"alt": "sse"},
    )
    assert first.api_key == GEMINI_KEY and "x-goog-api-key" in first.headers
    assert first.json["contents"][0]["parts"] == [{"text": "hi"}]
    assert gem.pending == 0


async def test_gemini_models_list_paginates(gem: fg.FakeGemini) -> None:
    client = gemini_client(gem)
    pager = await client.aio.models.list(config={"page_size": 2})
    models = [model async for model in pager]
    assert [m.name for m in models] == [f"models/{m}" for m in fg.DEFAULT_MODELS]
    assert all("generateContent" in (m.supported_actions or []) for m in models)
    assert [r.query.get("pageToken") for r in gem.requests] == [None, "page-2"]
    assert [m.display_name for m in models][-1] == "Gemini 2.5 Flash"
    await client.aio.aclose()


async def test_gemini_invalid_key_is_400_api_key_invalid(gem: fg.FakeGemini) -> None:
    client = gemini_client(gem, key="AIza-wrong")
    with pytest.raises(genai_errors.ClientError) as sdk_info:
        await client.aio.models.list()
    assert (sdk_info.value.code, sdk_info.value.status) == (400, "INVALID_ARGUMENT")
    assert sdk_info.value.message == "API key not valid. Please pass a valid API key."
    assert sdk_info.value.details["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    await client.aio.aclose()

    error = await failure(gemini_agent(gem, key="AIza-wrong"))
    assert isinstance(error, ModelAuthenticationError) and isinstance(error, ModelHTTPError)
    assert error.status_code == 400
    # the key may also come as ?key=; no key at all is a 403
    async with httpx2.AsyncClient(base_url=gem.base_url) as http:
        by_query = await http.get("/v1beta/models", params={"key": GEMINI_KEY})
        no_key = await http.get("/v1beta/models")
    assert by_query.status_code == 200 and len(by_query.json()["models"]) == len(fg.DEFAULT_MODELS)
    assert (no_key.status_code, no_key.json()["error"]["status"]) == (403, "PERMISSION_DENIED")


@pytest.mark.parametrize(
    ("reply", "category", "status", "retry_after"),
    [
        (fg.rate_limited(retry_after=7), ModelRateLimitError, 429, 7),
        (fg.rate_limited(retry_after=30, daily=True), ModelQuotaExceededError, 429, 30),
        (fg.server_error(), ModelServerError, 500, None),
        (fg.unavailable(), ModelOverloadedError, 503, None),
        (fg.unavailable(overloaded=False), ModelUnavailableError, 503, None),
        (fg.model_not_found(), ModelNotFoundError, 404, None),
        (fg.billing_required(), ModelQuotaExceededError, 400, None),
    ],
)
async def test_gemini_errors(
    gem: fg.FakeGemini, reply: fg.ErrorReply, category: type[ModelAPIError], status: int, retry_after: float | None
) -> None:
    gem.script(reply)
    error = await failure(gemini_agent(gem))
    assert isinstance(error, category) and isinstance(error, ModelHTTPError)
    assert (error.status_code, error.retry_after) == (status, retry_after)
    assert error.provider_error_code == reply.body["error"]["status"]
    assert "{model}" not in str(error.body)


# --- Mistral ---------------------------------------------------------------------------------------------


@pytest.fixture
def mis() -> Iterator[fm.FakeMistral]:
    with fm.FakeMistral(api_keys=[MISTRAL_KEY]) as server:
        yield server
    assert not server.errors


def mistral_agent(fake: fm.FakeMistral, key: str = MISTRAL_KEY) -> Agent[None, str]:
    return agent(MistralModel("mistral-small-latest", provider=MistralProvider(api_key=key, base_url=fake.base_url)))


async def test_mistral_agent_plain_and_streamed(mis: fm.FakeMistral) -> None:
    mis.script(fm.text("plain answer", input_tokens=5, output_tokens=2), fm.text("streamed answer here", 6, 4))
    the_agent = mistral_agent(mis)
    plain = await the_agent.run("hi")
    assert plain.output == "plain answer"
    assert (plain.usage.input_tokens, plain.usage.output_tokens) == (5, 2)
    async with the_agent.run_stream("hi") as result:
        assert await result.get_output() == "streamed answer here"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (6, 4)
    assert [(r.model, r.json["stream"], r.api_key) for r in mis.chat_requests] == [
        ("mistral-small-latest", False, MISTRAL_KEY),
        ("mistral-small-latest", True, MISTRAL_KEY),
    ]


async def test_mistral_models_list_and_invalid_key(mis: fm.FakeMistral) -> None:
    listing = await Mistral(api_key=MISTRAL_KEY, server_url=mis.base_url, retry_config=None).models.list_async()
    cards = listing.data or []
    assert all(isinstance(card, BaseModelCard) for card in cards)
    assert [cast(BaseModelCard, card).id for card in cards] == list(fm.DEFAULT_MODELS)
    with pytest.raises(SDKError) as sdk_info:
        await Mistral(api_key="wrong", server_url=mis.base_url).models.list_async()
    assert (sdk_info.value.status_code, sdk_info.value.body) == (401, '{"detail":"Unauthorized"}')
    error = await failure(mistral_agent(mis, key="wrong"))
    assert isinstance(error, ModelAuthenticationError) and isinstance(error, ModelHTTPError)
    assert error.status_code == 401
    # a listing can be made to fail too
    mis.script_models_list(fm.rate_limited(retry_after=2))
    with pytest.raises(SDKError) as sdk_info:
        await Mistral(api_key=MISTRAL_KEY, server_url=mis.base_url).models.list_async()
    assert (sdk_info.value.status_code, sdk_info.value.headers["retry-after"]) == (429, "2")


@pytest.mark.parametrize(
    ("reply", "category", "status", "retry_after"),
    [
        (fm.rate_limited(retry_after=7), ModelRateLimitError, 429, 7),
        (fm.server_error(), ModelServerError, 500, None),
        (fm.service_unavailable(), ModelUnavailableError, 503, None),
        (fm.context_too_long(), ModelContextWindowExceededError, 400, None),
    ],
)
async def test_mistral_errors(
    mis: fm.FakeMistral, reply: fm.ErrorReply, category: type[ModelAPIError], status: int, retry_after: float | None
) -> None:
    mis.script(reply)
    error = await failure(mistral_agent(mis))
    assert isinstance(error, category) and isinstance(error, ModelHTTPError)
    assert (error.status_code, error.retry_after) == (status, retry_after)
    assert error.provider_error_code == reply.body["code"]


# --- Ollama ----------------------------------------------------------------------------------------------


@pytest.fixture
def oll() -> Iterator[fo.FakeOllama]:
    with fo.FakeOllama() as server:
        yield server
    assert not server.errors


def ollama_agent(fake: fo.FakeOllama, model: str = "llama3.1:8b") -> Agent[None, str]:
    return agent(OpenAIChatModel(model, provider=OllamaProvider(base_url=fake.base_url)))


async def test_ollama_native_endpoints(oll: fo.FakeOllama) -> None:
    async with httpx2.AsyncClient(base_url=oll.root_url) as http:
        tags = (await http.get("/api/tags")).json()
        version = (await http.get("/api/version")).json()
        root = await http.get("/")
    assert [m["name"] for m in tags["models"]] == list(fo.DEFAULT_MODELS)
    first = tags["models"][0]
    assert first["model"] == "llama3.1:8b" and len(first["digest"]) == 64 and first["size"] > 0
    assert first["details"]["family"] == "llama" and first["details"]["parameter_size"] == "8.0B"
    assert version == {"version": fo.DEFAULT_VERSION}
    assert root.text == "Ollama is running"

    client = openai.AsyncOpenAI(api_key="ollama", base_url=oll.base_url, max_retries=0)
    models = [m async for m in client.models.list()]
    assert [(m.id, m.owned_by) for m in models] == [(m, "library") for m in fo.DEFAULT_MODELS]


async def test_ollama_agent_plain_streamed_and_errors(oll: fo.FakeOllama) -> None:
    oll.script(
        fo.text("plain answer", input_tokens=5, output_tokens=2),
        fo.text("streamed answer here", input_tokens=6, output_tokens=4),
        fo.model_not_found(),
        fo.server_error(),
        fo.server_busy(),
    )
    the_agent = ollama_agent(oll)
    plain = await the_agent.run("hi")
    assert plain.output == "plain answer"
    assert (plain.usage.input_tokens, plain.usage.output_tokens) == (5, 2)
    async with the_agent.run_stream("hi") as result:
        assert await result.get_output() == "streamed answer here"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (6, 4)

    not_found = await failure(the_agent)
    assert isinstance(not_found, ModelNotFoundError)
    assert not_found.body == {
        "message": 'model "llama3.1:8b" not found, try pulling it first',
        "type": "api_error",
        "param": None,
        "code": None,
    }
    assert isinstance(await failure(the_agent), ModelServerError)
    assert isinstance(await failure(the_agent), ModelUnavailableError)
    assert [r.route for r in oll.chat_requests] == ["/v1/chat/completions"] * 5


# --- shared behaviour ------------------------------------------------------------------------------------


async def test_drop_hang_and_prompt_stop() -> None:
    fake = fg.FakeGemini().start()
    fake.script(fg.drop(), fg.hang(0.05))
    the_agent = gemini_agent(fake)
    assert isinstance(await failure(the_agent), ModelConnectionError)
    assert isinstance(await failure(the_agent, timeout=0.02), ModelTimeoutError)

    # A fresh script: on a busy machine the timed-out request above may never have reached the fake, or only
    # now; let it land (its hang is 0.05 s), then start over.
    await asyncio.sleep(0.3)
    fake.reset()
    fake.script(fg.hang(30))
    task = asyncio.create_task(the_agent.run("hi"))
    assert await asyncio.to_thread(fake.wait_for_requests, 1, 30.0)
    started = time.monotonic()
    await asyncio.to_thread(fake.stop)
    assert time.monotonic() - started < 1
    with pytest.raises(ModelConnectionError):
        await task
    assert not fake.errors


async def test_delay_and_per_model_defaults(anth: fa.FakeAnthropic) -> None:
    anth.set_default("for haiku", model="claude-haiku-4-5")
    anth.script(fa.delay(0.05, "late"), {"content": "from a dict", "input_tokens": 3, "output_tokens": 1})
    the_agent = anthropic_agent(anth)
    started = time.monotonic()
    assert (await the_agent.run("hi", model_settings={"max_tokens": 1024})).output == "late"
    assert time.monotonic() - started >= 0.05
    dict_reply = await the_agent.run("hi", model_settings={"max_tokens": 1024})
    assert (dict_reply.output, dict_reply.usage.input_tokens) == ("from a dict", 3)
    haiku = anthropic_agent(anth, "claude-haiku-4-5")
    assert (await haiku.run("hi", model_settings={"max_tokens": 1024})).output == "for haiku"
    assert (await the_agent.run("hi", model_settings={"max_tokens": 1024})).output == "ok"
    anth.reset()
    assert anth.requests == [] and anth.pending == 0
