"""Checking a key before it is saved: list the models it can use with the provider's own SDK, and turn
each SDK's failures into the codes of api-v1 (`invalid_key`, `rate_limited`, `quota_exhausted`,
`unreachable`, `provider_error`) with a message in plain words.

Each SDK says things its own way: Gemini answers an invalid key with 400 `API_KEY_INVALID` (not 401),
OpenAI signals no credit as 429 `insufficient_quota`, Anthropic as 400 "credit balance is too low" — and
Anthropic's model list works without credit, so one 1-token call tells.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from openorchestrator.core.i18n import Language, key_check_message
from openorchestrator.providers.types import PROVIDERS, ProviderType, load_sdks

CHECK_TIMEOUT_SECONDS = 15.0


@dataclass
class KeyCheck:
    valid: bool
    models: list[str] = field(default_factory=list)
    error_code: str | None = None
    error_message: str | None = None


class _Failed(Exception):
    def __init__(self, code: str, *, valid: bool = False, wording: str | None = None) -> None:
        super().__init__(code)
        self.code, self.valid, self.wording = code, valid, wording


Checker = Callable[[str | None, str | None], Awaitable[list[str]]]


async def check_key(type_: ProviderType, api_key: str | None, base_url: str | None, language: Language) -> KeyCheck:
    await load_sdks(type_)
    url = base_url or PROVIDERS[type_].default_base_url or PROVIDERS[type_].display_name
    try:
        return KeyCheck(True, sorted(await CHECKERS[type_](api_key, base_url)))
    except _Failed as failed:
        message = key_check_message(failed.wording or failed.code, language, url=url)
        return KeyCheck(failed.valid, [], failed.code, message)


# -- OpenAI and compatible endpoints ---------------------------------------------------------------------
async def _openai(api_key: str | None, base_url: str | None) -> list[str]:
    import openai

    client = openai.AsyncOpenAI(
        api_key=api_key or "not-needed", base_url=base_url, max_retries=0, timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        return [model.id async for model in client.models.list()]
    except (openai.AuthenticationError, openai.PermissionDeniedError):
        raise _Failed("invalid_key") from None
    except openai.RateLimitError as exc:
        if _body_code(exc) == "insufficient_quota":
            raise _Failed("quota_exhausted") from None
        raise _Failed("rate_limited", valid=True) from None
    except openai.NotFoundError:
        raise _Failed("unreachable", wording="wrong_base_url") from None
    except openai.APIConnectionError:  # includes timeouts
        raise _Failed("unreachable") from None
    except openai.APIStatusError:
        raise _Failed("provider_error") from None
    finally:
        await client.close()


# -- Anthropic --------------------------------------------------------------------------------------------
async def _anthropic(api_key: str | None, base_url: str | None) -> list[str]:
    import anthropic

    client = anthropic.AsyncAnthropic(api_key=api_key, base_url=base_url, max_retries=0, timeout=CHECK_TIMEOUT_SECONDS)
    try:
        models = [model.id async for model in client.models.list(limit=100)]
        if models:  # listing works without credit; the smallest possible call does not
            cheapest = next((m for m in models if "haiku" in m), models[-1])
            await client.messages.create(model=cheapest, max_tokens=1, messages=[{"role": "user", "content": "hi"}])
        return models
    except (anthropic.AuthenticationError, anthropic.PermissionDeniedError):
        raise _Failed("invalid_key") from None
    except anthropic.RateLimitError:
        raise _Failed("rate_limited", valid=True) from None
    except anthropic.BadRequestError as exc:
        if "credit balance" in str(exc).lower():
            raise _Failed("quota_exhausted") from None
        raise _Failed("provider_error") from None
    except anthropic.NotFoundError:
        raise _Failed("unreachable", wording="wrong_base_url_plain") from None
    except anthropic.APIConnectionError:
        raise _Failed("unreachable") from None
    except anthropic.APIStatusError:
        raise _Failed("provider_error") from None
    finally:
        await client.close()


# -- Google Gemini ----------------------------------------------------------------------------------------
async def _google(api_key: str | None, base_url: str | None) -> list[str]:
    from google import genai
    from google.genai import errors
    from google.genai.types import HttpOptions, HttpRetryOptions

    options = HttpOptions(
        base_url=base_url, timeout=int(CHECK_TIMEOUT_SECONDS * 1000), retry_options=HttpRetryOptions(attempts=1)
    )
    client = genai.Client(api_key=api_key, http_options=options)
    try:
        pager = await client.aio.models.list()
        return [(model.name or "").removeprefix("models/") async for model in pager if model.name]
    except errors.APIError as exc:
        raise _google_failure(exc) from None
    except Exception as exc:  # google-genai lets the HTTP client's connection errors through
        if _is_connection_error(exc):
            raise _Failed("unreachable") from None
        raise
    finally:
        await client.aio.aclose()


def _google_failure(exc: Any) -> _Failed:
    text = f"{getattr(exc, 'status', '')} {getattr(exc, 'message', '')} {getattr(exc, 'details', '')}"
    code = getattr(exc, "code", None)
    if code in (401, 403) or "API_KEY_INVALID" in text:
        return _Failed("invalid_key")
    if code == 429:  # every 429 says "check your plan and billing"; only a daily quota is out until tomorrow
        return _Failed("quota_exhausted") if "PerDay" in text else _Failed("rate_limited", valid=True)
    if "FAILED_PRECONDITION" in text and "billing" in text.lower():
        return _Failed("quota_exhausted")
    if code == 404:
        return _Failed("unreachable", wording="wrong_base_url_plain")
    return _Failed("provider_error")


# -- Mistral ----------------------------------------------------------------------------------------------
async def _mistral(api_key: str | None, base_url: str | None) -> list[str]:
    from mistralai.client import Mistral

    client = Mistral(
        api_key=api_key, server_url=base_url, retry_config=None, timeout_ms=int(CHECK_TIMEOUT_SECONDS * 1000)
    )
    try:
        listing = await client.models.list_async()
        return [str(getattr(model, "id", "")) for model in (listing.data or []) if getattr(model, "id", None)]
    except Exception as exc:
        status = getattr(exc, "status_code", None)
        if status in (401, 403):
            raise _Failed("invalid_key") from None
        if status == 429:
            raise _Failed("rate_limited", valid=True) from None
        if status == 404:
            raise _Failed("unreachable", wording="wrong_base_url_plain") from None
        if status is not None:
            raise _Failed("provider_error") from None
        if _is_connection_error(exc):
            raise _Failed("unreachable") from None
        raise


# -- Ollama -----------------------------------------------------------------------------------------------
async def _ollama(api_key: str | None, base_url: str | None) -> list[str]:
    import httpx2

    base = (base_url or "http://localhost:11434").rstrip("/").removesuffix("/v1")
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}  # an Ollama behind a proxy with a key
    try:
        async with httpx2.AsyncClient(timeout=CHECK_TIMEOUT_SECONDS) as http:
            response = await http.get(f"{base}/api/tags", headers=headers)
    except httpx2.HTTPError:
        raise _Failed("unreachable", wording="ollama_down") from None
    if response.status_code in (401, 403):
        raise _Failed("invalid_key")
    if response.status_code == 404:
        raise _Failed("unreachable", wording="wrong_base_url_plain")
    if response.status_code != 200:
        raise _Failed("provider_error")
    try:
        return [str(model["name"]) for model in response.json().get("models", [])]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _Failed("unreachable", wording="wrong_base_url_plain") from None


# -- Brave Search (the web_search tool's key) ------------------------------------------------------------
async def _brave(api_key: str | None, base_url: str | None) -> list[str]:
    """One search for a single result: the cheapest request that proves the key (Brave has no key endpoint)."""
    import httpx2

    from openorchestrator.tools.base import ToolRefused
    from openorchestrator.tools.types.web_search import check_brave

    url = (base_url or PROVIDERS[ProviderType.BRAVE].default_base_url or "").rstrip("/") + "/res/v1/web/search"
    headers = {"X-Subscription-Token": api_key or "", "Accept": "application/json"}
    try:
        async with httpx2.AsyncClient(timeout=CHECK_TIMEOUT_SECONDS, trust_env=False) as http:
            response = await http.get(url, params={"q": "openOrchestrator", "count": 1}, headers=headers)
    except httpx2.HTTPError:
        raise _Failed("unreachable") from None
    try:
        check_brave(response.status_code, response.headers, response.content)
    except ToolRefused as refused:
        codes = {"invalid_key": ("invalid_key", False), "rate_limited": ("rate_limited", True)}
        code, valid = codes.get(refused.code, ("provider_error", False))
        raise _Failed(code, valid=valid) from None
    return []


CHECKERS: dict[ProviderType, Checker] = {
    ProviderType.OPENAI: _openai,
    ProviderType.OPENAI_COMPATIBLE: _openai,
    ProviderType.ANTHROPIC: _anthropic,
    ProviderType.GOOGLE: _google,
    ProviderType.MISTRAL: _mistral,
    ProviderType.OLLAMA: _ollama,
    ProviderType.BRAVE: _brave,
}


def _body_code(exc: object) -> str | None:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        code = body.get("code") or (body.get("error") or {}).get("code")
        return str(code) if code else None
    return None


def _is_connection_error(exc: BaseException) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(
        names
        & {
            "ConnectError",
            "ConnectTimeout",
            "ReadTimeout",
            "TimeoutException",
            "NetworkError",
            "RemoteProtocolError",
            "ConnectionError",
            "ClientConnectorError",
            "OSError",
        }
    )
