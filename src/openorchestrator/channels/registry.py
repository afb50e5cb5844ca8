"""The channel types this app knows. Built-ins register themselves here like any plugin would."""

from __future__ import annotations

import importlib

from openorchestrator.channels.base import ChannelType
from openorchestrator.core.plugins import CHANNELS_GROUP, load_entry_points

_TYPES: dict[str, ChannelType] = {}
BUILTIN_MODULES = (
    "openorchestrator.channels.types.telegram",
    "openorchestrator.channels.types.email",
    "openorchestrator.channels.types.webhook",
    "openorchestrator.channels.types.apprise_url",
)
"""Each module calls `register(...)` when imported; their third-party libraries load only on first send."""


def register(kind: ChannelType) -> ChannelType:
    _TYPES[kind.name] = kind
    return kind


_loaded = False


def load_builtins() -> None:
    """Import the built-ins, then third-party plugins (entry points), once."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    load_entry_points(CHANNELS_GROUP)


def get(name: str) -> ChannelType:
    """The type called `name`; KeyError if there is none."""
    load_builtins()
    return _TYPES[name]


def names() -> list[str]:
    load_builtins()
    return sorted(_TYPES)
