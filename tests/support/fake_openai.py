"""A local stand-in for the OpenAI HTTP API, for tests and benchmarks.

`FakeOpenAI` runs a stdlib HTTP/1.1 server on 127.0.0.1 (ephemeral port) in a background thread and speaks the
OpenAI wire format the official SDK expects: `GET /v1/models`, `GET /v1/models/{id}` and
`POST /v1/chat/completions` (plain and SSE streaming, text and tool calls), with OpenAI's real error bodies.
Replies are scripted with `fake.script(...)` / `fake.script_for_model(...)` using the helpers below
(`text`, `tool_calls`, `error`, `rate_limited`, `insufficient_quota`, `server_error`, `model_not_found`,
`context_too_long`, `hang`, `delay`, `drop`, `streamed`). Every request is recorded in `fake.requests`.

A stream is a `chat.completion.chunk` per SSE event: the role, the content in a few pieces (or the tool calls, their
arguments in pieces), the `finish_reason`, then, when the request asks `stream_options.include_usage`, a chunk with
no choices and the usage, and `data: [DONE]`. `streamed(reply, interval=..., cut_after=..., pieces=...)` paces those
events, hangs up mid-stream, or sends the text in more (or fewer) pieces.

    with FakeOpenAI() as fake:
        fake.script(text("hello", prompt_tokens=5, completion_tokens=1), rate_limited(retry_after=3))
        client = openai.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=0)
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ._fake_http import (
    DelayReply,
    DropReply,
    ErrorReply,
    FakeHandler,
    FakeServer,
    HangReply,
    RecordedRequest,
    StreamReply,
    drop,
    hang,
    next_id,
    streamed,
)
from ._fake_http import (
    dumps as _dumps,
)
from ._fake_http import (
    split_text as _split_text,
)

__all__ = [
    "DEFAULT_MODELS",
    "DelayReply",
    "DropReply",
    "ErrorReply",
    "FakeOpenAI",
    "HangReply",
    "RecordedRequest",
    "Reply",
    "StreamReply",
    "TextReply",
    "ToolCall",
    "ToolCallsReply",
    "context_too_long",
    "delay",
    "drop",
    "error",
    "hang",
    "insufficient_quota",
    "model_not_found",
    "rate_limited",
    "server_error",
    "streamed",
    "text",
    "tool_calls",
]

DEFAULT_MODELS: tuple[str, ...] = ("gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o-mini")

_API_KEYS_URL = "https://platform.openai.com/account/api-keys"
_JSON = "application/json"
_SSE = "text/event-stream; charset=utf-8"


# --- replies ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextReply:
    """An assistant message with text content (finish_reason "stop")."""

    content: str
    prompt_tokens: int = 10
    completion_tokens: int = 2


@dataclass(frozen=True)
class ToolCall:
    """One function call; `arguments` is sent as the JSON string OpenAI uses."""

    name: str
    arguments: str
    id: str | None = None


@dataclass(frozen=True)
class ToolCallsReply:
    """An assistant message carrying `tool_calls` (finish_reason "tool_calls")."""

    calls: tuple[ToolCall, ...]
    content: str | None = None
    prompt_tokens: int = 10
    completion_tokens: int = 2


Reply = TextReply | ToolCallsReply | ErrorReply | HangReply | DelayReply | DropReply | StreamReply
"""Anything `script()` accepts; it also takes a plain `str` (text) or a dict `{"content": ...}` /
`{"tool_calls": [...]}`."""

ReplyLike = Reply | str | Mapping[str, Any]


def text(content: str, prompt_tokens: int = 10, completion_tokens: int = 2) -> TextReply:
    """A text answer with the given usage."""
    return TextReply(content, prompt_tokens, completion_tokens)


def tool_calls(
    calls: Iterable[Mapping[str, Any]],
    *,
    content: str | None = None,
    prompt_tokens: int = 10,
    completion_tokens: int = 2,
) -> ToolCallsReply:
    """Tool calls, each `{"name": str, "arguments": dict | str, "id": str (optional)}`."""
    parsed: list[ToolCall] = []
    for call in calls:
        arguments = call.get("arguments", {})
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments, separators=(",", ":"))
        call_id = call.get("id")
        parsed.append(ToolCall(str(call["name"]), arguments, str(call_id) if call_id is not None else None))
    return ToolCallsReply(tuple(parsed), content, prompt_tokens, completion_tokens)


def error(
    status: int,
    code: str | None = None,
    message: str = "An error occurred.",
    type: str = "invalid_request_error",  # noqa: A002 - mirrors the OpenAI field name
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
) -> ErrorReply:
    """HTTP `status` with body `{"error": {message, type, param, code}}`, or `body` verbatim if given."""
    if body is None:
        body = {"error": {"message": message, "type": type, "param": param, "code": code}}
    return ErrorReply(status, body, tuple((headers or {}).items()))


def rate_limited(retry_after: float | None = None) -> ErrorReply:
    """429 `rate_limit_exceeded` as OpenAI sends it, with a `retry-after` header if `retry_after` is given."""
    wait = f"{retry_after:g}s" if retry_after is not None else "20s"
    message = (
        "Rate limit reached for {model} in organization org-fake on requests per min (RPM): "
        f"Limit 3, Used 3, Requested 1. Please try again in {wait}. "
        "Visit https://platform.openai.com/account/rate-limits to learn more."
    )
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else None
    return error(429, code="rate_limit_exceeded", message=message, type="requests", headers=headers)


def insufficient_quota() -> ErrorReply:
    """429 `insufficient_quota`, as OpenAI sends it for an exhausted balance."""
    return error(
        429,
        code="insufficient_quota",
        type="insufficient_quota",
        message=(
            "You exceeded your current quota, please check your plan and billing details. "
            "For more information on this error, read the docs: "
            "https://platform.openai.com/docs/guides/error-codes/api-errors."
        ),
    )


def server_error(status: int = 500) -> ErrorReply:
    """A 5xx with OpenAI's `server_error` body (503 uses its "overloaded" message)."""
    if status == 503:
        message = "The engine is currently overloaded, please try again later."
    else:
        message = (
            "The server had an error while processing your request. Sorry about that! "
            "You can retry your request, or contact us through our help center at help.openai.com "
            "if the error persists."
        )
    return error(status, code=None, type="server_error", message=message)


