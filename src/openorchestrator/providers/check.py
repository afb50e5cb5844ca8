"""Checking a key before it is saved: list the models it can use with the provider's own SDK."""

from __future__ import annotations

from dataclasses import dataclass, field

from openorchestrator.core.i18n import Language, key_check_message
from openorchestrator.providers.types import ProviderType, load_sdks

CHECK_TIMEOUT_SECONDS = 15.0


@dataclass
class KeyCheck:
    valid: bool
    models: list[str] = field(default_factory=list)
    error_code: str | None = None
    error_message: str | None = None


async def check_key(type_: ProviderType, api_key: str | None, base_url: str | None, language: Language) -> KeyCheck:
    if type_ in (ProviderType.OPENAI, ProviderType.OPENAI_COMPATIBLE):
        return await _check_openai(api_key, base_url, language)
    raise NotImplementedError(type_)


async def _check_openai(api_key: str | None, base_url: str | None, language: Language) -> KeyCheck:
    await load_sdks()
    import openai

    url = base_url or "https://api.openai.com/v1"
    client = openai.AsyncOpenAI(
        api_key=api_key or "not-needed", base_url=base_url, max_retries=0, timeout=CHECK_TIMEOUT_SECONDS
    )

    def failed(code: str, *, valid: bool = False, wording: str | None = None) -> KeyCheck:
        return KeyCheck(valid, [], code, key_check_message(wording or code, language, url=url))

    try:
        page = await client.models.list()
        return KeyCheck(True, sorted(model.id for model in page.data))
    except (openai.AuthenticationError, openai.PermissionDeniedError):
        return failed("invalid_key")
    except openai.RateLimitError as exc:
        if _error_code(exc) == "insufficient_quota":
            return failed("quota_exhausted")
        return failed("rate_limited", valid=True)
    except openai.NotFoundError:
        return failed("unreachable", wording="wrong_base_url")
    except openai.APIConnectionError:  # includes timeouts
        return failed("unreachable")
    except openai.APIStatusError:
        return failed("provider_error")
    finally:
        await client.close()


def _error_code(exc: object) -> str | None:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        code = body.get("code") or (body.get("error") or {}).get("code")
        return str(code) if code else None
    return None
