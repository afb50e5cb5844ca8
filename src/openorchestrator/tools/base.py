"""What a tool is: the contract between the tool-call loop and each thing a bot's model may call.

A tool is a plugin: an object with a `name` (what a bot lists in its `tools`), a `description`, the
`functions` the model sees (a name, a description, a JSON schema for the arguments and an async `call`), and
`settings` (shown by `GET /api/tools`). Built-in tools register themselves in `registry.py` exactly like a
third-party one would (`register(MyTool())`).

Everything a model passes to a tool is hostile input: a page the bot read may have told it what to do.
`call` checks its arguments itself, keeps to its limits (size, time), and answers a refused or failed call
by raising `ToolRefused` with plain words; the loop hands those words to the model as the result and logs
the refusal. Any other exception is a bug in the tool; the loop reports it to the model as "internal error"
without details and logs it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from openorchestrator.core.i18n import Language


@dataclass(frozen=True)
class ToolContext:
    """What a tool call may know about the run it serves. Built per run by the engine."""

    bot_id: str
    bot_dir: Path
    """`<data>/bots/<bot_id>/`: the only folder the `files` tool may touch (created on first write)."""
    fetch_allowlist: tuple[str, ...] = ()
    """Hosts or CIDRs (the `fetch_allowlist` setting) that `web_fetch` may reach although they are private."""
    language: Language = "de"
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Decrypted keys a tool needs (e.g. {"brave": ...}). Never logged, never returned to the model."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """Per-tool options and endpoint overrides (e.g. search result count, a test's local search URL)."""


class ToolRefused(Exception):
    """A call the tool would not or could not carry out, in plain words for the model ("blocked: …").

    `code` is a short machine word for the run log ("blocked", "not_found", "too_large", "timeout", …)."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


ToolCall = Callable[[ToolContext, dict[str, Any]], Awaitable[str]]


@dataclass(frozen=True)
class ToolFunction:
    """One function the model sees. `parameters` is a JSON schema object; `call` returns the text result."""

    name: str
    description: str
    parameters: dict[str, Any]
    call: ToolCall
    changes_state: bool = False
    """True if a successful call changes something (writes a file): then the run is not repeated by a
    fallback model or a retry, which would do it again."""


class Tool(Protocol):
    name: ClassVar[str]
    description: ClassVar[str]

    def functions(self) -> list[ToolFunction]: ...

    def settings(self) -> dict[str, Any]:
        """The limits and options a user may want to know (shown by `GET /api/tools`)."""
        ...