def model_not_found(model: str) -> ErrorReply:
    """404 `model_not_found` for `model`."""
    return error(
        404,
        code="model_not_found",
        message=f"The model `{model}` does not exist or you do not have access to it.",
    )


def context_too_long(max_tokens: int = 128000, requested: int = 130000) -> ErrorReply:
    """400 `context_length_exceeded`."""
    return error(
        400,
        code="context_length_exceeded",
        param="messages",
        message=(
            f"This model's maximum context length is {max_tokens} tokens. However, your messages resulted in "
            f"{requested} tokens. Please reduce the length of the messages."
        ),
    )


def delay(seconds: float, reply: ReplyLike | None = None) -> DelayReply:
    """Answer with `reply` (default: "ok") after `seconds`. stop() aborts the wait."""
    return DelayReply(seconds, _coerce(reply) if reply is not None else _DEFAULT_REPLY)


_DEFAULT_REPLY: Reply = TextReply("ok", 10, 2)


def _coerce(reply: ReplyLike) -> Reply:
    if isinstance(reply, StreamReply):
        return StreamReply(_coerce(reply.reply), reply.interval, reply.cut_after, reply.pieces)
    if isinstance(reply, (TextReply, ToolCallsReply, ErrorReply, HangReply, DelayReply, DropReply)):
        return reply
    if isinstance(reply, str):
        return TextReply(reply)
    if isinstance(reply, Mapping):
        usage = {k: int(reply[k]) for k in ("prompt_tokens", "completion_tokens") if k in reply}
        if "tool_calls" in reply:
            return tool_calls(reply["tool_calls"], content=reply.get("content"), **usage)
        if "content" in reply:
            return TextReply(str(reply["content"]), **usage)
    raise TypeError(f"not a scripted reply: {reply!r}")


# --- server ----------------------------------------------------------------------------------------------


def _error_body(message: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}


def _mask_key(key: str) -> str:
    return f"{key[:3]}...{key[-4:]}" if len(key) > 8 else key


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


