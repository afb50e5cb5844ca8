"""Process logging. Provider SDK clients log request URLs; those loggers are kept at WARNING so that no
URL that could carry a secret (Telegram puts its token into the path) reaches a log line. aiosqlite logs
every statement with its parameters (prompts, outputs) at DEBUG; it is kept quiet too."""

from __future__ import annotations

import logging

QUIET_LOGGERS = (
    "aiosqlite",
    "alembic",
    "httpx",
    "httpx2",
    "httpcore",
    "httpcore2",
    "openai",
    "anthropic",
    "mistralai",
    "google_genai",
    "telegram",  # its URLs carry the bot token
    "apprise",  # logs service URLs (tokens) and payloads at DEBUG
    "urllib3",
    "aiosmtplib",
)


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
