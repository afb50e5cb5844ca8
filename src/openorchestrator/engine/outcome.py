"""What a run's execution came to (`Outcome`) and the column values its ending writes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from openorchestrator.core.i18n import Language, run_error_message
from openorchestrator.db.models import Bot
from openorchestrator.engine.budget import BudgetVerdict
from openorchestrator.engine.runlog import RunLog
from openorchestrator.engine.states import RunStatus
from openorchestrator.engine.store import Previous
from openorchestrator.providers.types import PROVIDERS, Completion, ModelTarget, ProviderFailure, ProviderType
from openorchestrator.tools.loop import ToolUse

Target = ModelTarget | ProviderFailure


@dataclass
class Outcome:
    status: RunStatus
    completion: Completion | None = None
    failure: ProviderFailure | None = None
    answered_by: ModelTarget | None = None
    credential_errors: dict[str, str] = field(default_factory=dict)
    """Credentials that failed for a reason their owner must fix (invalid key, no credit): id → error code."""
    budget: BudgetVerdict | None = None
    """Set when a budget refused the run: the bot is paused and the event recorded when the run ends."""
    tools: ToolUse | None = None
    """The run's tools: what they spent counts also when the run did not complete."""


FALLBACK_CODES = frozenset(
    {
        "provider_error",
        "unreachable",
        "invalid_key",
        "quota_exhausted",
        "model_not_found",
        "context_too_long",
    }
)
"""Failures after which the next of a bot's `fallback_models` is asked (rate limits: only on the retry)."""
CREDENTIAL_CODES = frozenset({"invalid_key", "quota_exhausted"})


_SPACES = re.compile(r"\s+")


def output_hash(text: str) -> str:
    """The hash behind `is_new`: whitespace-insensitive, so re-wrapped identical text is not "new"."""
    return hashlib.sha256(_SPACES.sub(" ", text).strip().encode()).hexdigest()


def failed_values(bot: Bot, target: Target, outcome: Outcome, language: Language) -> dict[str, Any]:
    """The error code and the friendly message (in `language`) of a run that did not complete."""
    if outcome.status == RunStatus.TIMEOUT:
        message = run_error_message("timeout", language, seconds=bot.max_runtime_seconds)
        return {"error_code": "timeout", "error_message": message}
    if outcome.status == RunStatus.CANCELLED:
        return {"error_code": "cancelled", "error_message": run_error_message("cancelled", language)}
    failure = outcome.failure or ProviderFailure("internal", "no outcome")
    if outcome.budget is not None and outcome.budget.message:
        return {"error_code": failure.code, "error_message": outcome.budget.message}
    provider = PROVIDERS[target.type].display_name if isinstance(target, ModelTarget) else "?"
    model = target.model_name if isinstance(target, ModelTarget) else bot.model
    if failure.wording:
        return {
            "error_code": failure.code,
            "error_message": run_error_message(failure.wording, language, **failure.values),
        }
    message = run_error_message(
        failure.code,
        language,
        provider=provider,
        model=model,
        detail=failure.detail,
        seconds=bot.max_runtime_seconds,
    )
    return {"error_code": failure.code, "error_message": message}


def spent_by_tools(tools: ToolUse | None) -> dict[str, Any]:
    """Tokens and cost of every request of a run with tools (all models asked), whatever its ending."""
    if tools is None or tools.usage is None:
        return {}
    tokens_in, tokens_out, cost = tools.usage
    return {
        "tokens_in": tokens_in,
        "tokens_out": tokens_out,
        "cost_estimate": float(cost) if cost is not None else None,
    }


def final(failure: ProviderFailure, tools: ToolUse | None, log: RunLog) -> ProviderFailure:
    """The failure a run ends with; not retried once its tools changed files (the retry would change them again)."""
    if tools is not None and tools.acted and failure.transient:
        log.warning("Not retried: the bot's tools already changed files in this run.")
        failure.transient = False
    return failure


def completed_values(completion: Completion, target: Target, previous: Previous | None, log: RunLog) -> dict[str, Any]:
    digest = output_hash(completion.text)
    cost = float(completion.cost_usd) if completion.cost_usd is not None else None
    if cost is None and isinstance(target, ModelTarget) and target.type == ProviderType.OLLAMA:
        cost = 0.0  # a local model costs nothing
    if cost is None:
        log.info("No price is known for this model: the cost stays unknown.")
    return {
        "output": completion.text,
        "model": target.label if isinstance(target, ModelTarget) else None,
        "tokens_in": completion.tokens_in,
        "tokens_out": completion.tokens_out,
        "cost_estimate": cost,
        "output_hash": digest,
        "is_new": previous is None or previous.output_hash != digest,
    }
