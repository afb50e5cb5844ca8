"""Third-party plugins: packages that declare an entry point in one of our groups.

    [project.entry-points."openorchestrator.tools"]
    weather = "my_package.weather"          # a module that calls registry.register(...) when imported

Loading one imports it, and its `register(...)` call does the rest, exactly as for the built-ins. A plugin
that fails to import is logged and skipped: one broken package must not stop the app.
"""

from __future__ import annotations

import importlib
import logging
from importlib.metadata import entry_points
from typing import Generic, Protocol, TypeVar

log = logging.getLogger(__name__)

TOOLS_GROUP = "openorchestrator.tools"
CHANNELS_GROUP = "openorchestrator.channels"


def load_entry_points(group: str) -> list[str]:
    """Import every plugin of `group`; the names of those that loaded."""
    loaded: list[str] = []
    for entry in entry_points(group=group):
        try:
            entry.load()
        except Exception:
            log.exception("plugin %r (%s) could not be loaded; skipped", entry.name, entry.value)
            continue
        loaded.append(entry.name)
    return loaded


class _Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=_Named)


class Registry(Generic[T]):
    """Plugins of one kind by name: the built-in modules, then the entry points of `group`, each imported once.

    A module registers what it brings with `register(...)` when it is imported, built-in or not."""

    def __init__(self, builtins: tuple[str, ...], group: str) -> None:
        self.builtins = builtins
        self.group = group
        self.items: dict[str, T] = {}
        self.loaded = False

    def register(self, item: T) -> T:
        self.items[item.name] = item
        return item

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        for module in self.builtins:
            importlib.import_module(module)
        load_entry_points(self.group)

    def get(self, name: str) -> T:
        """The plugin called `name`; KeyError if there is none."""
        self.load()
        return self.items[name]

    def names(self) -> list[str]:
        self.load()
        return sorted(self.items)
