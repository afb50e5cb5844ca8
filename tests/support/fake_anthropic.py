"""A local stand-in for the Anthropic HTTP API, for tests.

`FakeAnthropic` runs a stdlib HTTP/1.1 server on 127.0.0.1 (ephemeral port) in a background thread and speaks the
wire format of the official `anthropic` SDK: `POST /v1/messages` (plain JSON and SSE streaming: `message_start`,
`content_block_start`, `ping`, `content_block_delta`, `content_block_stop`, `message_delta` with usage,
`message_stop`), `POST /v1/messages/count_tokens`, `GET /v1/models` (paginated: `data`, `has_more`, `first_id`,
`last_id`; `limit`, `after_id`, `before_id`) and `GET /v1/models/{id}`, with Anthropic's real error bodies
`{"type": "error", "error": {"type": ..., "message": ...}, "request_id": ...}`.

Tool use: `tool_use([...])` answers with `tool_use` content blocks and `stop_reason: "tool_use"`; streamed, each
block is `content_block_start` (input `{}`), `content_block_delta`s of type `input_json_delta` (the first one's
`partial_json` empty, as Anthropic sends it), `content_block_stop`. As Anthropic does, the fake answers 400 when an
assistant `tool_use` is not answered by a `tool_result` in the next user message (and the other way round). The
recorded `AnthropicRequest` shows the `tools` offered and the `tool_results` sent back.

The key is read from `x-api-key` or `Authorization: Bearer` (anthropic 2.x sends the latter). Pass
`fake.base_url` (`http://127.0.0.1:PORT`, no `/v1`) as `base_url` to `anthropic.AsyncAnthropic` or to
`pydantic_ai.providers.anthropic.AnthropicProvider`:

    with FakeAnthropic(api_keys=["sk-ant-test"]) as fake:
        fake.script(text("hello", input_tokens=5, output_tokens=1), rate_limited(retry_after=3))
        client = anthropic.AsyncAnthropic(api_key="sk-ant-test", base_url=fake.base_url, max_retries=0)

pydantic-ai streams a request (even `agent.run()`) when its `max_tokens` is above what the SDK allows without
streaming (about 21,333), e.g. `model_settings={"max_tokens": 64000}`, or the model's default maximum output with a
custom client timeout; `agent.run_stream()` always streams. Both forms answer from the same scripted replies.

`streamed(reply, interval=..., cut_after=..., pieces=...)` sends a streamed answer event by event (chunked), paced,
or hangs up after `cut_after` events (a connection lost mid-answer), its text in `pieces` deltas; a request that does
not stream gets `reply` as usual.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from ._fake_http import (
    DEFAULT_TEXT,
    SSE_TYPE,
    TEXT_PIECES,
    DelayReply,
    DropReply,
    ErrorReply,
    FakeHandler,
    HangReply,
    ProviderFake,
    ProviderRequest,
    StreamReply,
    TextReply,
    drop,
    dumps,
    hang,
    next_id,
    query_of,
    replace_model,
    retry_after_headers,
    serve_listing,
    split_text,
    streamed,
    text,
)

__all__ = [
    "DEFAULT_MODELS",
    "AnthropicRequest",
    "DelayReply",
    "DropReply",
    "ErrorReply",
    "FakeAnthropic",
    "HangReply",
    "MidStreamErrorReply",
    "Reply",
    "StreamReply",
    "TextReply",
    "ToolUse",
    "ToolUseReply",
    "context_too_long",
    "delay",
    "drop",
    "error",
    "hang",
    "invalid_key",
    "mid_stream",
    "model_not_found",
    "no_credit",
    "overloaded",
    "permission_denied",
    "rate_limited",
    "server_error",
    "result_text",
    "streamed",
    "text",
    "tool_use",
]

DEFAULT_MODELS: tuple[str, ...] = (
    "claude-sonnet-5-5",
    "claude-opus-4-8",
    "claude-sonnet-4-6",
    "claude-haiku-4-5-20251001",
)
"""Listed newest first, as Anthropic lists them (a dated id gets its date as `created_at`)."""

ANTHROPIC_VERSION_REQUIRED = "anthropic-version: header is required"


# --- replies ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MidStreamErrorReply:
    """For a streamed request: a 200 stream that starts (with `partial` text) and then carries an `error` event
    with `error`'s body, as Anthropic reports e.g. an overload after the stream opened. A non-streamed request
    gets `error` as a plain HTTP error."""

    error: ErrorReply
    partial: str = ""


@dataclass(frozen=True)
class ToolUse:
    """One `tool_use` block: the model calls the function `name` with `input` (a JSON object)."""

    name: str
    input: Mapping[str, Any]
    id: str | None = None


@dataclass(frozen=True)
class ToolUseReply:
    """An assistant message of `tool_use` blocks (after a text block if `text`), `stop_reason: "tool_use"`."""

    calls: tuple[ToolUse, ...]
    text: str | None = None
    input_tokens: int = 10
    output_tokens: int = 2


Reply = TextReply | ToolUseReply | ErrorReply | MidStreamErrorReply | HangReply | DelayReply | DropReply | StreamReply
"""Anything `script()` accepts; it also takes a plain `str` (text), a dict `{"content": ..., "input_tokens": ...,
"output_tokens": ...}` or a dict `{"tool_use": [...], "text": ..., "input_tokens": ..., "output_tokens": ...}`."""


def tool_use(
    calls: Iterable[Mapping[str, Any]],
    *,
    text: str | None = None,
    input_tokens: int = 10,
    output_tokens: int = 2,
) -> ToolUseReply:
    """Tool calls, each `{"name": str, "input": dict (default {}), "id": "toolu_..." (optional, else made up)}`."""
    parsed: list[ToolUse] = []
    for call in calls:
        arguments = call.get("input", {})
        if not isinstance(arguments, Mapping):
            raise TypeError(f"a tool_use input is a JSON object, not {arguments!r}")
        call_id = call.get("id")
        parsed.append(ToolUse(str(call["name"]), dict(arguments), str(call_id) if call_id is not None else None))
    if not parsed:
        raise ValueError("tool_use() needs at least one call")
    return ToolUseReply(tuple(parsed), text, input_tokens, output_tokens)


def error(
    status: int,
    type: str,  # noqa: A002 - mirrors the Anthropic field name
    message: str,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
) -> ErrorReply:
    """HTTP `status` with body `{"type": "error", "error": {"type": type, "message": message}}` (plus the
    `request_id` the fake adds), or `body` verbatim if given. `{model}` in strings becomes the requested model."""
    if body is None:
        body = {"type": "error", "error": {"type": type, "message": message}}
    return ErrorReply(status, body, tuple((headers or {}).items()))


def invalid_key() -> ErrorReply:
    """401 `authentication_error` "invalid x-api-key" (what a wrong key gets; see also `api_keys`)."""
    return error(401, "authentication_error", "invalid x-api-key")


def permission_denied() -> ErrorReply:
    """403 `permission_error`."""
    return error(403, "permission_error", "Your API key does not have permission to use the specified resource.")


def rate_limited(retry_after: float | None = None) -> ErrorReply:
    """429 `rate_limit_error`, with a `retry-after` header (whole seconds) if `retry_after` is given."""
    message = (
        "This request would exceed the rate limit for your organization (00000000-0000-0000-0000-000000000000) "
        "of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. "
        "You can see the response headers for current usage. Please reduce the prompt length or the maximum "
        "tokens requested, or try again later. You may also contact sales at "
        "https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase."
    )
    headers = {**retry_after_headers(retry_after), "anthropic-ratelimit-requests-limit": "50"}
    headers["anthropic-ratelimit-requests-remaining"] = "0"
    return error(429, "rate_limit_error", message, headers=headers)


def no_credit() -> ErrorReply:
    """400 `invalid_request_error` for an exhausted prepaid balance (pydantic-ai: `ModelQuotaExceededError`)."""
    return error(
        400,
        "invalid_request_error",
        "Your credit balance is too low to access the Anthropic API. "
        "Please go to Plans & Billing to upgrade or purchase credits.",
    )


def overloaded() -> ErrorReply:
    """529 `overloaded_error` (pydantic-ai: `ModelOverloadedError`)."""
    return error(529, "overloaded_error", "Overloaded")


def server_error(status: int = 500) -> ErrorReply:
    """A 5xx `api_error` (pydantic-ai: `ModelServerError`; a 503 is a `ModelUnavailableError`)."""
    return error(status, "api_error", "Internal server error")


def model_not_found(model: str | None = None) -> ErrorReply:
    """404 `not_found_error` "model: NAME" (`model` defaults to the requested one)."""
    return error(404, "not_found_error", f"model: {model if model is not None else '{model}'}")


def context_too_long(tokens: int = 210000, maximum: int = 200000) -> ErrorReply:
    """400 "prompt is too long" (pydantic-ai: `ModelContextWindowExceededError`)."""
    return error(400, "invalid_request_error", f"prompt is too long: {tokens} tokens > {maximum} maximum")


def mid_stream(reply: ErrorReply | None = None, partial: str = "") -> MidStreamErrorReply:
    """`reply` (default `overloaded()`) as an `error` event inside an open stream, after `partial` text."""
    return MidStreamErrorReply(reply if reply is not None else overloaded(), partial)


def delay(seconds: float, reply: Any = None) -> DelayReply:
    """Answer with `reply` (default: "ok") after `seconds`. stop() aborts the wait."""
    return DelayReply(seconds, FakeAnthropic.coerce(reply) if reply is not None else DEFAULT_TEXT)


# --- recording -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnthropicRequest(ProviderRequest):
    """A recorded request; `api_key` reads `x-api-key` or the bearer token."""

    @property
    def api_key(self) -> str | None:
        """The `x-api-key` header, else the bearer token of `authorization`, if any."""
        if key := self.headers.get("x-api-key"):
            return key.strip()
        return super().api_key

    @property
    def tools(self) -> list[dict[str, Any]]:
        """The `tools` offered (each `{"name", "description", "input_schema", ...}`), [] if none."""
        tools = self.json.get("tools") if isinstance(self.json, dict) else None
        return [tool for tool in tools if isinstance(tool, dict)] if isinstance(tools, list) else []

    @property
    def tool_results(self) -> list[dict[str, Any]]:
        """Every `tool_result` block of the user messages, in order (`tool_use_id`, `content`, `is_error`)."""
        return [block for block in _blocks(self.json, "user") if block.get("type") == "tool_result"]


def result_text(block: Mapping[str, Any]) -> str:
    """The text of a `tool_result` block, whose `content` is a string or a list of `text` blocks."""
    content = block.get("content", "")
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


def _blocks(body: Any, role: str) -> list[dict[str, Any]]:
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list):
        return []
    return [
        block
        for message in messages
        if isinstance(message, dict) and message.get("role") == role
        for block in _content(message)
    ]


def _content(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    return [block for block in content if isinstance(block, dict)] if isinstance(content, list) else []


# --- server ----------------------------------------------------------------------------------------------


def _usage(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


def _content_blocks(reply: TextReply | ToolUseReply) -> list[dict[str, Any]]:
    if isinstance(reply, TextReply):
        return [{"type": "text", "text": reply.content}]
    blocks: list[dict[str, Any]] = [{"type": "text", "text": reply.text}] if reply.text else []
    for call in reply.calls:
        call_id = call.id or f"toolu_01Fake{next_id():016d}"
        block = {"type": "tool_use", "id": call_id, "name": call.name, "input": dict(call.input)}
        blocks.append(block | {"caller": {"type": "direct"}})  # what the API adds to a call the model made itself
    return blocks


def _stop_reason(reply: TextReply | ToolUseReply) -> str:
    return "tool_use" if isinstance(reply, ToolUseReply) else "end_turn"


def _message(reply: TextReply | ToolUseReply, model: str, msg_id: str) -> dict[str, Any]:
    return {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": _content_blocks(reply),
        "stop_reason": _stop_reason(reply),
        "stop_sequence": None,
        "usage": _usage(reply.input_tokens, reply.output_tokens),
    }


def _event(name: str, data: Mapping[str, Any]) -> bytes:
    return f"event: {name}\ndata: ".encode() + dumps(data) + b"\n\n"


def _message_start(model: str, msg_id: str, input_tokens: int) -> bytes:
    start: dict[str, Any] = {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": _usage(input_tokens, 1),
    }
    return _event("message_start", {"type": "message_start", "message": start})


def _stream_head(model: str, msg_id: str, input_tokens: int) -> list[bytes]:
    return [_message_start(model, msg_id, input_tokens), _block_start(0, _EMPTY_TEXT), _event("ping", _PING)]


_EMPTY_TEXT = {"type": "text", "text": ""}
_PING = {"type": "ping"}


def _block_start(index: int, block: Mapping[str, Any]) -> bytes:
    return _event("content_block_start", {"type": "content_block_start", "index": index, "content_block": block})


def _delta(index: int, delta: Mapping[str, Any]) -> bytes:
    return _event("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})


def _deltas(content: str, index: int = 0, pieces: int = TEXT_PIECES) -> list[bytes]:
    return [_delta(index, {"type": "text_delta", "text": piece}) for piece in split_text(content, pieces)]


def _json_pieces(arguments: Mapping[str, Any], pieces: int = 3) -> list[str]:
    """The input as Anthropic streams it: an empty first piece, then the JSON cut anywhere (mid-string too)."""
    raw = json.dumps(arguments)
    step = max(1, -(-len(raw) // pieces))
    return [""] + [raw[i : i + step] for i in range(0, len(raw), step)]


def _block_events(index: int, block: Mapping[str, Any], pieces: int) -> list[bytes]:
    if block["type"] == "text":
        out = [_block_start(index, _EMPTY_TEXT), *_deltas(block["text"], index, pieces)]
    else:  # tool_use: the input arrives as `input_json_delta` pieces, the block starts with an empty one
        out = [_block_start(index, {**block, "input": {}})]
        out += [_delta(index, {"type": "input_json_delta", "partial_json": p}) for p in _json_pieces(block["input"])]
    if index == 0:
        out.insert(1, _event("ping", _PING))
    out.append(_event("content_block_stop", {"type": "content_block_stop", "index": index}))
    return out


def _stream(reply: TextReply | ToolUseReply, model: str, msg_id: str, pieces: int = TEXT_PIECES) -> list[bytes]:
    usage = {
        "input_tokens": reply.input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": reply.output_tokens,
    }
    out = [_message_start(model, msg_id, reply.input_tokens)]
    for index, block in enumerate(_content_blocks(reply)):
        out += _block_events(index, block, pieces)
    delta = {"stop_reason": _stop_reason(reply), "stop_sequence": None}
    out.append(_event("message_delta", {"type": "message_delta", "delta": delta, "usage": usage}))
    out.append(_event("message_stop", {"type": "message_stop"}))
    return out


def _request_problem(body: Mapping[str, Any]) -> str | None:
    """What Anthropic would answer 400 to in the tools or in the pairing of `tool_use` and `tool_result`."""
    tools = body.get("tools", [])
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        if not isinstance(tool, dict) or not tool.get("name") or not isinstance(tool.get("input_schema"), dict):
            return f"tools.{i}.input_schema: Field required"
    messages = [m if isinstance(m, dict) else {} for m in body["messages"]]
    for i, message in enumerate(messages):
        if message.get("role") == "assistant":
            following = messages[i + 1] if i + 1 < len(messages) else {}
            missing = [x for x in _ids(message, "tool_use", "id") if x not in _ids(following, "tool_result")]
            if missing:
                return (
                    f"messages.{i}: `tool_use` ids were found without `tool_result` blocks immediately after: "
                    f"{', '.join(missing)}. Each `tool_use` block must have a corresponding `tool_result` block "
                    "in the next message."
                )
        elif message.get("role") == "user":
            asked = _ids(messages[i - 1], "tool_use", "id") if i > 0 else []
            for j, block in enumerate(_content(message)):
                if block.get("type") == "tool_result" and block.get("tool_use_id") not in asked:
                    return (
                        f"messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` blocks: "
                        f"{block.get('tool_use_id')}. Each `tool_result` block must have a corresponding `tool_use` "
                        "block in the previous message."
                    )
    return None


def _ids(message: Mapping[str, Any], kind: str, key: str = "tool_use_id") -> list[str]:
    role = "assistant" if kind == "tool_use" else "user"
    if message.get("role") != role:
        return []
    return [str(block.get(key)) for block in _content(message) if block.get("type") == kind]


def _display_name(model: str) -> str:
    parts = model.split("-")
    if parts and len(parts[-1]) == 8 and parts[-1].isdigit():
        parts = parts[:-1]
    words: list[str] = []
    for part in parts:
        if part.isdigit() and words and words[-1][-1:].isdigit():
            words[-1] += f".{part}"
        else:
            words.append(part.capitalize() if not part.isdigit() else part)
    return " ".join(words)


def _created_at(model: str, position: int) -> str:
    stamp = model.rsplit("-", 1)[-1]
    if len(stamp) == 8 and stamp.isdigit():
        return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:]}T00:00:00Z"
    newest_first = datetime(2026, 6, 1, tzinfo=UTC) - timedelta(days=30 * position)
    return newest_first.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Handler(FakeHandler):
    server_version = "fake-anthropic/1.0"
    _request_id = ""

    def response_headers(self) -> Iterable[tuple[str, str]]:
        return (("request-id", self._request_id), ("anthropic-organization-id", _ORG_ID))

    def internal_error(self, exc: Exception) -> None:
        self._send_error(500, "api_error", f"Internal server error ({exc!r})")

    def encode_error(self, body: Any) -> bytes:
        if isinstance(body, dict) and body.get("type") == "error" and "request_id" not in body:
            body = {**body, "request_id": self._request_id}
        return dumps(body)

    def _send_error(self, status: int, type_: str, message: str) -> None:
        self.send_error_reply(error(status, type_, message), "")

    # -- dispatch ------------------------------------------------------------------------------------------

    def route(self, path: str, body: Any, bad_json: bool, headers: Mapping[str, str]) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeAnthropic)
        self._request_id = f"req_011Fake{next_id():016d}"
        if not self._authorized(headers):
            return
        if fake.require_version_header and not headers.get("anthropic-version"):
            self._send_error(400, "invalid_request_error", ANTHROPIC_VERSION_REQUIRED)
            return
        if bad_json:
            self._send_error(400, "invalid_request_error", "There was an error parsing the body of the request.")
            return
        if self.command == "POST" and path == "/v1/messages":
            self._messages(body if isinstance(body, dict) else {})
        elif self.command == "POST" and path == "/v1/messages/count_tokens":
            self._count_tokens(body if isinstance(body, dict) else {})
        elif self.command == "GET" and path == "/v1/models":
            serve_listing(self, self._list_models)
        elif self.command == "GET" and path.startswith("/v1/models/"):
            model = path[len("/v1/models/") :]
            if model in fake.models:
                self.send_json(200, fake._model_obj(model))
            else:
                self.send_error_reply(model_not_found(model), model)
        else:
            self._send_error(404, "not_found_error", "Not Found")

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        fake = self.server.fake
        assert isinstance(fake, FakeAnthropic)
        if fake.api_keys is None:
            return True
        key = headers.get("x-api-key", "").strip()
        if not key:
            auth = headers.get("authorization", "")
            key = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if key in fake.api_keys:
            return True
        message = "invalid x-api-key" if key else "x-api-key header is required"
        self._send_error(401, "authentication_error", message)
        return False

    # -- messages ------------------------------------------------------------------------------------------

    def _messages(self, body: Mapping[str, Any]) -> None:
        model = body.get("model")
        if not isinstance(model, str) or not model:
            self._send_error(400, "invalid_request_error", "model: Field required")
            return
        if not isinstance(body.get("max_tokens"), int):
            self._send_error(400, "invalid_request_error", "max_tokens: Field required")
            return
        if not isinstance(body.get("messages"), list):
            self._send_error(400, "invalid_request_error", "messages: Field required")
            return
        if (problem := _request_problem(body)) is not None:
            self._send_error(400, "invalid_request_error", problem)
            return
        stream = bool(body.get("stream"))
        reply = self.resolve(self.server.fake._next_reply(model))
        if reply is None:
            return
        msg_id = f"msg_01Fake{next_id():016d}"
        if isinstance(reply, MidStreamErrorReply):
            if not stream:
                reply = reply.error
            else:
                self._mid_stream_error(reply, model, msg_id)
                return
        if isinstance(reply, ErrorReply):
            self.send_error_reply(reply, model)
        elif stream:
            events = _stream(reply, model, msg_id, self.text_pieces)
            self.send_stream(200, events, SSE_TYPE, (("cache-control", "no-cache"),))
        else:
            self.send_json(200, _message(reply, model, msg_id))

    def _mid_stream_error(self, reply: MidStreamErrorReply, model: str, msg_id: str) -> None:
        out = _stream_head(model, msg_id, 10) + _deltas(reply.partial)
        body = replace_model(reply.error.body, model)
        data = json.loads(self.encode_error(body)) if isinstance(body, dict) else {"type": "error"}
        out.append(_event("error", data))
        self.close_connection = True
        self.send(200, b"".join(out), SSE_TYPE, (("cache-control", "no-cache"),))

    def _count_tokens(self, body: Mapping[str, Any]) -> None:
        size = len(json.dumps(body.get("messages", []))) + len(json.dumps(body.get("system", "")))
        self.send_json(200, {"input_tokens": max(1, size // 4)})

    # -- models --------------------------------------------------------------------------------------------

    def _list_models(self) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeAnthropic)
        query = query_of(self.path)
        try:
            limit = int(query.get("limit", "20"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 1000:
            self._send_error(400, "invalid_request_error", "limit: Input should be between 1 and 1000")
            return
        ids = list(fake.models)
        if (before := query.get("before_id")) and before in ids:
            end = ids.index(before)
            page, has_more = ids[max(0, end - limit) : end], end - limit > 0
        else:
            start = ids.index(after) + 1 if (after := query.get("after_id")) and after in ids else 0
            page, has_more = ids[start : start + limit], start + limit < len(ids)
        self.send_json(
            200,
            {
                "data": [fake._model_obj(m) for m in page],
                "has_more": has_more,
                "first_id": page[0] if page else None,
                "last_id": page[-1] if page else None,
            },
        )


_ORG_ID = "00000000-0000-4000-8000-0000000fa4e0"


class FakeAnthropic(ProviderFake):
    """A fake Anthropic API server. Use as `with FakeAnthropic() as fake:` or with `start()` / `stop()`.

    Args:
        api_keys: the accepted API keys (`x-api-key` or bearer); None (default) accepts any key, or none.
        models: the ids `GET /v1/models` lists, newest first.
        default_reply: the reply when nothing is scripted (default: text "ok", usage 10/2).
        require_version_header: answer 400 without an `anthropic-version` header, as Anthropic does.
    """

    handler_class = _Handler
    request_class = AnthropicRequest
    thread_name = "fake-anthropic"
    dummy_key = "sk-ant-fake.0000.0000"
    extra_reply_types: ClassVar[tuple[type, ...]] = (MidStreamErrorReply, ToolUseReply)

    def __init__(
        self,
        api_keys: Iterable[str] | None = None,
        models: Sequence[str] = DEFAULT_MODELS,
        default_reply: Any = None,
        require_version_header: bool = True,
    ) -> None:
        super().__init__(api_keys, models, default_reply)
        self.require_version_header = require_version_header

    @classmethod
    def coerce(cls, reply: Any) -> Any:
        if isinstance(reply, Mapping) and "tool_use" in reply:
            usage = {k: int(reply[k]) for k in ("input_tokens", "output_tokens") if k in reply}
            return tool_use(reply["tool_use"], text=reply.get("text"), **usage)
        return super().coerce(reply)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` (no `/v1`): `base_url` of `AsyncAnthropic` or `AnthropicProvider`."""
        return self.root_url

    @property
    def requests(self) -> list[AnthropicRequest]:
        """A snapshot of every request received so far, in arrival order."""
        return super().requests

    @property
    def message_requests(self) -> list[AnthropicRequest]:
        """The recorded `POST /v1/messages` requests."""
        return [r for r in self.requests if r.method == "POST" and r.route == "/v1/messages"]

    def _model_obj(self, model: str) -> dict[str, Any]:
        return {
            "type": "model",
            "id": model,
            "display_name": _display_name(model),
            "created_at": _created_at(model, self.models.index(model) if model in self.models else 0),
            "lifecycle": "active",
            "max_input_tokens": 200000,
            "max_tokens": 64000,
        }