class _Handler(FakeHandler):
    server_version = "fake-openai/1.0"

    def response_headers(self) -> Iterable[tuple[str, str]]:
        return (("x-request-id", f"req_fake{next_id():016x}"), ("openai-version", "2020-10-01"))

    def internal_error(self, exc: Exception) -> None:
        self.send_json(500, {"error": {"message": repr(exc), "type": "server_error", "param": None}})

    # -- dispatch ------------------------------------------------------------------------------------------

    def route(self, path: str, body: Any, bad_json: bool, headers: Mapping[str, str]) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeOpenAI)
        if not self._authorized(headers):
            return
        if bad_json:
            self.send_json(
                400,
                _error_body(
                    "We could not parse the JSON body of your request. (HINT: This likely means you "
                    "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
                    "but what was sent was not valid JSON. If you have trouble figuring out how to fix "
                    "this, please contact us through our help center at help.openai.com.)"
                ),
            )
            return
        if self.command == "POST" and path == "/v1/chat/completions":
            self._chat_completions(body if isinstance(body, dict) else {})
        elif self.command == "GET" and path == "/v1/models":
            self.send_json(200, {"object": "list", "data": [fake._model_obj(m) for m in fake.models]})
        elif self.command == "GET" and path.startswith("/v1/models/"):
            model = path[len("/v1/models/") :]
            if model in fake.models:
                self.send_json(200, fake._model_obj(model))
            else:
                self._reply(model_not_found(model), model, stream=False, include_usage=False)
        else:
            self.send_json(404, _error_body(f"Invalid URL ({self.command} {path})"))

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        keys = self.server.fake.api_keys
        if keys is None:
            return True
        auth = headers.get("authorization", "")
        key = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if key in keys:
            return True
        if not key:
            message = (
                "You didn't provide an API key. You need to provide your API key in an Authorization "
                "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field "
                "(with blank username) if you're accessing the API from your browser and are prompted for "
                f"a username. You can obtain an API key from {_API_KEYS_URL}."
            )
            self.send_json(401, _error_body(message))
        else:
            message = f"Incorrect API key provided: {_mask_key(key)}. You can find your API key at {_API_KEYS_URL}."
            self.send_json(401, _error_body(message, code="invalid_api_key"))
        return False

    # -- chat completions ----------------------------------------------------------------------------------

    def _chat_completions(self, body: Mapping[str, Any]) -> None:
        model = str(body.get("model") or "")
        stream = bool(body.get("stream"))
        options = body.get("stream_options")
        include_usage = bool(isinstance(options, dict) and options.get("include_usage"))
        self._reply(self.server.fake._next_reply(model), model, stream, include_usage)

    def _reply(self, scripted: Reply, model: str, stream: bool, include_usage: bool) -> None:
        reply: TextReply | ToolCallsReply | ErrorReply | None = self.resolve(scripted)
        if reply is None:
            return
        if isinstance(reply, ErrorReply):
            body = reply.body
            if isinstance(body, dict) and isinstance(body.get("error"), dict):
                message = body["error"].get("message")
                if isinstance(message, str) and "{model}" in message:
                    body = {**body, "error": {**body["error"], "message": message.replace("{model}", model)}}
            if isinstance(body, (bytes, str)):
                raw = body.encode() if isinstance(body, str) else body
                self.send(reply.status, raw, "text/html; charset=utf-8", reply.headers)
            else:
                self.send_json(reply.status, body, reply.headers)
        elif stream:
            self.send_stream(200, _sse(reply, model, include_usage, self.text_pieces), _SSE)
        else:
            self.send_json(200, _completion(reply, model))


def _message_tool_calls(reply: ToolCallsReply, completion_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": call.id or f"call_fake{completion_id:08x}{i:04x}",
            "type": "function",
            "function": {"name": call.name, "arguments": call.arguments},
        }
        for i, call in enumerate(reply.calls)
    ]


