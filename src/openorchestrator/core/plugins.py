"""Third-party plugins: packages that declare an entry point in one of our groups.

    [project.entry-points."openorchestrator.tools"]
    weather = "my_package.weather"          # a module that calls registry.register(...) when imported

Loading one imports it, and its `register(...)` call does the rest, exactly as for the built-ins. A plugin
that fails to import is logged and skipped: one broken package must not stop the app.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

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
