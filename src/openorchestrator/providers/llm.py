"""LLM calls through pydantic-ai. With `adapters.py` and `check.py` the only modules that import provider SDKs.

`PydanticAIGateway.complete` turns one system prompt and one user message into a `Completion`, and every
provider failure into a `ProviderFailure` with our `error_code` (the mapping is `classify`). Given `on_text`, it
streams the model's requests and hands on the answer's text as it is written (`_TextRelay`); the `Completion` is the
same as without.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterable, Awaitable, Callable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from openorchestrator.providers.adapters import build_model
from openorchestrator.providers.types import Completion, ModelTarget, ProviderFailure, load_sdks
from openorchestrator.tools.loop import BudgetStop

if TYPE_CHECKING:
    from pydantic_ai import Agent

    from openorchestrator.tools.loop import ToolUse

log = logging.getLogger(__name__)

TextSink = Callable[[str], None]
"""Receives the answer's text while the model writes it, one new piece at a time (see `LLMGateway.complete`)."""
RESPONSE_SEPARATOR = "\n\n"
"""What `on_text` gets between the text of two model responses of one call (a tool loop), never before the first."""


class LLMGateway(Protocol):
    async def complete(
        self,
        target: ModelTarget,
        system: str,
        user: str,
        *,
        max_output_tokens: int | None,
        tools: ToolUse | None = None,
        on_text: TextSink | None = None,
    ) -> Completion:
        """Ask `target` once (with `tools`: a tool loop of up to `tools.max_requests` model requests).

        Raises `ProviderFailure` for every provider failure; `asyncio.CancelledError` passes through.

        `on_text`: when given, every model request of the call is streamed and `on_text(piece)` is called on the
        event loop with each new, non-empty piece of text the model writes, in order, as it arrives:
        - only text: no thinking, no tool-call arguments, no tool results;
        - the pieces of one model response join to exactly that response's text; with tools, the text a model writes
          before calling tools ("Let me look that up.") comes too, and each later response's text is preceded by
          one `RESPONSE_SEPARATOR`. So the pieces joined always end with the returned `Completion.text`, which
          is the last response's text only (as without `on_text`);
        - text once handed on is not taken back: if the call fails (`ProviderFailure`, a budget stop, a cancel), what
          was streamed is no answer, and a retry or fallback model starts its own text from nothing;
        - `on_text` must return quickly and not block (hand the piece to a queue); if it raises, the error is
          logged once, `on_text` is not called again for this call, and the call goes on as if it had not been given.
        The `Completion` (text, tokens, cost, model name) is exactly what the call returns without `on_text`.
        """
        ...


class PydanticAIGateway:
    """Keeps one SDK client and agent per credential and model (connection reuse); the bot's system prompt
    is given per call."""

    def __init__(self) -> None:
        self._agents: dict[tuple[str, str, str], Agent[None, str]] = {}

    async def complete(
        self,
        target: ModelTarget,
        system: str,
        user: str,
        *,
        max_output_tokens: int | None,
        tools: ToolUse | None = None,
        on_text: TextSink | None = None,
    ) -> Completion:
        """See `LLMGateway.complete`."""
        await load_sdks(target.type)
        from pydantic_ai import capture_run_messages
        from pydantic_ai.exceptions import AgentRunError

        agent = self._agent(target)
        settings: dict[str, Any] = {}
        if max_output_tokens:
            settings["max_tokens"] = max_output_tokens
        extra = _tool_options(tools) if tools is not None else {}
        if on_text is not None:
            extra["event_stream_handler"] = _TextRelay(on_text).relay
        with capture_run_messages() as messages:
            try:
                result = await agent.run(user, instructions=system, model_settings=settings or None, **extra)  # type: ignore[arg-type]
            except AgentRunError as exc:
                raise classify(exc, tools) from exc
            except BudgetStop as stop:
                failure = ProviderFailure("budget_exceeded", str(stop))
                failure.wording = "budget_stopped"
                raise failure from None
            finally:
                if tools is not None:
                    tools.note_refused(_tool_calls(messages))
                    tools.add_usage(_usage_of(messages))
        usage = result.usage
        cost = usage.cost if isinstance(usage.cost, Decimal) else None
        return Completion(
            text=result.output,
            tokens_in=usage.input_tokens,
            tokens_out=usage.output_tokens,
            cost_usd=cost,
            model_name=result.response.model_name or target.model_name,
        )

    def forget(self, credential_id: str) -> None:
        for key in [key for key in self._agents if key[0] == credential_id]:
            del self._agents[key]

    async def aclose(self) -> None:
        """Close the SDK clients while their event loop still runs (left to the garbage collector, they try to
        close on a loop that is gone and log "Event loop is closed")."""
        agents, self._agents = list(self._agents.values()), {}
        for agent in agents:
            client = getattr(agent.model, "client", None)
            close = getattr(client, "close", None)
            if close is None:
                continue
            try:
                closing = close()
                if inspect.isawaitable(closing):
                    await closing
            except Exception as exc:  # closing is best effort: a client that fails here is gone anyway
                log.debug("closing an SDK client failed: %s", type(exc).__name__)

    def _agent(self, target: ModelTarget) -> Agent[None, str]:
        from pydantic_ai import Agent

        key = (target.credential_id, target.version, target.model_name)
        agent = self._agents.get(key)
        if agent is None:
            self.forget(target.credential_id)  # drop clients of an older version of this credential
            agent = Agent(build_model(target), retries=0)
            self._agents[key] = agent
        return agent


