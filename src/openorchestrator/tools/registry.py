"""The tools this app knows. Built-ins register themselves here exactly like a plugin would."""

from __future__ import annotations

from openorchestrator.core.plugins import TOOLS_GROUP, Registry
from openorchestrator.tools.base import Tool

BUILTIN_MODULES = (
    "openorchestrator.tools.types.web_search",
    "openorchestrator.tools.types.web_fetch",
    "openorchestrator.tools.types.files",
)
"""Each module calls `register(...)` when imported."""

TOOLS: Registry[Tool] = Registry(BUILTIN_MODULES, TOOLS_GROUP)
register = TOOLS.register
get = TOOLS.get
names = TOOLS.names
load_builtins = TOOLS.load
