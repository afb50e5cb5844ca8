"""What a channel type is: the contract between the notification core and each way of reaching a person.

A channel type is a plugin: an object with a `name`, a pydantic `config_model` (validated on create and
edit; `extra="forbid"`), the names of its `secret_fields` (encrypted at rest, shown only as hints), its
`default_format`, and `send` / `test`. Built-in types register themselves in `registry.py` exactly like a
third-party one would (`register(MyType())`).

`send` gets the decrypted config and a rendered `Message`; it returns nothing on success and raises
`SendError` with plain words in German and English otherwise. It must never log or put into an error a
secret (a bot token is part of Telegram's URLs; SMTP passwords; webhook secrets).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel

from openorchestrator.core.i18n import Language

Texts = dict[Language, str]
"""The same sentence in German and English: {"de": ..., "en": ...}."""


@dataclass(frozen=True)
class Message:
    """One notification, rendered for every kind of channel; each type takes what it needs."""

    subject: str
    """One line with emoji, bot name and the gist: "🛒 eBay-Scout — 3 neue Treffer"."""
    text: str
    """The body as Markdown-ish plain text (what chat and plain-text mail show)."""
    html: str | None
    """The body as sanitised HTML (mail's HTML part), or None."""
    payload: dict[str, Any]
    """The JSON a webhook posts: {event, bot_id, bot_name, run_id, status, output, is_new, tokens_in, tokens_out,
    cost_estimate, finished_at} for runs; {event, kind, bot_id, message, data, created_at} for events."""
    delivery_id: str
    """Stable per (run or event, channel): the same on every attempt, for the receiver's idempotency."""
    language: Language
    footer: str = ""
    """"openOrchestrator · 14:30 · Nächster Run: 15:30" (mail puts it under the body)."""
    extra: dict[str, Any] = field(default_factory=dict)


class SendError(Exception):
    """A delivery that did not work, in plain words.

    `transient`: worth another attempt later (network, 5xx, 429); `retry_after`: seconds the other side asked
    us to wait (Telegram's `retry_after`, HTTP `Retry-After`)."""

    def __init__(self, texts: Texts, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(texts["en"])
        self.texts = texts
        self.transient = transient
        self.retry_after = retry_after

    def text(self, language: Language) -> str:
        return self.texts[language]


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what caused it, outermost first: libraries wrap the error that names the real reason."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


class ChannelType(Protocol):
    name: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]
    secret_fields: ClassVar[frozenset[str]]
    default_format: ClassVar[str]
    """"short" | "full" | "summary"."""

    async def send(self, config: dict[str, Any], message: Message) -> None: ...

    async def test(self, config: dict[str, Any], language: Language) -> None:
        """Send a short test message ("openOrchestrator ist verbunden ✅"); raise SendError if it fails."""
        ...
