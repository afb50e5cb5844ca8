"""Shared plumbing of the local provider stand-ins (`fake_openai`, `fake_anthropic`, `fake_gemini`, `fake_mistral`,
`fake_ollama`): a stdlib HTTP/1.1 server on 127.0.0.1 (ephemeral port) in a daemon thread, the generic replies
(`ErrorReply`, `HangReply`, `DelayReply`, `DropReply`, and `StreamReply` for the pace of a streamed answer), request
recording, reply scripting and a prompt `stop()`.

Each fake subclasses `FakeServer` (lifecycle, scripting, recording) and `FakeHandler` (reading, recording and
answering one request); the provider modules only add routes, wire formats and reply helpers.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlsplit

JSON_TYPE = "application/json"
SSE_TYPE = "text/event-stream; charset=utf-8"

_ids = itertools.count(1)


def next_id() -> int:
    """A process-wide increasing number, for response and request ids."""
    return next(_ids)


def dumps(obj: Any) -> bytes:
    """Compact JSON, as most providers send it."""
    return json.dumps(obj, separators=(",", ":")).encode()


# --- generic replies -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorReply:
    """An HTTP error with a provider error body; `{model}` in it becomes the requested model (fake_openai: in
    `error.message` only; the other fakes: in any string of the body)."""

    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class HangReply:
    """Accept the request, answer nothing for `seconds` (None: until stop()), then close the connection."""

    seconds: float | None


@dataclass(frozen=True)
class DelayReply:
    """Wait `seconds`, then answer with `reply`."""

    seconds: float
    reply: Any


@dataclass(frozen=True)
class DropReply:
    """Close the connection without sending any response."""


@dataclass(frozen=True)
class StreamReply:
    """How a streamed answer goes out: `reply`'s stream events one by one (chunked, as the providers send them),
    `interval` seconds apart; with `cut_after`, the connection closes after that many events, without the end of the
    stream (a connection lost mid-answer); `pieces`: the answer's text in that many deltas (about one a word at most;
    default `TEXT_PIECES`). A request that does not stream gets `reply` as usual."""

    reply: Any
    interval: float = 0.0
    cut_after: int | None = None
    pieces: int | None = None


CONTROL_REPLIES = (ErrorReply, HangReply, DelayReply, DropReply)


def hang(seconds: float | None = None) -> HangReply:
    """Send nothing for `seconds` (None: until stop()), then close the connection. stop() aborts the wait."""
    return HangReply(seconds)


def drop() -> DropReply:
    """Close the connection without a response."""
    return DropReply()


def streamed(
    reply: Any, *, interval: float = 0.0, cut_after: int | None = None, pieces: int | None = None
) -> StreamReply:
    """Stream `reply` event by event, `interval` seconds apart (stop() aborts the wait); with `cut_after`, hang up
    after that many events; with `pieces`, its text in that many deltas. Requests that do not stream get `reply` as
    usual."""
    return StreamReply(reply, interval, cut_after, pieces)


@dataclass(frozen=True)
class TextReply:
    """An assistant text answer with its token usage (the newer fakes' text reply)."""

    content: str
    input_tokens: int = 10
    output_tokens: int = 2


DEFAULT_TEXT = TextReply("ok", 10, 2)


def text(content: str, input_tokens: int = 10, output_tokens: int = 2) -> TextReply:
    """A text answer with the given usage."""
    return TextReply(content, input_tokens, output_tokens)


def coerce_reply(reply: Any, extra_types: tuple[type, ...] = ()) -> Any:
    """A reply object from what `script()` accepts: a reply, a `str` (text) or a dict `{"content": ...,
    "input_tokens": ..., "output_tokens": ...}`."""
    if isinstance(reply, StreamReply):
        return StreamReply(coerce_reply(reply.reply, extra_types), reply.interval, reply.cut_after, reply.pieces)
    if isinstance(reply, (TextReply, *CONTROL_REPLIES, *extra_types)):
        return reply
    if isinstance(reply, str):
        return TextReply(reply)
    if isinstance(reply, Mapping) and "content" in reply:
        usage = {k: int(reply[k]) for k in ("input_tokens", "output_tokens") if k in reply}
        return TextReply(str(reply["content"]), **usage)
    raise TypeError(f"not a scripted reply: {reply!r}")


def retry_after_headers(retry_after: float | None) -> dict[str, str]:
    """`retry-after` in whole seconds (rounded up, as HTTP wants), plus `retry-after-ms` when not whole."""
    if retry_after is None:
        return {}
    headers = {"retry-after": str(math.ceil(retry_after))}
    if retry_after != math.ceil(retry_after):
        headers["retry-after-ms"] = f"{retry_after * 1000:g}"
    return headers


def replace_model(obj: Any, model: str) -> Any:
    """`obj` with `{model}` in every string replaced by `model`."""
    if isinstance(obj, str):
        return obj.replace("{model}", model)
    if isinstance(obj, dict):
        return {k: replace_model(v, model) for k, v in obj.items()}
    if isinstance(obj, list):
        return [replace_model(v, model) for v in obj]
    return obj


TEXT_PIECES = 4
"""How many deltas a streamed text is sent in, unless a `StreamReply` says otherwise."""


def split_text(content: str, pieces: int = TEXT_PIECES) -> list[str]:
    """Split `content` into a few stream deltas on word boundaries (spaces kept)."""
    words = content.split(" ")
    if len(words) <= 1:
        return [content] if content else []
    step = max(1, -(-len(words) // pieces))
    out = [" ".join(words[i : i + step]) for i in range(0, len(words), step)]
    return [chunk + " " for chunk in out[:-1]] + [out[-1]]


def query_of(path: str) -> dict[str, str]:
    """The query parameters of a request path (the last value of each)."""
    return {k: v[-1] for k, v in parse_qs(urlsplit(path).query, keep_blank_values=True).items()}


# --- recording -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    received_at: float = field(default_factory=time.monotonic)

    @property
    def model(self) -> str | None:
        """The `model` field of the JSON body, if any."""
        return self.json.get("model") if isinstance(self.json, dict) else None

    @property
    def api_key(self) -> str | None:
        """The bearer token of the `authorization` header, if any."""
        auth = self.headers.get("authorization", "")
        return auth[7:].strip() if auth[:7].lower() == "bearer " else None


@dataclass(frozen=True)
class ProviderRequest(RecordedRequest):
    """A recorded request, with its path split from its query string."""

    @property
    def route(self) -> str:
        """The path without the query string."""
        return self.path.split("?", 1)[0]

    @property
    def query(self) -> dict[str, str]:
        """The query parameters (the last value of each)."""
        return query_of(self.path)


# --- server ----------------------------------------------------------------------------------------------


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Silent: a client that hangs up mid-request is expected. Anything else is kept in `fake.errors`.
        exc = sys.exc_info()[1]
        if exc is not None and not isinstance(exc, OSError):
            self.fake._record_error(exc)


class FakeHandler(BaseHTTPRequestHandler):
    """Reads a request, records it, and hands it to `route()`; subclasses answer it."""

    protocol_version = "HTTP/1.1"
    server_version = "fake/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    wbufsize = 1 << 16  # headers and body leave in one write (avoids Nagle / delayed-ACK stalls)
    error_content_type = JSON_TYPE
    server: FakeHTTPServer
    stream_plan: StreamReply | None = None
    """The pace of this request's stream, if its reply was a `StreamReply` (set by `resolve`)."""

    @property
    def text_pieces(self) -> int:
        """How many deltas this request's streamed text goes out in."""
        plan = self.stream_plan
        return plan.pieces if plan is not None and plan.pieces else TEXT_PIECES

    # -- hooks for subclasses ------------------------------------------------------------------------------

    def route(self, path: str, body: Any, bad_json: bool, headers: Mapping[str, str]) -> None:
        """Answer the request (`path` without the query string; `body` the parsed JSON, if any)."""
        raise NotImplementedError

    def response_headers(self) -> Iterable[tuple[str, str]]:
        """Headers sent with every response (request ids and the like)."""
        return ()

    def internal_error(self, exc: Exception) -> None:
        """Answer after a bug in the fake (already recorded in `fake.errors`)."""
        self.send_json(500, {"error": {"message": repr(exc)}})

    # -- plumbing ------------------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.fake._track(self.connection, False)

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def send(
        self, status: int, body: bytes, content_type: str = JSON_TYPE, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in self.response_headers():
            self.send_header(name, value)
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_stream(
        self,
        status: int,
        events: Sequence[bytes],
        content_type: str = SSE_TYPE,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Send a stream's events: in one write, or paced and chunked (and maybe cut) as `stream_plan` says."""
        plan = self.stream_plan
        if plan is None:
            self.send(status, b"".join(events), content_type, headers)
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in (*self.response_headers(), *headers):
            self.send_header(name, value)
        self.end_headers()
        stop_event = self.server.fake._stop_event
        for index, event in enumerate(events):
            waited = index > 0 and plan.interval > 0 and stop_event.wait(plan.interval)
            if waited or (plan.cut_after is not None and index >= plan.cut_after):
                self.drop()
                return
            self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def send_json(self, status: int, obj: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.send(status, dumps(obj), JSON_TYPE, headers)

    def send_error_reply(self, reply: ErrorReply, model: str) -> None:
        """Send `reply` with `{model}` filled in; a str / bytes body goes out as text/html."""
        body = reply.body
        if isinstance(body, (bytes, str)):
            raw = body.encode() if isinstance(body, str) else body
            self.send(reply.status, raw, "text/html; charset=utf-8", reply.headers)
        else:
            raw = self.encode_error(replace_model(body, model))
            self.send(reply.status, raw, self.error_content_type, reply.headers)

    def encode_error(self, body: Any) -> bytes:
        """The bytes of a JSON error body (compact unless a provider pretty-prints them)."""
        return dumps(body)

    def drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def resolve(self, reply: Any) -> Any:
        """Play out delays, hangs and drops; the reply left to send, or None if the connection was closed."""
        stop_event = self.server.fake._stop_event
        while isinstance(reply, (DelayReply, StreamReply)):
            if isinstance(reply, StreamReply):
                self.stream_plan = reply
            elif stop_event.wait(reply.seconds):
                self.drop()
                return None
            reply = reply.reply
        if isinstance(reply, HangReply):
            stop_event.wait(reply.seconds)
            self.drop()
            return None
        if isinstance(reply, DropReply):
            self.drop()
            return None
        return reply

    # -- dispatch ------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        fake = self.server.fake
        self.stream_plan = None  # one connection serves several requests
        raw = self._read_body()
        try:
            body: Any = json.loads(raw) if raw else None
            bad_json = False
        except ValueError:
            body, bad_json = None, True
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = self.path.split("?", 1)[0]
        fake._record(fake.request_class(self.command, self.path, headers, body))
        try:
            self.route(path, body, bad_json, headers)
        except OSError:
            self.close_connection = True  # client went away (e.g. timed out); nothing to tell it
        except Exception as exc:  # a bug in the fake: record it and answer like the provider's 500
            fake._record_error(exc)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.internal_error(exc)


class FakeServer:
    """Lifecycle, scripting and recording shared by the fakes. Use as `with Fake() as fake:` or start()/stop().

    Subclasses set `handler_class`, `thread_name`, `DEFAULT_REPLY` and `coerce()`.
    """

    handler_class: ClassVar[type[FakeHandler]]
    request_class: ClassVar[type[RecordedRequest]] = RecordedRequest
    thread_name: ClassVar[str] = "fake-http"
    DEFAULT_REPLY: ClassVar[Any]

    def __init__(
        self,
        api_keys: Iterable[str] | None = None,
        models: Sequence[str] = (),
        default_reply: Any = None,
    ) -> None:
        self.api_keys: frozenset[str] | None = frozenset(api_keys) if api_keys is not None else None
        self.models: list[str] = list(models)
        self.default_reply: Any = self.coerce(default_reply) if default_reply is not None else self.DEFAULT_REPLY
        self._lock = threading.Lock()
        self._recorded = threading.Condition(self._lock)
        self._queue: deque[Any] = deque()
        self._model_queues: dict[str, deque[Any]] = {}
        self._model_defaults: dict[str, Any] = {}
        self._requests: list[RecordedRequest] = []
        self._errors: list[BaseException] = []
        self._connections: set[socket.socket] = set()
        self._stop_event = threading.Event()
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def coerce(cls, reply: Any) -> Any:
        """Turn what `script()` accepts into a reply object."""
        raise NotImplementedError

    # -- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1 on an ephemeral port and serve in a daemon thread. Returns self."""
        if self._server is not None:
            return self
        self._stop_event.clear()
        server = FakeHTTPServer(("127.0.0.1", 0), self.handler_class)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.thread_name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, abort hangs and delays, and close open connections. Returns promptly."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stop_event.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=1)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        """`http://127.0.0.1:PORT`, without any path."""
        return f"http://127.0.0.1:{self.port}"

    # -- scripting -----------------------------------------------------------------------------------------

    def script(self, *replies: Any) -> None:
        """Queue replies, consumed in order by generation requests."""
        coerced = [self.coerce(r) for r in replies]
        with self._lock:
            self._queue.extend(coerced)

    def script_for_model(self, model: str, *replies: Any) -> None:
        """Queue replies for requests naming `model`; they take precedence over the shared queue."""
        coerced = [self.coerce(r) for r in replies]
        with self._lock:
            self._model_queues.setdefault(model, deque()).extend(coerced)

    def set_default(self, reply: Any, model: str | None = None) -> None:
        """Set the sticky reply used when nothing is queued: for `model` only, or for all models.

        Order: the model's queue, the model's default, the shared queue, the global default.
        """
        coerced = self.coerce(reply)
        with self._lock:
            if model is None:
                self.default_reply = coerced
            else:
                self._model_defaults[model] = coerced

    @property
    def pending(self) -> int:
        """How many scripted replies (shared and per-model) are not consumed yet."""
        with self._lock:
            return len(self._queue) + sum(len(q) for q in self._model_queues.values())

    def reset(self) -> None:
        """Drop queued replies, per-model defaults and recorded requests; restore the default reply."""
        with self._lock:
            self._queue.clear()
            self._model_queues.clear()
            self._model_defaults.clear()
            self._requests.clear()
            self._errors.clear()
            self.default_reply = self.DEFAULT_REPLY

    # -- recording -----------------------------------------------------------------------------------------

    @property
    def requests(self) -> list[Any]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Block until at least `count` requests were received (True) or `timeout` passed (False)."""
        with self._recorded:
            return self._recorded.wait_for(lambda: len(self._requests) >= count, timeout)

    @property
    def errors(self) -> list[BaseException]:
        """Unexpected exceptions raised inside the fake (should stay empty)."""
        with self._lock:
            return list(self._errors)

    # -- internals used by the handler ---------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)
            self._recorded.notify_all()

    def _record_error(self, exc: BaseException) -> None:
        with self._lock:
            self._errors.append(exc)

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _next_reply(self, model: str) -> Any:
        with self._lock:
            queue = self._model_queues.get(model)
            if queue:
                return queue.popleft()
            if model in self._model_defaults:
                return self._model_defaults[model]
            if self._queue:
                return self._queue.popleft()
            return self.default_reply


class ProviderFake(FakeServer):
    """The base of the newer fakes: `ProviderRequest` records, `api_key`, and a scriptable model listing."""

    request_class: ClassVar[type[RecordedRequest]] = ProviderRequest
    dummy_key: ClassVar[str] = "fake-key-0000000000000000"
    extra_reply_types: ClassVar[tuple[type, ...]] = ()
    DEFAULT_REPLY: ClassVar[Any] = DEFAULT_TEXT

    def __init__(
        self,
        api_keys: Iterable[str] | None = None,
        models: Sequence[str] = (),
        default_reply: Any = None,
    ) -> None:
        super().__init__(api_keys, models, default_reply)
        self._list_queue: deque[Any] = deque()

    @classmethod
    def coerce(cls, reply: Any) -> Any:
        return coerce_reply(reply, cls.extra_reply_types)

    @property
    def api_key(self) -> str:
        """A key the fake accepts (one of `api_keys`, or a dummy when any key is accepted)."""
        return min(self.api_keys) if self.api_keys else self.dummy_key

    def script_models_list(self, *replies: ErrorReply | HangReply | DelayReply | DropReply) -> None:
        """Queue failures (errors, hang, delay, drop) for the model-listing endpoint; when none is queued, the
        listing is served normally. A `delay` wrapping anything but an error serves the listing late."""
        for reply in replies:
            if not isinstance(reply, CONTROL_REPLIES):
                raise TypeError(f"not a listing failure: {reply!r}")
        with self._lock:
            self._list_queue.extend(replies)

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self._list_queue.clear()

    def _next_list_reply(self) -> Any:
        with self._lock:
            return self._list_queue.popleft() if self._list_queue else None

    def _accepts(self, key: str | None) -> bool:
        return self.api_keys is None or (key is not None and key in self.api_keys)


def serve_listing(handler: FakeHandler, answer: Callable[[], None], model: str = "") -> None:
    """Answer a model-listing request: a queued listing failure if any, else `answer()`."""
    fake = handler.server.fake
    assert isinstance(fake, ProviderFake)
    queued = fake._next_list_reply()
    if queued is None:
        answer()
        return
    reply = handler.resolve(queued)
    if reply is None:
        return  # hung up or dropped
    if isinstance(reply, ErrorReply):
        handler.send_error_reply(reply, model)
    else:
        answer()
