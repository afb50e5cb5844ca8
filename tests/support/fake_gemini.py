"""A local stand-in for the Gemini API (Google AI Studio, `generativelanguage.googleapis.com`), for tests.

`FakeGemini` runs a stdlib HTTP/1.1 server on 127.0.0.1 (ephemeral port) in a background thread and speaks the
wire format of the official `google-genai` SDK: `POST /v1beta/models/{model}:generateContent`,
`POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (SSE; a JSON array without `alt=sse`),
`POST /v1beta/models/{model}:countTokens`, `GET /v1beta/models` (`models`, `nextPageToken`; `pageSize`,
`pageToken`) and `GET /v1beta/models/{model}` (`/v1/` and `/v1alpha/` work too), with Google's real error bodies
`{"error": {"code": ..., "message": ..., "status": ..., "details": [...]}}`. Note that Gemini answers an invalid
key with 400 `INVALID_ARGUMENT` / `API_KEY_INVALID`, not 401, and a missing one with 403 `PERMISSION_DENIED`.

The key is read from `x-goog-api-key` (what the SDK sends) or the `key` query parameter. Pass `fake.base_url`
(`http://127.0.0.1:PORT`, no version) as `base_url` to `pydantic_ai.providers.google.GoogleProvider` or as
`HttpOptions(base_url=...)` to `google.genai.Client`:

    with FakeGemini(api_keys=["AIza-test"]) as fake:
        fake.script(text("hello", input_tokens=5, output_tokens=1), rate_limited(retry_after=7))
        provider = GoogleProvider(api_key="AIza-test", base_url=fake.base_url)

Models are named without `models/` in `script_for_model()` (`"gemini-2.5-flash"`); pydantic-ai's `GoogleModel`
uses `generateContent` for `agent.run()` and `streamGenerateContent?alt=sse` for `agent.run_stream()`.

`streamed(reply, interval=..., cut_after=..., pieces=...)` sends a streamed answer event by event (chunked), paced,
or hangs up after `cut_after` events (a connection lost mid-answer), its text in `pieces` deltas; a request that does
not stream gets `reply` as usual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._fake_http import (
    DEFAULT_TEXT,
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
    "FakeGemini",
    "GeminiRequest",
    "HangReply",
    "Reply",
    "StreamReply",
    "TextReply",
    "billing_required",
    "context_too_long",
    "delay",
    "drop",
    "error",
    "hang",
    "invalid_key",
    "model_not_found",
    "permission_denied",
    "rate_limited",
    "server_error",
    "streamed",
    "text",
    "unavailable",
]

DEFAULT_MODELS: tuple[str, ...] = (
    "gemini-3.8-flash",
    "gemini-3.1-pro-preview",
    "gemini-3.1-flash-lite",
    "gemini-2.5-flash",
)
"""Model ids without `models/`; a name containing "embedding" is listed as an embedding-only model."""

_GENERATE_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]
_EMBED_METHODS = ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"]
_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
_JSON_UTF8 = "application/json; charset=UTF-8"


# --- replies ---------------------------------------------------------------------------------------------


Reply = TextReply | ErrorReply | HangReply | DelayReply | DropReply | StreamReply
"""Anything `script()` accepts; it also takes a plain `str` (text) or a dict `{"content": ..., "input_tokens": ...,
"output_tokens": ...}`."""


def error(
    code: int,
    status: str,
    message: str,
    details: Sequence[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
) -> ErrorReply:
    """HTTP `code` with body `{"error": {"code", "message", "status", "details" (if given)}}`, or `body` verbatim if
    given. `{model}` in strings becomes the requested model."""
    if body is None:
        inner: dict[str, Any] = {"code": code, "message": message, "status": status}
        if details:
            inner["details"] = [dict(d) for d in details]
        body = {"error": inner}
    return ErrorReply(code, body, tuple((headers or {}).items()))


def invalid_key() -> ErrorReply:
    """400 `INVALID_ARGUMENT` with reason `API_KEY_INVALID` (pydantic-ai: `ModelAuthenticationError`)."""
    message = "API key not valid. Please pass a valid API key."
    details: list[dict[str, Any]] = [
        {
            "@type": _ERROR_INFO,
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"},
        },
        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": message},
    ]
    return error(400, "INVALID_ARGUMENT", message, details)


def permission_denied(message: str = "The caller does not have permission") -> ErrorReply:
    """403 `PERMISSION_DENIED`."""
    return error(403, "PERMISSION_DENIED", message)


def _missing_key() -> ErrorReply:
    return error(
        403,
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API key or other form of API consumer identity to call this API.",
    )


def rate_limited(retry_after: float | None = 7, daily: bool = False) -> ErrorReply:
    """429 `RESOURCE_EXHAUSTED` with a `google.rpc.QuotaFailure` and, if `retry_after` is given, a
    `google.rpc.RetryInfo` `retryDelay` ("7s"); Gemini sends no `retry-after` header. `daily=True` names a per-day
    quota, which pydantic-ai reports as `ModelQuotaExceededError` instead of `ModelRateLimitError`."""
    period = "PerDay" if daily else "PerMinute"
    metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests"
    message = (
        "You exceeded your current quota, please check your plan and billing details. For more information on "
        "this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, "
        f"head to: https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: {metric}, limit: 10, "
        "model: {model}"
    )
    if retry_after is not None:
        message += f"\nPlease retry in {retry_after:g}s."
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [
                {
                    "quotaMetric": metric,
                    "quotaId": f"GenerateRequests{period}PerProjectPerModel-FreeTier",
                    "quotaDimensions": {"location": "global", "model": "{model}"},
                    "quotaValue": "10",
                }
            ],
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Learn more about Gemini API quotas",
                    "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                }
            ],
        },
    ]
    if retry_after is not None:
        details.append({"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_after:g}s"})
    return error(429, "RESOURCE_EXHAUSTED", message, details)


def billing_required() -> ErrorReply:
    """400 `FAILED_PRECONDITION` asking to enable billing (pydantic-ai: `ModelQuotaExceededError`)."""
    return error(
        400,
        "FAILED_PRECONDITION",
        "Gemini API free tier is not available in your country. Please enable billing on your project in "
        "Google AI Studio.",
    )


def server_error() -> ErrorReply:
    """500 `INTERNAL` (pydantic-ai: `ModelServerError`)."""
    return error(
        500,
        "INTERNAL",
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
    )


def unavailable(overloaded: bool = True) -> ErrorReply:
    """503 `UNAVAILABLE`: "The model is overloaded." (pydantic-ai: `ModelOverloadedError`), or with
    `overloaded=False` "The service is currently unavailable." (`ModelUnavailableError`)."""
    message = (
        "The model is overloaded. Please try again later." if overloaded else "The service is currently unavailable."
    )
    return error(503, "UNAVAILABLE", message)


def model_not_found(model: str | None = None) -> ErrorReply:
    """404 `NOT_FOUND` for `model` (default: the requested one), as `generateContent` answers an unknown model."""
    name = model if model is not None else "{model}"
    return error(
        404,
        "NOT_FOUND",
        f"models/{name} is not found for API version v1beta, or is not supported for generateContent. "
        "Call ListModels to see the list of available models and their supported methods.",
    )


def context_too_long(tokens: int = 1048580, maximum: int = 1048576) -> ErrorReply:
    """400 `INVALID_ARGUMENT` for too many input tokens (pydantic-ai: `ModelContextWindowExceededError`)."""
    return error(
        400,
        "INVALID_ARGUMENT",
        f"The input token count ({tokens}) exceeds the maximum number of tokens allowed ({maximum}).",
    )


def delay(seconds: float, reply: Any = None) -> DelayReply:
    """Answer with `reply` (default: "ok") after `seconds`. stop() aborts the wait."""
    return DelayReply(seconds, FakeGemini.coerce(reply) if reply is not None else DEFAULT_TEXT)


# --- recording -------------------------------------------------------------------------------------------

_MODEL_PATH = re.compile(r"^/(v1beta|v1|v1alpha)/models/([^/:]+)(?::([A-Za-z]+))?$")


@dataclass(frozen=True)
class GeminiRequest(ProviderRequest):
    """A recorded request; `model` comes from the path, `api_key` from `x-goog-api-key` or `?key=`."""

    @property
    def model(self) -> str | None:
        """The model named in the path (without `models/`), if any."""
        match = _MODEL_PATH.match(self.route)
        return match.group(2) if match else None

    @property
    def method_name(self) -> str | None:
        """The custom method of the path (`generateContent`, `streamGenerateContent`, ...), if any."""
        match = _MODEL_PATH.match(self.route)
        return match.group(3) if match else None

    @property
    def api_key(self) -> str | None:
        """The `x-goog-api-key` header, else the `key` query parameter, if any."""
        if key := self.headers.get("x-goog-api-key"):
            return key.strip()
        return self.query.get("key")


# --- server ----------------------------------------------------------------------------------------------


def _usage(input_tokens: int, output_tokens: int | None) -> dict[str, Any]:
    usage: dict[str, Any] = {"promptTokenCount": input_tokens}
    if output_tokens is not None:
        usage["candidatesTokenCount"] = output_tokens
    usage["totalTokenCount"] = input_tokens + (output_tokens or 0)
    usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": input_tokens}]
    return usage


def _chunk(piece: str, model: str, response_id: str, usage: dict[str, Any], last: bool) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": [{"text": piece}], "role": "model"}}
    if last:
        candidate["finishReason"] = "STOP"
    candidate["index"] = 0
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": model, "responseId": response_id}


def _response(reply: TextReply, model: str, response_id: str) -> dict[str, Any]:
    return _chunk(reply.content, model, response_id, _usage(reply.input_tokens, reply.output_tokens), True)


def _chunks(reply: TextReply, model: str, response_id: str, count: int = TEXT_PIECES) -> list[dict[str, Any]]:
    pieces = split_text(reply.content, count) or [""]
    out = [_chunk(p, model, response_id, _usage(reply.input_tokens, None), False) for p in pieces[:-1]]
    out.append(_chunk(pieces[-1], model, response_id, _usage(reply.input_tokens, reply.output_tokens), True))
    return out


def _display_name(model: str) -> str:
    words = model.split("-")
    return " ".join(w.capitalize() if not w[:1].isdigit() else w for w in words)


class _Handler(FakeHandler):
    server_version = "scaffolding on HTTPServer2"
    error_content_type = _JSON_UTF8

    def response_headers(self) -> Iterable[tuple[str, str]]:
        return (("vary", "Origin, X-Origin, Referer"), ("x-content-type-options", "nosniff"))

    def encode_error(self, body: Any) -> bytes:
        return json.dumps(body, indent=2).encode()  # Google pretty-prints its errors

    def internal_error(self, exc: Exception) -> None:
        self.send_error_reply(error(500, "INTERNAL", f"Internal error encountered. ({exc!r})"), "")

    def route(self, path: str, body: Any, bad_json: bool, headers: Mapping[str, str]) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeGemini)
        request = GeminiRequest(self.command, self.path, dict(headers), body)
        if not self._authorized(request):
            return
        if bad_json:
            message = "Invalid JSON payload received. Unexpected token."
            self.send_error_reply(error(400, "INVALID_ARGUMENT", message), "")
            return
        match = _MODEL_PATH.match(path)
        version = path.split("/", 2)[1] if path.count("/") >= 2 else ""
        if self.command == "GET" and version in ("v1beta", "v1", "v1alpha") and path == f"/{version}/models":
            serve_listing(self, lambda: self._list_models(request.query))
        elif match and self.command == "GET" and match.group(3) is None:
            model = match.group(2)
            if model in fake.models:
                self.send_json(200, fake._model_obj(model))
            else:
                message = f"models/{model} is not found for API version {version}, or is not supported for get."
                self.send_error_reply(error(404, "NOT_FOUND", message), model)
        elif match and self.command == "POST" and match.group(3) in ("generateContent", "streamGenerateContent"):
            stream = match.group(3) == "streamGenerateContent"
            self._generate(match.group(2), body if isinstance(body, dict) else {}, stream, request.query)
        elif match and self.command == "POST" and match.group(3) == "countTokens":
            size = len(json.dumps(body))
            tokens = max(1, size // 4)
            self.send_json(
                200, {"totalTokens": tokens, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": tokens}]}
            )
        else:
            self.send_error_reply(error(404, "NOT_FOUND", f"Method not found: {self.command} {path}"), "")

    def _authorized(self, request: GeminiRequest) -> bool:
        fake = self.server.fake
        if fake.api_keys is None:
            return True
        key = request.api_key
        if key in fake.api_keys:
            return True
        self.send_error_reply(invalid_key() if key else _missing_key(), "")
        return False

    def _generate(self, model: str, body: Mapping[str, Any], stream: bool, query: Mapping[str, str]) -> None:
        if not body.get("contents"):
            message = "* GenerateContentRequest.contents: contents is not specified\n"
            self.send_error_reply(error(400, "INVALID_ARGUMENT", message), model)
            return
        reply = self.resolve(self.server.fake._next_reply(model))
        if reply is None:
            return
        if isinstance(reply, ErrorReply):
            self.send_error_reply(reply, model)
            return
        response_id = f"fAkE{next_id():012d}"
        if not stream:
            self.send(200, dumps(_response(reply, model, response_id)), _JSON_UTF8)
        elif query.get("alt") == "sse":
            chunks = _chunks(reply, model, response_id, self.text_pieces)
            events = [b"data: " + dumps(chunk) + b"\r\n\r\n" for chunk in chunks]
            self.send_stream(200, events, "text/event-stream")
        else:
            self.send(200, json.dumps(_chunks(reply, model, response_id), indent=2).encode(), _JSON_UTF8)

    def _list_models(self, query: Mapping[str, str]) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeGemini)
        try:
            size = int(query.get("pageSize") or 50)
            token = query.get("pageToken") or ""
            start = int(token.removeprefix("page-")) if token else 0
        except ValueError:
            self.send_error_reply(error(400, "INVALID_ARGUMENT", "Invalid page token."), "")
            return
        size = min(max(size, 1), 1000)
        page = fake.models[start : start + size]
        listing: dict[str, Any] = {"models": [fake._model_obj(m) for m in page]}
        if start + size < len(fake.models):
            listing["nextPageToken"] = f"page-{start + size}"
        self.send(200, json.dumps(listing, indent=2).encode(), _JSON_UTF8)


class FakeGemini(ProviderFake):
    """A fake Gemini API server. Use as `with FakeGemini() as fake:` or with `start()` / `stop()`.

    Args:
        api_keys: the accepted API keys (`x-goog-api-key` or `?key=`); None (default) accepts any key, or none.
        models: the model ids (without `models/`) `GET /v1beta/models` lists.
        default_reply: the reply when nothing is scripted (default: text "ok", usage 10/2).
    """

    handler_class = _Handler
    request_class = GeminiRequest
    thread_name = "fake-gemini"
    dummy_key = "AIza.fake.0000.0000"

    def __init__(
        self,
        api_keys: Iterable[str] | None = None,
        models: Sequence[str] = DEFAULT_MODELS,
        default_reply: Any = None,
    ) -> None:
        super().__init__(api_keys, [m.removeprefix("models/") for m in models], default_reply)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` (no version), for `GoogleProvider(base_url=...)` / `HttpOptions(base_url=...)`."""
        return self.root_url

    def script_for_model(self, model: str, *replies: Any) -> None:
        """Queue replies for requests naming `model` (with or without `models/`); they take precedence over the
        shared queue."""
        super().script_for_model(model.removeprefix("models/"), *replies)

    def set_default(self, reply: Any, model: str | None = None) -> None:
        """Set the sticky reply used when nothing is queued: for `model` only, or for all models."""
        super().set_default(reply, model.removeprefix("models/") if model is not None else None)

    @property
    def requests(self) -> list[GeminiRequest]:
        """A snapshot of every request received so far, in arrival order."""
        return super().requests

    @property
    def generate_requests(self) -> list[GeminiRequest]:
        """The recorded `generateContent` and `streamGenerateContent` requests."""
        return [r for r in self.requests if r.method_name in ("generateContent", "streamGenerateContent")]

    def _model_obj(self, model: str) -> dict[str, Any]:
        embedding = "embedding" in model
        obj: dict[str, Any] = {
            "name": f"models/{model}",
            "version": "001",
            "displayName": _display_name(model),
            "description": f"Fake {_display_name(model)}",
            "inputTokenLimit": 2048 if embedding else 1048576,
            "outputTokenLimit": 1 if embedding else 65536,
            "supportedGenerationMethods": _EMBED_METHODS if embedding else _GENERATE_METHODS,
        }
        if not embedding:
            obj.update({"temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2, "thinking": True})
        return obj
