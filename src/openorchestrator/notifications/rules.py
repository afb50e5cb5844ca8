"""Which finished runs a bot↔channel link tells about. Deterministic: the same run always gives the same answer.

- `always`: every finished run (completed, failed, timeout; not a run its user cancelled, not a schedule record)
- `on_new`: a completed run whose output differs from the previous completed one (`is_new`)
- `on_results`: a completed run whose output is not empty and does not say "no results" (the bot's
  `no_results_pattern`, or `DEFAULT_NO_RESULTS`)
- `on_error`: a failed or timed-out run, and events (budget, stale bot, key invalid)
- `never`: nothing
"""

from __future__ import annotations

import re
from functools import lru_cache

from openorchestrator.channels.links import Format as Format  # re-exported: the rules speak of them
from openorchestrator.channels.links import NotifyRule as NotifyRule

DEFAULT_NO_RESULTS = (
    r"^\W*("
    r"(keine|kein)\s+(neuen?\s+)?(ergebnis(se)?|treffer|angebote?|funde?|nachrichten|änderungen|einträge)"
    r"|nichts\s+neues"
    r"|no\s+(new\s+)?(results?|matches|offers?|findings?|news|changes|items|entries)"
    r"|nothing\s+new"
    r")\b"
)
"""An output that *starts* with one of these (case-insensitive, after punctuation/emoji) means "no results"."""

ERROR_STATUSES = frozenset({"failed", "timeout"})


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def check_pattern(pattern: str) -> str | None:
    """Why a user's pattern cannot be used, or None."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    return None


def has_results(output: str | None, pattern: str | None) -> bool:
    text = (output or "").strip()
    if not text:
        return False
    return _compiled(pattern or DEFAULT_NO_RESULTS).search(text) is None


def run_matches(rule: str, *, status: str, is_new: bool | None, output: str | None, pattern: str | None) -> bool:
    if rule == "never":
        return False
    if rule == "always":
        return status == "completed" or status in ERROR_STATUSES
    if rule == "on_error":
        return status in ERROR_STATUSES
    if status != "completed":
        return False
    if rule == "on_new":
        return bool(is_new)
    if rule == "on_results":
        return has_results(output, pattern)
    return False


def event_matches(rule: str) -> bool:
    """Events (budget reached, stale bot, key invalid) are errors: they go where errors go."""
    return rule in ("always", "on_error")
