"""A local stand-in for an Ollama server, for tests.

`FakeOllama` runs a stdlib HTTP/1.1 server on 127.0.0.1 (ephemeral port) in a background thread and speaks
Ollama's own shapes: the native `GET /` ("Ollama is running"), `GET /api/version` and `GET /api/tags`
(`{"models": [{"name", "model", "modified_at", "size", "digest", "details": {...}}]}`), and the OpenAI-compatible
`POST /v1/chat/completions` (plain and SSE, `system_fingerprint` "fp_ollama", usage chunk with
`stream_options.include_usage`), `GET /v1/models` and `GET /v1/models/{id}`. Errors on `/v1` use Ollama's
OpenAI-style body `{"error": {"message", "type": "api_error", "param": null, "code": null}}`; native ones
`{"error": "..."}`. No key is needed (any is accepted) unless `api_keys` is given.

Pass `fake.base_url` (`http://127.0.0.1:PORT/v1`) to `pydantic_ai.providers.ollama.OllamaProvider(base_url=...)`
or `openai.AsyncOpenAI(base_url=...)`; `fake.root_url` (`http://127.0.0.1:PORT`, what `OLLAMA_HOST` looks like)
is the base of the native `/api/...` endpoints:

    with FakeOllama() as fake:
        fake.script(text("hello", input_tokens=5, output_tokens=1), model_not_found())
        model = OpenAIChatModel("llama3.1:8b", provider=OllamaProvider(base_url=fake.base_url))

`streamed(reply, interval=..., cut_after=..., pieces=...)` sends a streamed answer event by event (chunked), paced,
or hangs up after `cut_after` events (a connection lost mid-answer), its text in `pieces` deltas; a request that does
not stream gets `reply` as usual.
"""

from __future__ import annotations

import hashlib
import re
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
    "FakeOllama",
    "HangReply",
    "ProviderRequest",
    "Reply",
    "StreamReply",
    "TextReply",
    "delay",
    "drop",
    "error",
    "hang",
    "model_not_found",
    "server_busy",
    "server_error",
    "streamed",
    "text",
]

DEFAULT_MODELS: tuple[str, ...] = ("llama3.1:8b", "qwen3:8b", "gemma3:4b")
DEFAULT_VERSION = "0.12.6"


# --- replies ---------------------------------------------------------------------------------------------


Reply = TextReply | ErrorReply | HangReply | DelayReply | DropReply | StreamReply
"""Anything `script()` accepts; it also takes a plain `str` (text) or a dict `{"content": ..., "input_tokens": ...,
"output_tokens": ...}`."""


def error(status: int, message: str, headers: Mapping[str, str] | None = None, body: Any = None) -> ErrorReply:
    """HTTP `status` with Ollama's OpenAI-compatible body `{"error": {"message", "type": "api_error", "param":
    null, "code": null}}` (Ollama says `api_error` whatever the status), or `body` verbatim if given. `{model}` in
    strings becomes the requested model."""
    if body is None:
        body = {"error": {"message": message, "type": "api_error", "param": None, "code": None}}
    return ErrorReply(status, body, tuple((headers or {}).items()))


def model_not_found(model: str | None = None) -> ErrorReply:
    """404 for a model that isn't pulled (`model` defaults to the requested one)."""
    name = model if model is not None else "{model}"
    return error(404, f'model "{name}" not found, try pulling it first')


def server_error(message: str = "llama runner process has terminated: exit status 2") -> ErrorReply:
    """500, e.g. a crashed runner (pydantic-ai: `ModelServerError`)."""
    return error(500, message)


def server_busy() -> ErrorReply:
    """503 for a full request queue (`OLLAMA_MAX_QUEUE`) (pydantic-ai: `ModelUnavailableError`)."""
    return error(503, "server busy, please try again.  maximum pending requests exceeded")


def delay(seconds: float, reply: Any = None) -> DelayReply:
    """Answer with `reply` (default: "ok") after `seconds`. stop() aborts the wait."""
    return DelayReply(seconds, FakeOllama.coerce(reply) if reply is not None else DEFAULT_TEXT)


# --- server ----------------------------------------------------------------------------------------------


def _usage(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "prompt_tokens": input_tokens,
        "completion_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }


def _completion(reply: TextReply, model: str, completion_id: str) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_ollama",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.content}, "finish_reason": "stop"}],
        "usage": _usage(reply.input_tokens, reply.output_tokens),
    }


