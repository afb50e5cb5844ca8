"""What a bot's link to a channel says: when to tell (`notify_rule`) and how much (`format`).

The notification system decides with these (notifications/rules.py); the channel API checks them.
"""

from __future__ import annotations

from typing import Literal, get_args

NotifyRule = Literal["always", "on_new", "on_results", "on_error", "never"]
Format = Literal["short", "full", "summary"]

RULES: tuple[str, ...] = get_args(NotifyRule)
FORMATS: tuple[str, ...] = get_args(Format)
