"""One pydantic-ai model per provider type, each on its official SDK with the SDK's own retries off (the
engine owns retries: one, after a pause) and the credential's optional `base_url`.

Imported only through `llm.py`, after `load_sdks(type)` brought the type's SDK in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from openorchestrator.providers.types import ModelTarget, ProviderType

if TYPE_CHECKING:
    from pydantic_ai.models import Model

REQUEST_TIMEOUT_SECONDS = 600.0
"""The SDKs' own per-request timeout; the bot's `max_runtime_seconds` is the real bound (engine)."""


def _openai_client(target: ModelTarget, base_url: str | None = None):  # type: ignore[no-untyped-def]
    from openai import AsyncOpenAI

    return AsyncOpenAI(
        api_key=target.api_key or "not-needed",
        base_url=base_url or target.base_url,
        max_retries=0,
        timeout=REQUEST_TIMEOUT_SECONDS,
    )


def _openai(target: ModelTarget) -> Model:
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    return OpenAIChatModel(target.model_name, provider=OpenAIProvider(openai_client=_openai_client(target)))


def _openai_compatible(target: ModelTarget) -> Model:
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai_compatible import OpenAICompatibleProvider

    # Named after the credential, so prices are looked up by the endpoint's URL, never as OpenAI's.
    provider = OpenAICompatibleProvider(target.credential_name, openai_client=_openai_client(target))
    return OpenAIChatModel(target.model_name, provider=provider)


def _ollama(target: ModelTarget) -> Model:
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.ollama import OllamaProvider

    base = (target.base_url or "http://localhost:11434").rstrip("/")
    client = _openai_client(target, base_url=base if base.endswith("/v1") else f"{base}/v1")
    return OpenAIChatModel(target.model_name, provider=OllamaProvider(openai_client=client))


def _anthropic(target: ModelTarget) -> Model:
    from anthropic import AsyncAnthropic
    from pydantic_ai.models.anthropic import AnthropicModel
    from pydantic_ai.providers.anthropic import AnthropicProvider

    # The SDK's default timeout is kept: with it the SDK makes long answers stream, as Anthropic asks.
    client = AsyncAnthropic(api_key=target.api_key, base_url=target.base_url, max_retries=0)
    return AnthropicModel(target.model_name, provider=AnthropicProvider(anthropic_client=client))


def _google(target: ModelTarget) -> Model:
    from google.genai.types import HttpRetryOptions
    from pydantic_ai.models.google import GoogleModel
    from pydantic_ai.providers.google import GoogleProvider

    provider = GoogleProvider(
        api_key=target.api_key, base_url=target.base_url, retry_options=HttpRetryOptions(attempts=1)
    )
    return GoogleModel(target.model_name, provider=provider)


def _mistral(target: ModelTarget) -> Model:
    from mistralai.client import Mistral
    from pydantic_ai.models.mistral import MistralModel
    from pydantic_ai.providers.mistral import MistralProvider

    client = Mistral(
        api_key=target.api_key,
        server_url=target.base_url,
        retry_config=None,
        timeout_ms=int(REQUEST_TIMEOUT_SECONDS * 1000),
    )
    return MistralModel(target.model_name, provider=MistralProvider(mistral_client=client))


BUILDERS: dict[ProviderType, Callable[[ModelTarget], Model]] = {
    ProviderType.OPENAI: _openai,
    ProviderType.OPENAI_COMPATIBLE: _openai_compatible,
    ProviderType.OLLAMA: _ollama,
    ProviderType.ANTHROPIC: _anthropic,
    ProviderType.GOOGLE: _google,
    ProviderType.MISTRAL: _mistral,
}


def build_model(target: ModelTarget) -> Model:
    return BUILDERS[target.type](target)