class _TextRelay:
    """Turns one call's stream events into `on_text` calls, as `LLMGateway.complete` promises.

    pydantic-ai calls `relay` once per step of the run: each model request's events (one response), and each
    round of tool calls (no text). A response's text parts arrive as a `PartStartEvent` (with the first text), then
    `PartDeltaEvent`s; a `PartEndEvent` carries the whole part, and a later start event for the same index replaces
    the part: both are compared with what was already handed on, so only text not yet sent goes out.
    """

    def __init__(self, on_text: TextSink) -> None:
        self._on_text: TextSink | None = on_text
        self._wrote = False
        """Some text of this call was handed on (so the next response's text starts with the separator)."""
        self._sent: dict[int, list[str]] = {}
        """The pieces handed on per part index of the current response (joined only to compare a whole part)."""
        self._response_wrote = False

    async def relay(self, ctx: Any, events: AsyncIterable[Any]) -> None:
        from pydantic_ai.messages import PartDeltaEvent, PartEndEvent, PartStartEvent, TextPart, TextPartDelta

        self._sent, self._response_wrote = {}, False
        async for event in events:
            if isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                self._send(event.index, event.delta.content_delta)
            elif isinstance(event, (PartStartEvent, PartEndEvent)) and isinstance(event.part, TextPart):
                self._catch_up(event.index, event.part.content)

    def _catch_up(self, index: int, content: str) -> None:
        """The whole text of part `index` so far: send what was not sent yet."""
        sent = "".join(self._sent.get(index, ()))
        if content.startswith(sent):
            self._send(index, content[len(sent) :])
        else:  # the provider rewrote text already shown: it cannot be taken back; go on from the new text
            log.debug("streamed text part %d was replaced; the live text differs from the answer", index)
            self._sent[index] = [content]

    def _send(self, index: int, piece: str) -> None:
        if not piece:
            return
        self._sent.setdefault(index, []).append(piece)
        if not self._response_wrote and self._wrote:
            self._call(RESPONSE_SEPARATOR)
        self._response_wrote = self._wrote = True
        self._call(piece)

    def _call(self, piece: str) -> None:
        if self._on_text is None:
            return
        try:
            self._on_text(piece)
        except Exception:  # the live view is a nicety: its failure must never fail the run
            log.warning("on_text failed; the rest of this answer is not streamed", exc_info=True)
            self._on_text = None


def _tool_options(tools: ToolUse) -> dict[str, Any]:
    """The run options that give the model the bot's tools, within the request limit.

    `retries`: how often the model may call a function it was not given before pydantic-ai gives up; set to
    the request limit, so that limit (not a retry count) is what ends a model that keeps trying."""
    from pydantic_ai import RunContext, Tool
    from pydantic_ai.tools import ToolDefinition
    from pydantic_ai.toolsets import FunctionToolset
    from pydantic_ai.usage import UsageLimits

    def bound(name: str) -> Callable[..., Awaitable[str]]:
        async def call(ctx: Any, /, **arguments: Any) -> str:  # positional-only: a model may send "ctx" too
            tools.check_budget(ctx.usage.input_tokens, ctx.usage.output_tokens, _last_input_tokens(ctx.messages))
            return await tools.call(name, arguments)

        # pydantic-ai reads the first parameter's type to pass the RunContext; RunContext is imported only here
        # (pydantic-ai loads on first use), so the annotation is given as the object, not as a string
        call.__annotations__["ctx"] = RunContext[None]
        return call

    def schema(parameters: dict[str, Any]) -> Callable[..., Awaitable[ToolDefinition]]:
        async def prepare(ctx: Any, definition: ToolDefinition) -> ToolDefinition:
            return replace(definition, parameters_json_schema=parameters)

        return prepare

    # Built from the function's own signature (`**arguments`), not `Tool.from_schema`: then pydantic-ai checks
    # that the model sent a JSON object (a list or a number is answered with a retry, not a crash); `prepare`
    # shows the model the tool's real schema.
    functions = [
        Tool(
            bound(name),
            takes_ctx=True,
            name=name,
            description=function.description,
            prepare=schema(function.parameters),
            sequential=True,  # one call at a time: file edits in one answer apply in order, the log reads in order
        )
        for name, (_, function) in tools.functions.items()
    ]
    return {
        "toolsets": [FunctionToolset(functions)],
        "usage_limits": UsageLimits(request_limit=tools.max_requests),
        "retries": tools.max_requests,
    }


