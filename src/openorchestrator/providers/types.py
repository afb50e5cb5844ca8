"""What the rest of the app knows about AI providers, without importing any provider SDK.

`llm.py` (pydantic-ai) and `check.py` (the official SDKs) are the only modules that import them, and only
when first used, so an idle server stays small.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class ProviderType(StrEnum):
    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    GOOGLE = "google"
    MISTRAL = "mistral"
    OLLAMA = "ollama"
    OPENAI_COMPATIBLE = "openai_compatible"
    BRAVE = "brave"
    """Not an AI model: the key of the `web_search` tool (Brave Search API), kept like a provider key."""


@dataclass(frozen=True)
class ProviderInfo:
    type: ProviderType
    display_name: str
    needs_key: bool
    needs_base_url: bool
    default_base_url: str | None
    is_llm: bool = True
    """False for a key that serves a tool (Brave Search), not a model: bots cannot name it as their model."""
    display_name_de: str | None = None
    """The German name where it is not the brand (`OpenAI-kompatibel`)."""

    def name_in(self, language: str) -> str:
        """The provider's name as people read it in `language` (`de` or `en`)."""
        return self.display_name_de if language == "de" and self.display_name_de else self.display_name


PROVIDERS: dict[ProviderType, ProviderInfo] = {
    info.type: info
    for info in (
        ProviderInfo(ProviderType.OPENAI, "OpenAI", True, False, None),
        ProviderInfo(ProviderType.OPENAI_COMPATIBLE, "OpenAI-compatible", False, True, None, True, "OpenAI-kompatibel"),
        ProviderInfo(ProviderType.ANTHROPIC, "Anthropic", True, False, None),
        ProviderInfo(ProviderType.GOOGLE, "Google Gemini", True, False, None),
        ProviderInfo(ProviderType.MISTRAL, "Mistral", True, False, None),
        ProviderInfo(ProviderType.OLLAMA, "Ollama", False, False, "http://localhost:11434"),
        ProviderInfo(ProviderType.BRAVE, "Brave Search", True, False, "https://api.search.brave.com", is_llm=False),
    )
}


@dataclass(frozen=True)
class ModelTarget:
    """One model at one credential, with the decrypted key. Lives only in memory, never logged."""

    credential_id: str
    credential_name: str
    type: ProviderType
    model_name: str
    api_key: str | None
    base_url: str | None
    version: str
    """Changes when the credential changes, so cached clients are rebuilt."""

    @property
    def label(self) -> str:
        return f"{self.credential_name}:{self.model_name}"

    def __repr__(self) -> str:  # never show the key
        return f"ModelTarget({self.label!r})"


@dataclass(frozen=True)
class Completion:
    text: str
    tokens_in: int | None
    tokens_out: int | None
    cost_usd: Decimal | None
    model_name: str


class ProviderFailure(Exception):
    """A provider call failed. `code` is a run `error_code`; `transient` failures get the one retry."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        transient: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.transient = transient
        self.retry_after = retry_after
        self.status = status
        self.target: ModelTarget | None = None
        """The model that failed, when one was asked."""
        self.wording: str | None = None
        """A more precise message than the code's (a key of core/i18n.RUN_ERRORS), with `values` for it."""
        self.values: dict[str, object] = {}

    @classmethod
    def config(cls, wording: str, detail: str, **values: object) -> ProviderFailure:
        """A `config_error`: something the owner must set up or fix, said precisely in their language."""
        failure = cls("config_error", detail)
        failure.wording, failure.values = wording, values
        return failure


_PYDANTIC_AI = ("pydantic_ai", "pydantic_ai.models.openai")
SDK_MODULES: dict[ProviderType, tuple[str, ...]] = {
    ProviderType.OPENAI: ("openai", *_PYDANTIC_AI, "pydantic_ai.providers.openai"),
    ProviderType.OPENAI_COMPATIBLE: ("openai", *_PYDANTIC_AI, "pydantic_ai.providers.openai_compatible"),
    ProviderType.OLLAMA: ("openai", *_PYDANTIC_AI, "pydantic_ai.providers.ollama"),
    ProviderType.ANTHROPIC: ("anthropic", "pydantic_ai", "pydantic_ai.models.anthropic"),
    ProviderType.GOOGLE: ("google.genai", "pydantic_ai", "pydantic_ai.models.google"),
    ProviderType.MISTRAL: ("mistralai.client", "pydantic_ai", "pydantic_ai.models.mistral"),
    ProviderType.BRAVE: ("httpx2",),
}
_sdk_lock: asyncio.Lock | None = None


async def load_sdks(type_: ProviderType) -> None:
    """Import a provider's SDK (and pydantic-ai) in a worker thread the first time it is needed.

    They take seconds to import; doing that on the event loop would freeze every request meanwhile. Idle
    servers never load them (~45 MB for OpenAI's), and each provider's SDK is loaded only when used.
    """
    global _sdk_lock
    modules = SDK_MODULES[type_]
    if all(name in sys.modules for name in modules):
        return
    _sdk_lock = _sdk_lock or asyncio.Lock()
    async with _sdk_lock:
        await asyncio.to_thread(lambda: [importlib.import_module(name) for name in modules])


def split_model(value: str) -> tuple[str, str]:
    """`"<credential name>:<model name>"`, split at the first colon (`ollama:llama3.1:8b`)."""
    credential, sep, model = value.partition(":")
    if not sep or not credential or not model:
        raise ValueError('use "<credential name>:<model name>", e.g. "openai:gpt-4.1-mini"')
    return credential, model
