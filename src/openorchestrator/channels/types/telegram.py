"""Telegram: notifications through a bot the user made with @BotFather, and the pairing that finds their chat.

Pairing: the user pastes the token → `check_token` names the bot → the app shows `new_pairing_code()` → the user
sends that code to the bot → `find_chat` returns the chat that sent the code (not whoever wrote last).

python-telegram-bot is imported on first use only. What its errors mean to the user, and how the token is kept
out of every text and log line: `telegram_errors.py`.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from openorchestrator.channels import registry
from openorchestrator.channels.base import Message, SendError, Texts
from openorchestrator.channels.types.telegram_errors import redact_token_logs, send_error
from openorchestrator.core.i18n import Language

if TYPE_CHECKING:
    from telegram import Bot, Update

T = TypeVar("T")

DEFAULT_API_URL = "https://api.telegram.org"
MAX_MESSAGE_UNITS = 4096
"""Telegram's limit for a message, counted after entity parsing; counted here in UTF-16 units (emoji take two),
which is never less than what Telegram counts."""
MAX_SUBJECT_UNITS = 512
TIMEOUT_SECONDS = 10.0
ELLIPSIS = "…"

_TOKEN_FORMAT = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,64}")
_CHAT_ID_FORMAT = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,}")
_CODE_DIGITS = "23456789"
_CODE_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # no B/8, I/L/1, O/0, S/5, Z/2

CONNECTED: Texts = {"de": "✅ openOrchestrator ist verbunden.", "en": "✅ openOrchestrator is connected."}
NOT_PAIRED: Texts = {
    "de": "Telegram ist noch nicht gekoppelt — bitte in den Kanal-Einstellungen „Chat suchen“ ausführen.",
    "en": "Telegram is not paired yet — please run “Find chat” in the channel settings.",
}
BAD_CONFIG: Texts = {
    "de": "Die Telegram-Einstellungen sind unvollständig oder ungültig — bitte den Kanal neu einrichten.",
    "en": "The Telegram settings are incomplete or invalid — please set up the channel again.",
}


# --- configuration --------------------------------------------------------------------------------------------


class TelegramConfig(BaseModel):
    """What a Telegram channel needs. `chat_id` stays None until pairing found the chat."""

    # The token is a secret: a validation error must not echo it back.
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    bot_token: str
    chat_id: str | int | None = None
    api_url: str = DEFAULT_API_URL

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        token = value.strip()
        if not _TOKEN_FORMAT.fullmatch(token):
            raise ValueError(
                "not a Telegram bot token: @BotFather shows it as digits, a colon and about 35 letters, "
                "digits, '-' or '_' (like 123456789:ABC...)"
            )
        return token

    @field_validator("chat_id")
    @classmethod
    def _chat_id_shape(cls, value: str | int | None) -> str | int | None:
        if value is None or isinstance(value, int):
            return value
        chat_id = value.strip()
        if not chat_id:
            return None
        if not _CHAT_ID_FORMAT.fullmatch(chat_id):
            raise ValueError("a chat id is a number (like 123456789 or -1001234567890) or @channelname")
        return chat_id

    @field_validator("api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        url = value.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the API address must start with http:// or https://, like https://api.telegram.org")
        if "@" in parts.netloc:
            raise ValueError("the API address must not contain a user name or password")
        if "?" in url or "#" in url:
            raise ValueError("the API address must not contain a query (?...) or a fragment (#...)")
        try:
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise ValueError("the API address has an invalid port") from None
        url = url.rstrip("/")
        # People paste the address they see in Telegram's docs, which ends in /bot (python-telegram-bot adds it).
        return url.removesuffix("/bot").rstrip("/")


def _parse(config: dict[str, Any]) -> TelegramConfig:
    try:
        return TelegramConfig.model_validate(config)
    except ValidationError:
        raise SendError(BAD_CONFIG, transient=False) from None


# --- rendering ------------------------------------------------------------------------------------------------


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> str:
    """`text`, or as much of it as fits into `limit` UTF-16 units with "…" at the end."""
    if _units(text) <= limit:
        return text
    kept: list[str] = []
    used = _units(ELLIPSIS)
    for char in text:
        used += _units(char)
        if used > limit:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def render(subject: str, text: str) -> str:
    """Telegram HTML: the subject in bold, a blank line, the text; both escaped, cut to Telegram's limit."""
    subject = _cut(subject.strip(), MAX_SUBJECT_UNITS)
    text = text.strip()
    gap = "\n\n" if subject and text else ""
    text = _cut(text, MAX_MESSAGE_UNITS - _units(subject) - _units(gap))
    head = f"<b>{html.escape(subject, quote=False)}</b>" if subject else ""
    return head + gap + html.escape(text, quote=False)