def _last_input_tokens(messages: list[Any]) -> int:
    from pydantic_ai.messages import ModelResponse

    responses = [message for message in messages if isinstance(message, ModelResponse)]
    return responses[-1].usage.input_tokens if responses else 0


def _usage_of(messages: list[Any]) -> tuple[int, int, Decimal | None]:
    """Tokens and cost of every response in a run's messages: what a run that failed midway has spent."""
    from pydantic_ai.messages import ModelResponse

    tokens_in = tokens_out = 0
    cost: Decimal | None = Decimal(0)
    for message in messages:
        if not isinstance(message, ModelResponse):
            continue
        tokens_in += message.usage.input_tokens
        tokens_out += message.usage.output_tokens
        try:
            price = message.cost().total_price
        except Exception:  # no price known for this model (LookupError, ValueError, …): never guess
            price = None
        cost = cost + price if cost is not None and price is not None else None
    return tokens_in, tokens_out, cost


def _tool_calls(messages: list[Any]) -> list[tuple[str, Any]]:
    """(function name, arguments) of every tool call in a run's messages."""
    from pydantic_ai.messages import ModelResponse, ToolCallPart

    return [
        (part.tool_name, part.args)
        for message in messages
        if isinstance(message, ModelResponse)
        for part in message.parts
        if isinstance(part, ToolCallPart)
    ]


def classify(exc: BaseException, tools: ToolUse | None = None) -> ProviderFailure:
    """Map a pydantic-ai failure to our error codes. Order matters: subclasses first."""
    from pydantic_ai import exceptions as e

    if tools is not None and isinstance(exc, e.UsageLimitExceeded):
        return ProviderFailure(
            "tool_limit", f"stopped after {tools.max_requests} model requests ({tools.calls} tool calls)"
        )
    if tools is not None and isinstance(exc, e.UnexpectedModelBehavior) and tools.refused:
        return ProviderFailure(
            "tool_limit", f"the model kept calling tools it was not given: {sorted(set(tools.refused))}"
        )

    retry_after = getattr(exc, "retry_after", None)
    status = getattr(exc, "status_code", None)
    detail = _detail(exc)
    table: list[tuple[type[BaseException], str, bool]] = [
        (e.ModelAuthenticationError, "invalid_key", False),
        (e.ModelQuotaExceededError, "quota_exhausted", False),
        (e.ModelRateLimitError, "rate_limited", True),
        (e.ModelContextWindowExceededError, "context_too_long", False),
        (e.ModelNotFoundError, "model_not_found", False),
        (e.ContentFilterError, "content_refused", False),
        (e.ModelRequestTimeout, "provider_error", True),
        (e.ModelConnectionError, "unreachable", True),  # includes read timeouts (ModelTimeoutError)
        (e.ModelUnavailableError, "provider_error", True),
        (e.ModelServerError, "provider_error", True),
        (e.ModelRequestRejectedError, "provider_error", False),
    ]
    if isinstance(exc, e.ModelRequestRejectedError) and _names_unknown_model(exc):
        return ProviderFailure("model_not_found", detail, status=status)
    for kind, code, transient in table:
        if isinstance(exc, kind):
            return ProviderFailure(code, detail, transient=transient, retry_after=retry_after, status=status)
    if isinstance(exc, e.ModelHTTPError):
        return ProviderFailure("provider_error", detail, transient=exc.status_code >= 500, status=status)
    return ProviderFailure("provider_error", detail, status=status)


def _names_unknown_model(exc: BaseException) -> bool:
    """Mistral answers an unknown model with 400 `invalid_model` (code 1500), not 404."""
    code = str(getattr(exc, "provider_error_code", "") or "")
    kind = str(getattr(exc, "provider_error_type", "") or "")
    return code == "1500" or kind == "invalid_model"


def _detail(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return f"{type(exc).__name__}: {message}"[:500]
