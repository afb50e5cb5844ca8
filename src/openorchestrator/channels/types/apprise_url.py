"""The apprise channel: one Apprise URL (Discord, Slack, ntfy, Gotify, Pushover, … 100+ services).

Apprise loads on first use (validation or send) and is synchronous underneath, so a send runs in a worker
thread with a time limit. The URL carries the service's tokens, so it is a secret: never in an error or a log.
Apprise only says whether it delivered, not why, so a failure is always reported as worth another attempt.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openorchestrator.channels import registry
from openorchestrator.channels.base import Message, SendError, Texts
from openorchestrator.core.i18n import Language

TIMEOUT_SECONDS = 20.0
FAILED_STATUSES = frozenset({"failed", "timeout"})
"""Run statuses sent as Apprise's "failure" type (services show them in red or with another icon)."""

_NOT_DELIVERED: Texts = {
    "de": "Apprise konnte nicht zustellen (siehe den Status des Dienstes).",
    "en": "Apprise could not deliver (see the service's status).",
}
_TIMED_OUT: Texts = {
    "de": f"Apprise hat nicht innerhalb von {TIMEOUT_SECONDS:g} s zugestellt — der Dienst ist langsam oder nicht "
    "erreichbar.",
    "en": f"Apprise did not deliver within {TIMEOUT_SECONDS:g} s — the service is slow or unreachable.",
}


def is_known_url(url: str) -> bool:
    """True if Apprise accepts `url` as exactly one notification service."""
    import apprise

    notifier = apprise.Apprise()
    return bool(notifier.add(url)) and len(notifier) == 1


class AppriseConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=4096)
    """e.g. "ntfy://ntfy.sh/my-topic" or "discord://webhook_id/webhook_token" (https://appriseit.com)."""

    @field_validator("url")
    @classmethod
    def _known(cls, value: str) -> str:
        value = value.strip()
        if not is_known_url(value):  # the message must not repeat the URL: it holds tokens
            raise ValueError("Apprise does not know this URL (one service URL per channel, e.g. ntfy://ntfy.sh/topic)")
        return value


def _notify(url: str, title: str, body: str, notify_type: str) -> bool:
    import apprise

    notifier = apprise.Apprise()
    try:
        return bool(notifier.add(url)) and bool(notifier.notify(body=body, title=title, notify_type=notify_type))
    except Exception:  # a plugin's own bug; its text may hold the URL's tokens, so it is not passed on
        return False


class AppriseChannel:
    """The built-in `apprise` channel type."""

    name: ClassVar[str] = "apprise"
    config_model: ClassVar[type[BaseModel]] = AppriseConfig
    secret_fields: ClassVar[frozenset[str]] = frozenset({"url"})
    default_format: ClassVar[str] = "short"

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self._timeout = timeout

    async def send(self, config: dict[str, Any], message: Message) -> None:
        url = str(config["url"])  # checked when the channel was saved; checking again would import Apprise here
        kind = "failure" if message.payload.get("status") in FAILED_STATUSES else "info"
        try:
            async with asyncio.timeout(self._timeout):
                # The thread cannot be cancelled; it ends with Apprise's own socket timeouts.
                delivered = await asyncio.to_thread(_notify, url, message.subject, message.text, kind)
        except TimeoutError:
            raise SendError(_TIMED_OUT, transient=True) from None
        if not delivered:
            raise SendError(_NOT_DELIVERED, transient=True)

    async def test(self, config: dict[str, Any], language: Language) -> None:
        text = "openOrchestrator ist verbunden ✅" if language == "de" else "openOrchestrator is connected ✅"
        message = Message(
            subject="openOrchestrator: Test" if language == "de" else "openOrchestrator: test",
            text=text,
            html=None,
            payload={"event": "test"},
            delivery_id=f"test_{uuid4().hex}",
            language=language,
        )
        await self.send(config, message)


registry.register(AppriseChannel())
