"""Safe by default on a shared machine, as one pure ASGI middleware in front of everything:

- only requests whose `Host` is loopback or a configured name are answered (stops DNS rebinding);
- a state-changing request from a foreign `Origin` is refused (stops cross-site requests from web pages);
- with an access token set, every API request must carry `Authorization: Bearer <token>`;
- request bodies over 1 MB are refused with 413, whatever `Content-Length` claims.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openorchestrator.config import LOOPBACK_HOSTS

MAX_BODY_BYTES = 1_000_000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_PATHS = frozenset({"/api/health"})


def _host_name(value: str) -> str:
    """The host of a `Host` header without its port; "" when the header is malformed."""
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:8765
        end = value.find("]")
        host, rest = (value[: end + 1], value[end + 1 :]) if end != -1 else (value, "")
    elif value.count(":") == 1:
        host, rest = value.split(":")[0], ":" + value.split(":")[1]
    else:
        host, rest = value, ""  # no port, or a bare IPv6 address
    if rest and not (rest.startswith(":") and rest[1:].isdigit()):
        return ""
    return host


def _port_of(host_header: str, default: int | None) -> int | None:
    """The port of a `Host` header ("localhost:8765", "[::1]:8765"), or `default` when it names none."""
    tail = host_header.rsplit("]", 1)[-1] if host_header.startswith("[") else host_header
    _, sep, port = tail.rpartition(":")
    return int(port) if sep and port.isdigit() else default


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class GuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Iterable[str],
        access_token: str | None,
        allowed_origins: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.origins = {origin.rstrip("/").lower() for origin in allowed_origins}
        self.allowed = {_host_name(host) for host in (*LOOPBACK_HOSTS, *allowed_hosts)} - {""}
        self.token = access_token.encode() if access_token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        if _host_name(headers.get("host", "")) not in self.allowed:
            await _refuse(send, 403, "forbidden_host", "This server only answers to its configured host names.")
            return
        origin = headers.get("origin")
        if scope["method"] not in SAFE_METHODS and origin and not self._origin_ok(origin, headers.get("host", "")):
            await _refuse(send, 403, "forbidden_origin", "Requests from other web sites are not allowed.")
            return
        protected = self.token and scope["path"].startswith("/api") and scope["path"] not in OPEN_PATHS
        if protected and not self._authorized(headers.get("authorization", "")):
            await _refuse(send, 401, "unauthorized", "An access token is required (Authorization: Bearer …).")
            return
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            await _refuse(send, 413, "payload_too_large", "The request body is larger than 1 MB.")
            return
        await self._forward(scope, receive, send, has_length=bool(length))

    def _origin_ok(self, origin: str, host_header: str) -> bool:
        """The page must come from an allowed host *and* this server's port: another app on localhost:3000
        may not drive this one."""
        if origin.rstrip("/").lower() in self.origins:
            return True
        try:
            parts = urlsplit(origin)
            origin_port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
        except ValueError:
            return False
        host = parts.hostname
        if host is None or not (host in self.allowed or f"[{host}]" in self.allowed):
            return False
        return origin_port == _port_of(host_header, default=origin_port)

    def _authorized(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        return (
            self.token is not None
            and scheme.lower() == "bearer"
            and hmac.compare_digest(value.strip().encode(), self.token)
        )

    async def _forward(self, scope: Scope, receive: Receive, send: Send, has_length: bool) -> None:
        """With a `Content-Length` (checked above; the server enforces it) the body streams through. Without
        one (chunked), the body is read here first, at most 1 MB, and handed on whole."""
        if has_length or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await _refuse(send, 413, "payload_too_large", "The request body is larger than 1 MB.")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
