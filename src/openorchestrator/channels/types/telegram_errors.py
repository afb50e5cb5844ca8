"""Telegram's errors in the user's words, and the bot token kept out of every text and log line.

python-telegram-bot is imported on first use only. Its URLs carry the token (`/bot<token>/sendMessage`), and so
may its exception texts and log lines (`Bot.initialize` even puts the token into `InvalidToken`'s message, and
`Bot.__init__` logs the URL at DEBUG). So every `SendError` is written from our own words (Telegram's description
at most, scrubbed), raised `from None`, and a filter on the loggers of telegram, httpx and httpcore blanks
anything shaped like a token.

    TelegramError ─┬─ RetryAfter                  → transient, retry_after
                   ├─ InvalidToken (401/404)       → token invalid
                   ├─ Forbidden (403)              → bot blocked / removed
                   ├─ ChatMigrated                 → group became a supergroup: pair again
                   ├─ Conflict (409)               → a webhook or another program reads the updates
                   └─ NetworkError ─┬─ BadRequest  → "chat not found" or Telegram's description
                                    ├─ TimedOut    → transient
                                    └─ (others)    → transient
"""

from __future__ import annotations

import logging
import re
import warnings
from datetime import timedelta
from typing import TYPE_CHECKING

from openorchestrator.channels.base import SendError, Texts

if TYPE_CHECKING:
    from telegram.error import RetryAfter, TelegramError

_TOKEN_LIKE = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,}")
_REDACTED_LOGGERS = (
    "telegram",
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "telegram.ext.Application",
    "telegram.ext.Updater",
    "telegram.request.BaseRequest",
    "telegram.request.HTTPXRequest",
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)

INVALID_TOKEN: Texts = {"de": "Der Telegram-Bot-Token ist ungültig.", "en": "The Telegram bot token is invalid."}
FORBIDDEN: Texts = {
    "de": "Der Bot darf in diesen Chat nicht schreiben — wurde er blockiert oder aus der Gruppe entfernt?",
    "en": "The bot may not write to this chat — was it blocked or removed from the group?",
}
CHAT_NOT_FOUND: Texts = {
    "de": "Telegram kennt diesen Chat nicht — bitte neu koppeln.",
    "en": "Telegram does not know this chat — please pair again.",
}
CHAT_MIGRATED: Texts = {
    "de": "Die Gruppe ist zu einer Supergruppe geworden und hat eine neue Chat-ID — bitte neu koppeln.",
    "en": "The group became a supergroup with a new chat id — please pair again.",
}
CONFLICT: Texts = {
    "de": "Ein anderes Programm (oder ein Webhook) liest die Nachrichten dieses Bots — bitte dort abmelden.",
    "en": "Another program (or a webhook) reads this bot's messages — please disconnect it there.",
}
UNREACHABLE: Texts = {
    "de": "Telegram ist nicht erreichbar — Internetverbindung oder API-Adresse prüfen.",
    "en": "Telegram cannot be reached — check the connection or the API address.",
}


# --- errors ---------------------------------------------------------------------------------------------------


def send_error(exc: TelegramError, token: str) -> SendError:
    """`exc` as a SendError in our own words (Telegram's description at most, scrubbed of the token)."""
    from telegram import error

    if isinstance(exc, error.RetryAfter):
        seconds = _retry_after_seconds(exc)
        texts: Texts = {
            "de": f"Telegram bremst gerade (zu viele Nachrichten) — neuer Versuch in {seconds:g} s.",
            "en": f"Telegram is rate limiting (too many messages) — next try in {seconds:g} s.",
        }
        return SendError(texts, transient=True, retry_after=seconds)
    detail = scrub(exc.message, token)[:200]
    if isinstance(exc, error.InvalidToken) and _answer_was_not_json(exc):
        # A 401/404 page that is not the Bot API's JSON: the address is no Bot API; the token may well be fine.
        return SendError(_unexpected(""), transient=False)  # its text is about the token: misleading here
    fixed = (
        (error.InvalidToken, INVALID_TOKEN),
        (error.Forbidden, FORBIDDEN),
        (error.ChatMigrated, CHAT_MIGRATED),
        (error.Conflict, CONFLICT),
    )
    for kind, words in fixed:
        if isinstance(exc, kind):
            return SendError(words, transient=False)
    if isinstance(exc, error.BadRequest):
        if "chat not found" in detail.lower():
            return SendError(CHAT_NOT_FOUND, transient=False)
        rejected: Texts = {
            "de": f"Telegram hat die Nachricht abgelehnt: {detail}",
            "en": f"Telegram rejected the message: {detail}",
        }
        return SendError(rejected, transient=False)
    if isinstance(exc, error.NetworkError):  # includes TimedOut and 5xx answers
        return SendError(UNREACHABLE, transient=True)
    return SendError(_unexpected(detail), transient=False)


def _answer_was_not_json(exc: BaseException) -> bool:
    """python-telegram-bot chains a plain TelegramError("Invalid server response") when it could not parse."""
    from telegram.error import TelegramError

    cause = exc.__cause__
    while cause is not None:
        if type(cause) is TelegramError:
            return True
        cause = cause.__cause__
    return False


def _unexpected(detail: str) -> Texts:
    """For answers that are not the Bot API's JSON, usually a wrong API address."""
    detail = f" ({detail})" if detail else ""
    return {
        "de": f"Unerwartete Antwort von Telegram — API-Adresse prüfen{detail}.",
        "en": f"Unexpected answer from Telegram — check the API address{detail}.",
    }


def _retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # v22.2+: reading it as int is deprecated in favour of timedelta; both shapes are handled here.
        warnings.simplefilter("ignore", DeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# --- logs -----------------------------------------------------------------------------------------------------


def scrub(text: str, token: str | None = None) -> str:
    """`text` with the token, and anything shaped like a bot token, replaced by "<token>"."""
    if token:
        text = text.replace(token, "<token>")
    return _TOKEN_LIKE.sub("<token>", text)


class _TokenRedactor(logging.Filter):
    """Formats each record once and blanks token-shaped text in it (message, args, traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = f"{record.msg} {record.args}"
        record.msg, record.args = scrub(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def redact_token_logs() -> None:
    """Put the token filter on the loggers that see Telegram URLs (a logger's filter sees only its own records,
    so each one by name). Idempotent; loads no library."""
    for name in _REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _TokenRedactor) for f in logger.filters):
            logger.addFilter(_TokenRedactor())
