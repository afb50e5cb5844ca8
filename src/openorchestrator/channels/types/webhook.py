"""The webhook channel: the notification's JSON payload, POSTed (or PUT) to a URL, signed per Standard Webhooks.

Every request carries `webhook-id` (the delivery id: the same on every attempt, for the receiver's idempotency)
and `webhook-timestamp`; with a secret (`whsec_<base64>`) also `webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">` keyed with the base64-decoded bytes after `whsec_` (https://www.standardwebhooks.com).
Redirects are not followed. Loopback and private addresses are fine: people point this at their own n8n.

What people read when it fails (`SendError`):

    2xx                                   delivered
    408, 429, 5xx, network, timeout       transient (429/503 `Retry-After` honoured)
    410 Gone, other 4xx, 3xx              not transient, the status in plain words
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import ssl
from datetime import datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import urlsplit
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openorchestrator.channels import registry
from openorchestrator.channels.base import Message, SendError, exception_chain
from openorchestrator.core import tls
from openorchestrator.core.clock import Clock, SystemClock
from openorchestrator.core.i18n import Language

if TYPE_CHECKING:
    import httpx2

TIMEOUT_SECONDS = 10.0
USER_AGENT = "openOrchestrator"
MAX_HEADERS = 20
SECRET_PREFIX = "whsec_"
SECRET_BYTES = (24, 64)
"""Standard Webhooks: a secret of 24 to 64 random bytes."""

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}")
_RESERVED_HEADERS = frozenset({"host", "content-length", "content-type", "transfer-encoding", "connection"})


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret; ValueError if it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"the secret must start with {SECRET_PREFIX} (Standard Webhooks format)")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"after {SECRET_PREFIX} the secret must be base64") from None
    low, high = SECRET_BYTES
    if not low <= len(key) <= high:
        raise ValueError(
            f"the secret must hold {low} to {high} bytes after {SECRET_PREFIX} "
            f'(e.g. "{SECRET_PREFIX}" followed by the output of `openssl rand -base64 32`)'
        )
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class WebhookConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2048)
    method: Literal["POST", "PUT"] = "POST"
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra headers (e.g. an API key of the receiver); not Host, Content-*, Connection or webhook-*."""
    secret: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if any(ch.isspace() or ord(ch) < 32 for ch in value):
            raise ValueError("the URL must not contain spaces or control characters")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("an http:// or https:// URL with a host, e.g. https://n8n.example.com/webhook/abc")
        if "@" in parts.netloc:
            raise ValueError("no user name or password in the URL; put credentials into a header instead")
        try:
            parts.port  # noqa: B018  (raises on a port that is not a number or out of range)
        except ValueError:
            raise ValueError("the port in the URL is not valid") from None
        return value

    @field_validator("method", mode="before")
    @classmethod
    def _method(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > MAX_HEADERS:
            raise ValueError(f"at most {MAX_HEADERS} headers")
        seen: set[str] = set()
        for name, text in value.items():
            lower = name.lower()
            if not _TOKEN.fullmatch(name):
                raise ValueError(f"not a valid header name: {name!r}")
            if lower in _RESERVED_HEADERS or lower.startswith("webhook-"):
                raise ValueError(f"the header {name} is set by openOrchestrator and cannot be changed")
            if lower in seen:
                raise ValueError(f"the header {name} is given twice")
            if len(text) > 4096 or any(ord(ch) < 32 and ch != "\t" or ord(ch) == 127 for ch in text):
                raise ValueError(f"the value of {name} must be one line of at most 4096 characters")
            seen.add(lower)
        return value

    @field_validator("secret", mode="before")
    @classmethod
    def _blank_secret(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value is not None:
            secret_key(value.strip())
            return value.strip()
        return value


# -- outcome in plain words -------------------------------------------------------------------------------


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """`Retry-After` as seconds from `now`: a number of seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def _status_words(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def check_response(status: int, retry_after: str | None, now: datetime) -> None:
    """Nothing for a 2xx; otherwise the SendError that tells people what the receiver said."""
    if 200 <= status < 300:
        return
    words = _status_words(status)
    if status in (408, 429) or status >= 500:
        raise SendError(
            {
                "de": f"Das Webhook-Ziel ist gerade nicht bereit ({words}) — wird später erneut versucht.",
                "en": f"The webhook receiver is not ready right now ({words}) — will try again later.",
            },
            transient=True,
            retry_after=retry_after_seconds(retry_after, now),
        )
    raise SendError(_refusal(status, words), transient=False)


def _refusal(status: int, words: str) -> dict[Language, str]:
    if status == 410:
        return {
            "de": f"Das Webhook-Ziel gibt es nicht mehr ({words}) — Adresse prüfen oder den Kanal löschen.",
            "en": f"The webhook receiver is gone ({words}) — check the URL or delete the channel.",
        }
    if 300 <= status < 400:
        return {
            "de": f"Das Webhook-Ziel leitet weiter ({words}) — bitte die endgültige Adresse eintragen.",
            "en": f"The webhook receiver redirects ({words}) — please enter the final URL.",
        }
    if status in (401, 403):
        return {
            "de": f"Das Webhook-Ziel lässt uns nicht herein ({words}) — Secret und Header prüfen.",
            "en": f"The webhook receiver refuses access ({words}) — check the secret and the headers.",
        }
    if status == 404:
        return {
            "de": f"Das Webhook-Ziel wurde nicht gefunden ({words}) — Adresse prüfen.",
            "en": f"The webhook receiver was not found ({words}) — check the URL.",
        }
    return {
        "de": f"Das Webhook-Ziel hat die Nachricht abgelehnt ({words}).",
        "en": f"The webhook receiver rejected the message ({words}).",
    }


_TIMED_OUT: dict[Language, str] = {
    "de": f"Das Webhook-Ziel hat nicht innerhalb von {TIMEOUT_SECONDS:g} s geantwortet.",
    "en": f"The webhook receiver did not answer within {TIMEOUT_SECONDS:g} s.",
}
_UNREACHABLE: dict[Language, str] = {
    "de": "Webhook-Ziel nicht erreichbar — Adresse und Internetverbindung prüfen.",
    "en": "Webhook receiver unreachable — check the URL and the connection.",
}
_BAD_CERT: dict[Language, str] = {
    "de": "Das HTTPS-Zertifikat des Webhook-Ziels ist ungültig oder nicht vertrauenswürdig.",
    "en": "The webhook receiver's HTTPS certificate is invalid or not trusted.",
}


# -- the channel type -------------------------------------------------------------------------------------


def encode_payload(payload: dict[str, Any]) -> bytes:
    """The request body: compact UTF-8 JSON (exactly the bytes that are signed)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class WebhookChannel:
    """The built-in `webhook` channel type. `transport` replaces the network (tests, MockTransport)."""

    name: ClassVar[str] = "webhook"
    config_model: ClassVar[type[BaseModel]] = WebhookConfig
    secret_fields: ClassVar[frozenset[str]] = frozenset({"secret"})
    default_format: ClassVar[str] = "full"

    def __init__(self, clock: Clock | None = None, transport: httpx2.AsyncBaseTransport | None = None) -> None:
        self._clock: Clock = clock or SystemClock()
        self._transport = transport

    def request_headers(self, config: WebhookConfig, delivery_id: str, body: bytes) -> dict[str, str]:
        timestamp = int(self._clock.now().timestamp())
        headers = {
            **config.headers,
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": delivery_id,
            "webhook-timestamp": str(timestamp),
        }
        if config.secret:
            headers["webhook-signature"] = sign(config.secret, delivery_id, timestamp, body)
        return headers

    async def send(self, config: dict[str, Any], message: Message) -> None:
        import httpx2

        settings = WebhookConfig.model_validate(config)
        body = encode_payload(message.payload)
        headers = self.request_headers(settings, message.delivery_id, body)
        try:
            async with httpx2.AsyncClient(
                timeout=TIMEOUT_SECONDS,
                follow_redirects=False,
                transport=self._transport,
                verify=tls.default_context(),
            ) as http:
                response = await http.request(settings.method, settings.url, content=body, headers=headers)
        except httpx2.TimeoutException:
            raise SendError(_TIMED_OUT, transient=True) from None
        except (httpx2.HTTPError, httpx2.InvalidURL) as exc:
            bad_cert = any(isinstance(cause, ssl.SSLCertVerificationError) for cause in exception_chain(exc))
            raise (
                SendError(_BAD_CERT, transient=False) if bad_cert else SendError(_UNREACHABLE, transient=True)
            ) from None
        check_response(response.status_code, response.headers.get("retry-after"), self._clock.now())

    async def test(self, config: dict[str, Any], language: Language) -> None:
        now = self._clock.now()
        text = "openOrchestrator ist verbunden ✅" if language == "de" else "openOrchestrator is connected ✅"
        payload = {"event": "test", "message": text, "created_at": now.isoformat()}
        message = Message(
            subject="openOrchestrator: Test" if language == "de" else "openOrchestrator: test",
            text=text,
            html=None,
            payload=payload,
            delivery_id=f"test_{uuid4().hex}",
            language=language,
        )
        await self.send(config, message)


registry.register(WebhookChannel())