def _sse(reply: TextReply, model: str, completion_id: str, include_usage: bool, pieces: int) -> list[bytes]:
    base = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_ollama",
    }
    out: list[bytes] = []

    def chunk(content: str, finish_reason: str | None = None) -> None:
        choice = {"index": 0, "delta": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
        out.append(b"data: " + dumps({**base, "choices": [choice]}) + b"\n\n")

    for piece in split_text(reply.content, pieces):
        chunk(piece)
    chunk("", "stop")
    if include_usage:
        usage = _usage(reply.input_tokens, reply.output_tokens)
        out.append(b"data: " + dumps({**base, "choices": [], "usage": usage}) + b"\n\n")
    out.append(b"data: [DONE]\n\n")
    return out


def _tagged(model: str) -> str:
    return model if ":" in model else f"{model}:latest"


def _details(model: str) -> dict[str, Any]:
    name, _, tag = model.partition(":")
    family = re.sub(r"[\d.]+$", "", name.split("/")[-1]) or name
    family = {"llama": "llama", "gemma": "gemma3", "qwen": "qwen3"}.get(family, family)
    size = re.match(r"(\d+(?:\.\d+)?)b", tag)
    return {
        "parent_model": "",
        "format": "gguf",
        "family": family,
        "families": [family],
        "parameter_size": f"{float(size.group(1)):.1f}B" if size else "7.6B",
        "quantization_level": "Q4_K_M",
    }


class _Handler(FakeHandler):
    server_version = "fake-ollama/1.0"

    def do_HEAD(self) -> None:
        self._dispatch()

    def internal_error(self, exc: Exception) -> None:
        self.send_json(500, {"error": repr(exc)})

    def route(self, path: str, body: Any, bad_json: bool, headers: Mapping[str, str]) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeOllama)
        if fake.api_keys is not None:
            auth = headers.get("authorization", "")
            key = auth[7:].strip() if auth[:7].lower() == "bearer " else None
            if not fake._accepts(key):
                self.send_json(401, {"error": "unauthorized"})
                return
        method = "GET" if self.command == "HEAD" else self.command
        if method == "GET" and path == "/":
            self.send(200, b"Ollama is running", "text/plain; charset=utf-8")
        elif method == "GET" and path == "/api/version":
            self.send_json(200, {"version": fake.version})
        elif method == "GET" and path == "/api/tags":
            serve_listing(self, lambda: self.send_json(200, {"models": [fake._tag(m) for m in fake.models]}))
        elif method == "POST" and path == "/v1/chat/completions":
            if bad_json:
                self.send_error_reply(error(400, "invalid character looking for beginning of value"), "")
            else:
                self._chat(body if isinstance(body, dict) else {})
        elif method == "GET" and path == "/v1/models":
            serve_listing(self, lambda: self.send_json(200, {"object": "list", "data": fake._model_list()}))
        elif method == "GET" and path.startswith("/v1/models/"):
            model = path[len("/v1/models/") :]
            if _tagged(model) in {_tagged(m) for m in fake.models}:
                self.send_json(200, fake._model_obj(model))
            else:
                self.send_error_reply(error(404, f'model "{model}" not found'), model)
        else:
            self.send(404, b"404 page not found", "text/plain")

    def _chat(self, body: Mapping[str, Any]) -> None:
        model = str(body.get("model") or "")
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            self.send_error_reply(error(400, "[] is too short - 'messages'"), model)
            return
        reply = self.resolve(self.server.fake._next_reply(model))
        if reply is None:
            return
        if isinstance(reply, ErrorReply):
            self.send_error_reply(reply, model)
            return
        completion_id = f"chatcmpl-{next_id() % 1000}"
        if body.get("stream"):
            options = body.get("stream_options")
            include_usage = bool(isinstance(options, dict) and options.get("include_usage"))
            events = _sse(reply, model, completion_id, include_usage, self.text_pieces)
            self.send_stream(200, events, SSE_TYPE)
        else:
            self.send_json(200, _completion(reply, model, completion_id))


class FakeOllama(ProviderFake):
    """A fake Ollama server. Use as `with FakeOllama() as fake:` or with `start()` / `stop()`.

    Args:
        models: the pulled models (`/api/tags`, `/v1/models`).
        default_reply: the reply when nothing is scripted (default: text "ok", usage 10/2).
        api_keys: None (default): no key needed, as with a local Ollama; else the accepted bearer keys (401
            `{"error": "unauthorized"}` otherwise), as behind an authenticating proxy.
        version: what `/api/version` says.
    """

    handler_class = _Handler
    thread_name = "fake-ollama"
    dummy_key = "ollama"

    def __init__(
        self,
        models: Sequence[str] = DEFAULT_MODELS,
        default_reply: Any = None,
        api_keys: Iterable[str] | None = None,
        version: str = DEFAULT_VERSION,
    ) -> None:
        super().__init__(api_keys, models, default_reply)
        self.version = version

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`, for `OllamaProvider(base_url=...)` / `AsyncOpenAI(base_url=...)`."""
        return f"{self.root_url}/v1"

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
        owner = model.split("/")[0] if "/" in model else "library"
        return {"id": _tagged(model), "object": "model", "created": 1750000000, "owned_by": owner}

    def _tag(self, model: str) -> dict[str, Any]:
        name = _tagged(model)
        digest = hashlib.sha256(name.encode()).hexdigest()
        return {
            "name": name,
            "model": name,
            "modified_at": "2025-09-01T10:00:00.000000000+02:00",
            "size": 4_920_753_328 + int(digest[:6], 16),
            "digest": digest,
            "details": _details(name),
        }
