"""The channel types this app knows. Built-ins register themselves here exactly like a plugin would."""

from __future__ import annotations

from openorchestrator.channels.base import ChannelType
from openorchestrator.core.plugins import CHANNELS_GROUP, Registry

BUILTIN_MODULES = (
    "openorchestrator.channels.types.telegram",
    "openorchestrator.channels.types.email",
    "openorchestrator.channels.types.webhook",
    "openorchestrator.channels.types.apprise_url",
)
"""Each module calls `register(...)` when imported; their third-party libraries load only on first send."""

TYPES: Registry[ChannelType] = Registry(BUILTIN_MODULES, CHANNELS_GROUP)
register = TYPES.register
get = TYPES.get
names = TYPES.names
load_builtins = TYPES.load
