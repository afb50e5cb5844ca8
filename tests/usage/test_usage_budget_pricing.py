"""worst_case_cost: the prompt priced as input and the whole output allowance as output, by genai-prices."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from genai_prices import Usage, calc_price

from openorchestrator.providers.pricing import DEFAULT_MAX_OUTPUT_TOKENS, worst_case_cost

AT = datetime(2026, 11, 1, tzinfo=UTC)


def genai(model: str, input_tokens: int, output_tokens: int, **where: str) -> Decimal:
    usage = Usage(input_tokens=input_tokens, output_tokens=output_tokens)
    return calc_price(usage, model, genai_request_timestamp=AT, **where).total_price  # type: ignore[call-overload,no-any-return]


def test_a_known_openai_model_costs_what_genai_prices_says_for_the_same_usage() -> None:
    cost = worst_case_cost("openai", "gpt-4.1-mini", None, 1_200, 800, at=AT)

    assert cost == genai("gpt-4.1-mini", 1_200, 800, provider_id="openai")
    assert cost is not None and cost > 0


def test_without_max_output_tokens_the_default_output_cap_is_priced() -> None:
    cost = worst_case_cost("openai", "gpt-4.1-mini", "https://proxy.example/v1", 1_200, None, at=AT)

    assert DEFAULT_MAX_OUTPUT_TOKENS == 4_096
    assert cost == genai("gpt-4.1-mini", 1_200, 4_096, provider_id="openai")
    assert cost is not None and cost > genai("gpt-4.1-mini", 1_200, 800, provider_id="openai")


@pytest.mark.parametrize(
    ("provider_type", "model", "provider_id"),
    [
        ("anthropic", "claude-sonnet-4-5", "anthropic"),
        ("google", "gemini-2.5-flash", "google"),
        ("mistral", "mistral-large-latest", "mistral"),
    ],
)
def test_the_other_hosted_providers_are_priced_by_their_id(provider_type: str, model: str, provider_id: str) -> None:
    cost = worst_case_cost(provider_type, model, None, 5_000, 1_000, at=AT)

    assert cost == genai(model, 5_000, 1_000, provider_id=provider_id)
    assert cost is not None and cost > 0


def test_ollama_costs_nothing() -> None:
    assert worst_case_cost("ollama", "llama3.1:8b", "http://localhost:11434", 100_000, None) == Decimal(0)


def test_an_openai_compatible_gateway_is_priced_by_its_url() -> None:
    url = "https://openrouter.ai/api/v1"
    cost = worst_case_cost("openai_compatible", "openai/gpt-4o", url, 1_000, 1_000, at=AT)

    assert cost == genai("openai/gpt-4o", 1_000, 1_000, provider_api_url=url)
    assert cost is not None and cost > 0


@pytest.mark.parametrize(
    ("provider_type", "model", "base_url"),
    [
        ("openai", "gpt-from-the-future-9000", None),  # unknown model
        ("openai_compatible", "qwen2.5-7b-instruct", "http://127.0.0.1:1234/v1"),  # a local server: unknown
        ("openai_compatible", "gpt-4o", None),  # no URL to go by
        ("someday_provider", "gpt-4o", None),  # a type genai-prices is not asked about
    ],
)
def test_an_unknown_price_is_none_never_a_guess(provider_type: str, model: str, base_url: str | None) -> None:
    assert worst_case_cost(provider_type, model, base_url, 1_000, 1_000, at=AT) is None
