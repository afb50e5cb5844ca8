"""A local stand-in for the Mistral AI HTTP API (La Plateforme, `api.mistral.ai`), for tests.

`FakeMistral` runs a stdlib HTTP/1.1 server on 127.0.0.1 (ephemeral port) in a background thread and speaks the
wire format of the official `mistralai` SDK: `POST /v1/chat/completions` (plain JSON, and SSE with `data: [DONE]`
when `stream` is true; usage rides on the last chunk), `GET /v1/models` (`{"object": "list", "data": [model
cards]}`) and `GET /v1/models/{id}`, with Mistral's real error bodies: `{"detail": "Unauthorized"}` for a bad key,
`{"object": "error", "message": ..., "type": ..., "param": null, "code": "1300"}` for the rest.

The key is the bearer token. Pass `fake.base_url` (`http://127.0.0.1:PORT`, no `/v1`) as `base_url` to
`pydantic_ai.providers.mistral.MistralProvider` or as `server_url` to `mistralai.client.Mistral`:

    with FakeMistral(api_keys=["mistral-test"]) as fake:
        fake.script(text("hello", input_tokens=5, output_tokens=1), rate_limited(retry_after=3))
        provider = MistralProvider(api_key="mistral-test", base_url=fake.base_url)

pydantic-ai's `MistralModel` uses `stream: false` for `agent.run()` and `stream: true` for `agent.run_stream()`.

`streamed(reply, interval=..., cut_after=..., pieces=...)` sends a streamed answer event by event (chunked), paced,
or hangs up after `cut_after` events (a connection lost mid-answer), its text in `pieces` deltas; a request that does
not stream gets `reply` as usual.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._fake_http import (
    DEFAULT_TEXT,
    SSE_TYPE,
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
    retry_after_headers,
    serve_listing,
    split_text,
    streamed,
    text,
)

__all__ = [
    "DEFAULT_MODELS",
    "DelayReply",
    "DropReply",
    "ErrorReply",
    "FakeMistral",
    "HangReply",
    "ProviderRequest",
    "Reply",
    "StreamReply",
    "TextReply",
    "context_too_long",
    "delay",
    "drop",
    "error",
    "hang",
    "invalid_key",
    "invalid_model",
    "rate_limited",
    "server_error",
    "service_unavailable",
    "streamed",
    "text",
]

DEFAULT_MODELS: tuple[str, ...] = ("mistral-large-latest", "mistral-medium-latest", "mistral-small-latest")


# --- replies ---------------------------------------------------------------------------------------------


Reply = TextReply | ErrorReply | HangReply | DelayReply | DropReply | StreamReply
"""Anything `script()` accepts; it also takes a plain `str` (text) or a dict `{"content": ..., "input_tokens": ...,
"output_tokens": ...}`."""


def error(
    status: int,
    message: str,
    type: str = "invalid_request_error",  # noqa: A002 - mirrors the Mistral field name
    code: str | None = None,
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
) -> ErrorReply:
    """HTTP `status` with body `{"object": "error", "message", "type", "param", "code"}`, or `body` verbatim if
    given. `{model}` in strings becomes the requested model."""
    if body is None:
        body = {"object": "error", "message": message, "type": type, "param": param, "code": code}
    return ErrorReply(status, body, tuple((headers or {}).items()))


def invalid_key() -> ErrorReply:
    """401 `{"detail": "Unauthorized"}`, what Mistral answers a wrong or missing key with."""
    return ErrorReply(401, {"detail": "Unauthorized"})


def rate_limited(retry_after: float | None = None) -> ErrorReply:
    """429 `rate_limited` (code "1300"), with a `retry-after` header (whole seconds) if `retry_after` is given."""
    return error(429, "Rate limit exceeded", type="rate_limited", code="1300", headers=retry_after_headers(retry_after))


def server_error(status: int = 500) -> ErrorReply:
    """A 5xx with the body Mistral sends with its 500s ("Service unavailable.", `internal_server_error`, code
    "1000"). pydantic-ai: `ModelServerError` (a 503 is `ModelUnavailableError`, see `service_unavailable`)."""
    return error(status, "Service unavailable.", type="internal_server_error", code="1000")


def service_unavailable() -> ErrorReply:
    """503 with the same body (pydantic-ai: `ModelUnavailableError`)."""
    return server_error(503)


def invalid_model(model: str | None = None) -> ErrorReply:
    """400 `invalid_model` (code "1500"), Mistral's answer to an unknown model (pydantic-ai:
    `ModelRequestRejectedError`, since it is a 400)."""
    name = model if model is not None else "{model}"
    return error(400, f"Invalid model: {name}", type="invalid_model", code="1500")


def context_too_long(tokens: int = 140000, maximum: int = 131072) -> ErrorReply:
    """400 with code "3051" (pydantic-ai: `ModelContextWindowExceededError`)."""
    return error(
        400,
        f"Prompt contains {tokens} tokens and 0 draft tokens, too large for model with {maximum} maximum context "
        "length",
        type="invalid_request_error",
        code="3051",
    )


def delay(seconds: float, reply: Any = None) -> DelayReply:
    """Answer with `reply` (default: "ok") after `seconds`. stop() aborts the wait."""
    return DelayReply(seconds, FakeMistral.coerce(reply) if reply is not None else DEFAULT_TEXT)


# --- server ----------------------------------------------------------------------------------------------


def _usage(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "prompt_tokens": input_tokens,
        "total_tokens": input_tokens + output_tokens,
        "completion_tokens": output_tokens,
    }


def _completion(reply: TextReply, model: str, completion_id: str) -> dict[str, Any]:
    message = {"role": "assistant", "tool_calls": None, "content": reply.content}
    return {
        "id": completion_id,
        "created": int(time.time()),
        "model": model,
        "usage": _usage(reply.input_tokens, reply.output_tokens),
        "object": "chat.completion",
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
    }


def _sse(reply: TextReply, model: str, completion_id: str, pieces: int) -> list[bytes]:
    base = {"id": completion_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
    out: list[bytes] = []

    def chunk(delta: dict[str, Any], finish_reason: str | None = None, **extra: Any) -> None:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason}
        out.append(b"data: " + dumps({**base, "choices": [choice], **extra}) + b"\n\n")

    chunk({"role": "assistant", "content": ""})
    for piece in split_text(reply.content, pieces):
        chunk({"content": piece})
    chunk({"content": ""}, "stop", usage=_usage(reply.input_tokens, reply.output_tokens))
    out.append(b"data: [DONE]\n\n")
    return out


class _Handler(FakeHandler):
    server_version = "fake-mistral/1.0"

    def response_headers(self) -> Iterable[tuple[str, str]]:
        return (("mistral-correlation-id", f"{next_id():032x}"),)

    def internal_error(self, exc: Exception) -> None:
        self.send_error_reply(error(500, f"Internal server error ({exc!r})", type="internal_server_error"), "")

    def route(self, path: str, body: Any, bad_json: bool, headers: Mapping[str, str]) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeMistral)
        auth = headers.get("authorization", "")
        key = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        if not fake._accepts(key):
            self.send_error_reply(invalid_key(), "")
            return
        if bad_json:
            self.send_error_reply(error(400, "Invalid JSON body", type="invalid_request_json", code="2000"), "")
            return
        if self.command == "POST" and path == "/v1/chat/completions":
            self._chat(body if isinstance(body, dict) else {})
        elif self.command == "GET" and path == "/v1/models":
            serve_listing(self, lambda: self.send_json(200, {"object": "list", "data": fake._model_list()}))
        elif self.command == "GET" and path.startswith("/v1/models/"):
            model = path[len("/v1/models/") :]
            if model in fake.models:
                self.send_json(200, fake._model_obj(model))
            else:
                self.send_json(404, {"detail": "Model not found"})
        else:
            self.send_json(404, {"detail": "Not Found"})

    def _chat(self, body: Mapping[str, Any]) -> None:
        model = body.get("model")
        if not isinstance(model, str) or not model or not isinstance(body.get("messages"), list):
            missing = "model" if not isinstance(model, str) or not model else "messages"
            detail = [{"type": "missing", "loc": ["body", missing], "msg": "Field required", "input": None}]
            self.send_json(422, {"object": "error", "message": {"detail": detail}, "type": "invalid_request_error"})
            return
        reply = self.resolve(self.server.fake._next_reply(model))
        if reply is None:
            return
        if isinstance(reply, ErrorReply):
            self.send_error_reply(reply, model)
            return
        completion_id = f"{next_id():032x}"
        if body.get("stream"):
            self.send_stream(200, _sse(reply, model, completion_id, self.text_pieces), SSE_TYPE)
        else:
            self.send_json(200, _completion(reply, model, completion_id))


class FakeMistral(ProviderFake):
    """A fake Mistral API server. Use as `with FakeMistral() as fake:` or with `start()` / `stop()`.

    Args:
        api_keys: the accepted API keys (bearer); None (default) accepts any key, or none.
        models: the ids `GET /v1/models` lists.
        default_reply: the reply when nothing is scripted (default: text "ok", usage 10/2).
    """

    handler_class = _Handler
    thread_name = "fake-mistral"
    dummy_key = "fakeMistralKey00000000000000000"

    def __init__(
        self,
        api_keys: Iterable[str] | None = None,
        models: Sequence[str] = DEFAULT_MODELS,
        default_reply: Any = None,
    ) -> None:
        super().__init__(api_keys, models, default_reply)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` (no `/v1`), for `MistralProvider(base_url=...)` / `Mistral(server_url=...)`."""
        return self.root_url

    @property
    def requests(self) -> list[ProviderRequest]:
        """A snapshot of every request received so far, in arrival order."""
        return super().requests

    @property
    def chat_requests(self) -> list[ProviderRequest]:
        """The recorded `POST /v1/chat/completions` requests."""
        return [r for r in self.requests if r.method == "POST" and r.route == "/v1/chat/completions"]

    def _model_list(self) -> list[dict[str, Any]]:
        return [self._model_obj(m) for m in self.models]

    def _model_obj(self, model: str) -> dict[str, Any]:
        return {
            "id": model,
            "object": "model",
            "created": 1750000000,
            "owned_by": "mistralai",
            "capabilities": {
                "completion_chat": True,
                "completion_fim": False,
                "function_calling": True,
                "fine_tuning": False,
                "vision": False,
                "classification": False,
            },
            "name": model,
            "description": f"Fake {model}",
            "max_context_length": 131072,
            "aliases": [],
            "deprecation": None,
            "default_model_temperature": 0.3,
            "type": "base",
        }
