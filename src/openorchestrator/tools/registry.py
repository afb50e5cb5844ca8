"""The tools this app knows. Built-ins register themselves here like any plugin would."""

from __future__ import annotations

import importlib

from openorchestrator.core.plugins import TOOLS_GROUP, load_entry_points
from openorchestrator.tools.base import Tool

_TOOLS: dict[str, Tool] = {}
BUILTIN_MODULES = (
    "openorchestrator.tools.types.web_search",
    "openorchestrator.tools.types.web_fetch",
    "openorchestrator.tools.types.files",
)
"""Each module calls `register(...)` when imported."""


def register(tool: Tool) -> Tool:
    _TOOLS[tool.name] = tool
    return tool


_loaded = False


def load_builtins() -> None:
    """Import the built-ins, then third-party plugins (entry points), once."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    load_entry_points(TOOLS_GROUP)


def get(name: str) -> Tool:
    """The tool called `name`; KeyError if there is none."""
    load_builtins()
    return _TOOLS[name]


def names() -> list[str]:
    load_builtins()
    return sorted(_TOOLS)
