"""What a model call costs: genai-prices behind one function, for budgets and the tool loop's guard.

Unknown prices are never guessed: the functions answer None.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from openorchestrator.providers.types import ProviderType

DEFAULT_MAX_OUTPUT_TOKENS = 4_096
"""Output tokens assumed for the worst case of a bot without `max_output_tokens` (most models' usual cap)."""

_PRICE_PROVIDER_IDS: dict[str, str] = {
    ProviderType.OPENAI: "openai",
    ProviderType.ANTHROPIC: "anthropic",
    ProviderType.GOOGLE: "google",
    ProviderType.MISTRAL: "mistral",
}
"""Our provider types → genai-prices provider ids. Ollama runs locally (free); openai_compatible goes by URL."""


# -- what a run could cost ---------------------------------------------------------------------------------
def worst_case_cost(
    provider_type: str,
    model_name: str,
    base_url: str | None,
    prompt_tokens: int,
    max_output_tokens: int | None,
    *,
    at: datetime | None = None,
) -> Decimal | None:
    """The price of `prompt_tokens` in and the full output allowance out, in USD; None when no price is known.

    `max_output_tokens` None means `DEFAULT_MAX_OUTPUT_TOKENS`. `at` picks the price valid then (default now).
    """
    if provider_type == ProviderType.OLLAMA:
        return Decimal(0)
    provider_id = _PRICE_PROVIDER_IDS.get(provider_type)
    api_url = base_url if provider_type == ProviderType.OPENAI_COMPATIBLE else None
    if provider_id is None and not api_url:
        return None
    output_tokens = DEFAULT_MAX_OUTPUT_TOKENS if max_output_tokens is None else max_output_tokens
    return _price(model_name, prompt_tokens, output_tokens, provider_id, api_url, at)


def _price(
    model_name: str,
    input_tokens: int,
    output_tokens: int,
    provider_id: str | None,
    api_url: str | None,
    at: datetime | None,
) -> Decimal | None:
    # Imported here: loading the price table takes about a second, and only budget checks need it.
    from genai_prices import Usage, calc_price

    usage = Usage(input_tokens=input_tokens, output_tokens=output_tokens)
    try:
        if provider_id is not None:
            result = calc_price(usage, model_name, provider_id=provider_id, genai_request_timestamp=at)
        else:
            result = calc_price(usage, model_name, provider_api_url=api_url, genai_request_timestamp=at)
    except (LookupError, ValueError):  # unknown provider or model, or a price the table cannot apply
        return None
    return result.total_price