# --- pairing --------------------------------------------------------------------------------------------------


def new_pairing_code() -> str:
    """A one-time code the user sends to their bot, like "OO-4821-KQ" (no look-alike characters)."""
    digits = "".join(secrets.choice(_CODE_DIGITS) for _ in range(4))
    letters = "".join(secrets.choice(_CODE_LETTERS) for _ in range(2))
    return f"OO-{digits}-{letters}"


def _squash(text: str) -> str:
    """Upper case letters and digits only: "oo 4821-kq" and "OO-4821-KQ" match."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


async def find_chat(config: dict[str, Any], code: str) -> str | None:
    """The id of the chat whose latest message containing `code` is the newest one, or None.

    Reads the bot's pending updates once (no long polling) without confirming them. Raises SendError like send."""
    wanted = _squash(code)
    if not wanted:
        return None
    updates = await _with_bot(_parse(config), _pending_updates)
    for update in sorted(updates, key=lambda u: u.update_id, reverse=True):
        message, chat = update.effective_message, update.effective_chat
        if message is not None and chat is not None and wanted in _squash(message.text or message.caption or ""):
            return str(chat.id)
    return None


async def _pending_updates(bot: Bot) -> tuple[Update, ...]:
    # Telegram keeps up to 100 unconfirmed updates per request; a fresh bot has a handful.
    return await bot.get_updates(timeout=0, limit=100)


async def check_token(config: dict[str, Any]) -> str:
    """The bot's "@username" (for "send the code to @MyBot"); SendError if the token does not work."""
    return "@" + await _with_bot(_parse(config), _username)


async def _username(bot: Bot) -> str:
    return bot.username  # known after initialize(), which calls getMe


# --- sending --------------------------------------------------------------------------------------------------


class TelegramChannel:
    """The channel type "telegram"."""

    name: ClassVar[str] = "telegram"
    config_model: ClassVar[type[BaseModel]] = TelegramConfig
    secret_fields: ClassVar[frozenset[str]] = frozenset({"bot_token"})
    default_format: ClassVar[str] = "short"

    async def send(self, config: dict[str, Any], message: Message) -> None:
        await _deliver(_parse(config), render(message.subject, message.text))

    async def test(self, config: dict[str, Any], language: Language) -> None:
        await _deliver(_parse(config), html.escape(CONNECTED[language], quote=False))


async def _deliver(settings: TelegramConfig, text: str) -> None:
    chat_id = settings.chat_id
    if chat_id is None:
        raise SendError(NOT_PAIRED, transient=False)

    async def post(bot: Bot) -> None:
        await bot.send_message(chat_id=chat_id, text=text, parse_mode="HTML")

    await _with_bot(settings, post)


async def _with_bot(settings: TelegramConfig, action: Callable[[Bot], Awaitable[T]]) -> T:
    """Run `action` with an initialized bot (getMe first); Telegram's errors become SendError."""
    from telegram.error import TelegramError

    redact_token_logs()
    try:
        async with _make_bot(settings) as bot:
            return await action(bot)
    except TelegramError as exc:
        # `from None`: the original text may hold the token (see telegram_errors.py).
        raise send_error(exc, settings.bot_token) from None


def _make_bot(settings: TelegramConfig) -> Bot:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    def request() -> HTTPXRequest:
        return HTTPXRequest(
            connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS, write_timeout=TIMEOUT_SECONDS
        )

    return Bot(
        settings.bot_token,
        base_url=f"{settings.api_url}/bot",
        base_file_url=f"{settings.api_url}/file/bot",
        request=request(),
        get_updates_request=request(),
    )


registry.register(TelegramChannel())