def _completion(reply: TextReply | ToolCallsReply, model: str) -> dict[str, Any]:
    n = next_id()
    message: dict[str, Any] = {
        "role": "assistant",
        "content": reply.content,
        "refusal": None,
        "annotations": [],
    }
    if isinstance(reply, ToolCallsReply):
        message["tool_calls"] = _message_tool_calls(reply, n)
        finish_reason = "tool_calls"
    else:
        finish_reason = "stop"
    return {
        "id": f"chatcmpl-fake{n:016x}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
        "usage": _usage(reply.prompt_tokens, reply.completion_tokens),
        "service_tier": "default",
        "system_fingerprint": "fp_fake",
    }


def _sse(reply: TextReply | ToolCallsReply, model: str, include_usage: bool, pieces: int) -> list[bytes]:
    n = next_id()
    base: dict[str, Any] = {
        "id": f"chatcmpl-fake{n:016x}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "service_tier": "default",
        "system_fingerprint": "fp_fake",
    }
    extra: dict[str, Any] = {"usage": None} if include_usage else {}
    out: list[bytes] = []

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> None:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        out.append(b"data: " + _dumps({**base, "choices": [choice], **extra}) + b"\n\n")

    if isinstance(reply, ToolCallsReply):
        first: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": None}
        chunk(first)
        for i, call in enumerate(_message_tool_calls(reply, n)):
            head = {
                "index": i,
                "id": call["id"],
                "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""},
            }
            chunk({"tool_calls": [head]})
            for piece in _split_text(call["function"]["arguments"], 2):
                chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
        chunk({}, "tool_calls")
    else:
        chunk({"role": "assistant", "content": "", "refusal": None})
        for piece in _split_text(reply.content, pieces):
            chunk({"content": piece})
        chunk({}, "stop")
    if include_usage:
        usage = _usage(reply.prompt_tokens, reply.completion_tokens)
        out.append(b"data: " + _dumps({**base, "choices": [], "usage": usage}) + b"\n\n")
    out.append(b"data: [DONE]\n\n")
    return out


class FakeOpenAI(FakeServer):
    """A fake OpenAI API server. Use as `with FakeOpenAI() as fake:` or with `start()` / `stop()`.

    Args:
        api_keys: the accepted API keys; None (default) accepts any key, or none.
        models: the ids `GET /v1/models` lists.
        default_reply: the reply when nothing is scripted (default: text "ok", usage 10/2).
    """

    handler_class = _Handler
    thread_name = "fake-openai"
    DEFAULT_REPLY: ClassVar[Reply] = _DEFAULT_REPLY
    default_reply: Reply

    def __init__(
        self,
        api_keys: Iterable[str] | None = None,
        models: Sequence[str] = DEFAULT_MODELS,
        default_reply: ReplyLike | None = None,
    ) -> None:
        super().__init__(api_keys, models, default_reply)

    @classmethod
    def coerce(cls, reply: Any) -> Reply:
        return _coerce(reply)

    # -- addresses -----------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`, for `AsyncOpenAI(base_url=...)`."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def api_key(self) -> str:
        """A key the fake accepts (one of `api_keys`, or a dummy when any key is accepted)."""
        return min(self.api_keys) if self.api_keys else "sk-fake-0000000000000000"

    # -- scripting -----------------------------------------------------------------------------------------

    def script(self, *replies: ReplyLike) -> None:
        """Queue replies, consumed in order by chat completion requests."""
        super().script(*replies)

    def script_for_model(self, model: str, *replies: ReplyLike) -> None:
        """Queue replies for requests naming `model`; they take precedence over the shared queue."""
        super().script_for_model(model, *replies)

    def set_default(self, reply: ReplyLike, model: str | None = None) -> None:
        """Set the sticky reply used when nothing is queued: for `model` only, or for all models.

        Order: the model's queue, the model's default, the shared queue, the global default.
        """
        super().set_default(reply, model)

    # -- recording -----------------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order."""
        return super().requests

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """The recorded `POST /v1/chat/completions` requests."""
        return [r for r in self.requests if r.method == "POST" and r.path.startswith("/v1/chat/completions")]

    # -- internals used by the handler ---------------------------------------------------------------------

    def _model_obj(self, model: str) -> dict[str, Any]:
        return {"id": model, "object": "model", "created": 1700000000, "owned_by": "system"}
