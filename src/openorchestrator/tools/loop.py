"""The tool-call loop's guard rails: which functions a run's model gets, and what happens when it calls one.

`ToolUse` is built per run by the engine from the bot's `tools`; the gateway (providers/llm.py) turns its
functions into pydantic-ai tools and lets the model call them, at most `max_requests` model requests in all.

Every call goes through `ToolUse.call`:
- the arguments are checked against nothing but the tool's own code (models send anything; tools check);
- a `ToolRefused` becomes the model's result ("refused (blocked): …") and a warning in the run log;
- any other exception is a bug in the tool: the model reads "internal error", the run log names the type;
- a result longer than `MAX_RESULT_CHARS` is cut, so one page cannot flood the context;
- each call is recorded in the run log: tool, function, arguments (cut), duration, size of the result, error.

A call to a function the bot was not given never reaches any tool: pydantic-ai answers the model that there
is no such tool, and `note_refused` puts each such attempt into the run log after the run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openorchestrator.tools import registry
from openorchestrator.tools.base import ToolContext, ToolFunction, ToolRefused

log = logging.getLogger(__name__)

DEFAULT_MAX_REQUESTS = 10
"""Model requests per run (the first answer and each round of tool results counts one)."""
MAX_RESULT_CHARS = 30_000
LOGGED_ARGUMENT_CHARS = 300

Recorder = Callable[[str, str, dict[str, Any]], None]
"""(level, message, fields) → the run log."""
BudgetGuard = Callable[[int, int, int], bool]
"""(tokens in so far, tokens out so far, tokens in of the last request) → True to stop before the next request."""


class BudgetStop(Exception):
    """The next model request could go over a budget: the run ends `budget_exceeded` (raised out of the loop)."""


@dataclass
class ToolUse:
    """The tools of one run: the functions its model may call, their context, and the run log."""

    functions: dict[str, tuple[str, ToolFunction]]
    """function name → (tool name, function)."""
    context: ToolContext
    max_requests: int
    record: Recorder
    budget_guard: BudgetGuard | None = None
    """Asked before each round of tool calls (so before the next model request): whether to stop (engine)."""
    usage: tuple[int, int, Decimal | None] | None = None
    """(tokens in, tokens out, cost) of every response of the run so far, also when it failed (gateway)."""
    calls: int = 0
    acted: bool = False
    """A call that changes state succeeded: repeating the run (fallback model, retry) would repeat it."""
    refused: list[str] = field(default_factory=list)

    def check_budget(self, tokens_in: int, tokens_out: int, last_tokens_in: int) -> None:
        """Before tool results go back to the model: stop if the request they make could go over a budget."""
        if self.budget_guard is not None and self.budget_guard(tokens_in, tokens_out, last_tokens_in):
            self.record("warning", "Stopped: the next model request could go over a budget.", {"error": "budget"})
            raise BudgetStop("the next model request could go over a budget")

    async def call(self, function_name: str, arguments: dict[str, Any]) -> str:
        tool_name, function = self.functions[function_name]
        self.calls += 1
        started = time.perf_counter()
        error: str | None = None
        try:
            result = await function.call(self.context, arguments)
        except asyncio.CancelledError:  # the run's time limit or a cancel: still say what was under way
            cut: dict[str, Any] = {
                "tool": tool_name,
                "function": function_name,
                "arguments": _shown(arguments),
                "error": "cancelled",
            }
            cut["duration_ms"] = int((time.perf_counter() - started) * 1000)
            self.record("warning", f"Tool call {function_name} cut off.", cut)
            raise
        except ToolRefused as refused:
            error = refused.code
            result = f"refused ({refused.code}): {refused.message}"
        except Exception as exc:  # a tool's bug must not end the run or show the model a traceback
            log.exception("tool %s.%s failed", tool_name, function_name)
            error = f"internal: {type(exc).__name__}"
            result = "internal error: the tool failed; try something else."
        if len(result) > MAX_RESULT_CHARS:
            result = result[:MAX_RESULT_CHARS] + f"\n[… cut after {MAX_RESULT_CHARS:,} characters]"
        fields: dict[str, Any] = {
            "tool": tool_name,
            "function": function_name,
            "arguments": _shown(arguments),
            "duration_ms": int((time.perf_counter() - started) * 1000),
            "result_chars": len(result),
        }
        if error is None:
            self.acted = self.acted or function.changes_state
            self.record("info", f"Tool call {function_name}.", fields)
        else:
            self.record("warning", f"Tool call {function_name} refused ({error}).", fields | {"error": error})
        return result

    def add_usage(self, usage: tuple[int, int, Decimal | None]) -> None:
        """Add one model call's spending (a fallback model's call adds to the first one's)."""
        if self.usage is None:
            self.usage = usage
            return
        tokens_in, tokens_out, cost = self.usage
        more_cost = usage[2]
        total = cost + more_cost if cost is not None and more_cost is not None else None
        self.usage = (tokens_in + usage[0], tokens_out + usage[1], total)

    def note_refused(self, called: Iterable[tuple[str, Any]]) -> None:
        """Calls the model made to functions it was not given (seen in the run's messages), into the run log."""
        called = list(called)
        unread = sum(name in self.functions for name, _ in called) - self.calls
        if unread > 0:  # pydantic-ai answered these itself: their arguments were not readable JSON
            message = f"{unread} tool call(s) with arguments that could not be read."
            self.record("warning", message, {"error": "bad_arguments"})
        for name, arguments in called:
            if name in self.functions:
                continue
            self.refused.append(name)
            owner = _owner(name)
            why = f"the bot does not have the tool {owner!r}" if owner else "no such tool"
            self.record(
                "warning",
                f"Refused a call to {name!r}: {why}.",
                {"function": name[:100], "arguments": _shown(arguments), "error": "not_allowed"},
            )


def tool_use(tool_names: Iterable[str], context: ToolContext, *, max_requests: int, record: Recorder) -> ToolUse | None:
    """The run's `ToolUse` for the bot's `tools`, or None if it has none (then the model gets no tools)."""
    functions: dict[str, tuple[str, ToolFunction]] = {}
    for tool_name in dict.fromkeys(tool_names):
        try:
            tool = registry.get(tool_name)
        except KeyError:
            record("warning", f"Unknown tool {tool_name!r} skipped.", {"tool": tool_name})
            continue
        for function in tool.functions():
            functions[function.name] = (tool_name, function)
    if not functions:
        return None
    return ToolUse(functions, context, max(1, max_requests), record)


def _owner(function_name: str) -> str | None:
    for tool_name in registry.names():
        if any(function.name == function_name for function in registry.get(tool_name).functions()):
            return tool_name
    return None


def _shown(arguments: Any) -> str:
    try:
        text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(arguments)
    return text if len(text) <= LOGGED_ARGUMENT_CHARS else text[:LOGGED_ARGUMENT_CHARS] + "…"
