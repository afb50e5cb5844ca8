"""A local stand-in for the Telegram Bot API, reached through python-telegram-bot's `base_url`.

`FakeTelegram` serves `GET|POST /bot<token>/<method>` on 127.0.0.1 (ephemeral port) for `getMe`, `getUpdates` and
`sendMessage` with the Bot API's JSON shapes (`{"ok": true, "result": ...}`, `{"ok": false, "error_code": ...,
"description": ..., "parameters": ...}`). Parameters may come as query string, form fields (what python-telegram-bot
sends) or JSON. Only `token` is accepted (another one: 401 Unauthorized; no `/bot<token>/<method>`: 404).

`sendMessage` checks what Telegram checks: the chat must be known (it wrote to the bot, or `add_chat`), else
400 "chat not found"; with parse_mode HTML the text must be Telegram HTML (supported tags, `<`, `>` and `&`
escaped), else 400 "can't parse entities"; 1-4096 characters after entity parsing. Every accepted message is
kept in `fake.sent` (chat_id, text as sent, parse_mode, plain text after parsing); every call in `fake.calls`.

    with FakeTelegram() as fake:
        fake.add_message(4711, "OO-4821-KQ", from_name="Ada")
        fake.fail_next("sendMessage", too_many_requests(retry_after=3))
        config = {"bot_token": fake.token, "chat_id": 4711, "api_url": fake.api_url}

Failures are scripted per method with `fail_next(method, *replies)` (one-shot, in order): `too_many_requests`,
`chat_not_found`, `bot_blocked`, `webhook_conflict`, `bad_gateway`, `failure(status, description)`, an
`ErrorReply(status, "<html>...")` (a page that is not the Bot API), and the generic `hang`, `delay`, `drop`.
"""

from __future__ import annotations

import html
import itertools
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qs

from ._fake_http import (
    DelayReply,
    DropReply,
    ErrorReply,
    FakeHandler,
    FakeServer,
    HangReply,
    drop,
    hang,
    query_of,
)

__all__ = [
    "AnswerNormally",
    "DEFAULT_TOKEN",
    "ErrorReply",
    "FakeTelegram",
    "SentMessage",
    "TelegramCall",
    "bad_gateway",
    "bot_blocked",
    "chat_not_found",
    "delay",
    "drop",
    "failure",
    "hang",
    "parse_html",
    "placeholder_token",
    "too_many_requests",
    "webhook_conflict",
]


def placeholder_token(bot_number: int, words: str) -> str:
    """A token in BotFather's shape ("<digits>:<30+ letters>") that is plainly not a real one; built here, so no
    token-shaped literal sits in the sources."""
    return f"{bot_number}:" + f"placeholder-{words}".ljust(30, "x")


DEFAULT_TOKEN = placeholder_token(123456789, "not-a-real-token")
MAX_TEXT_UNITS = 4096

_PATH = re.compile(r"/bot([^/]+)/([A-Za-z]+)")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre"}
    | {"blockquote", "tg-emoji"}
)


# --- scripted failures ----------------------------------------------------------------------------------------


def failure(status: int, description: str, parameters: Mapping[str, Any] | None = None) -> ErrorReply:
    """An error answer as the Bot API sends it."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = dict(parameters)
    return ErrorReply(status, body)


def too_many_requests(retry_after: int = 3) -> ErrorReply:
    """429 flood control, with `parameters.retry_after`."""
    return failure(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def chat_not_found() -> ErrorReply:
    return failure(400, "Bad Request: chat not found")


def bot_blocked() -> ErrorReply:
    return failure(403, "Forbidden: bot was blocked by the user")


def webhook_conflict() -> ErrorReply:
    return failure(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    )


def bad_gateway() -> ErrorReply:
    return failure(502, "Bad Gateway")


@dataclass(frozen=True)
class AnswerNormally:
    """A scripted reply that is no failure: the method answers as usual (used by `delay`)."""


def delay(seconds: float, reply: ErrorReply | None = None) -> DelayReply:
    """Wait `seconds`, then fail with `reply` (or, with None, answer normally)."""
    return DelayReply(seconds, reply if reply is not None else AnswerNormally())


# --- Telegram HTML --------------------------------------------------------------------------------------------


def parse_html(text: str) -> str:
    """The plain text Telegram makes of `text` with parse_mode HTML; ValueError with Telegram's words if it
    cannot parse it (https://core.telegram.org/bots/api#html-style)."""
    out: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        offset = len(text[:pos].encode())
        if char == "<":
            tag = _TAG.match(text, pos)
            name = tag.group(2).lower() if tag else text[pos + 1 : pos + 8]
            if tag is None or name not in _TAGS:
                raise ValueError(f'Unsupported start tag "{name}" at byte offset {offset}')
            if tag.group(1):
                if not open_tags or open_tags[-1] != name:
                    raise ValueError(f'Unmatched end tag at byte offset {offset}, expected "</{name}>"')
                open_tags.pop()
            else:
                open_tags.append(name)
            pos = tag.end()
        elif char == "&":
            entity = _ENTITY.match(text, pos)
            if entity is None:
                raise ValueError(f"Character entity expected at byte offset {offset}")
            out.append(html.unescape(entity.group()))
            pos = entity.end()
        elif char == ">":
            raise ValueError(f'Unexpected ">" at byte offset {offset}')
        else:
            out.append(char)
            pos += 1
    if open_tags:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(out)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- records --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TelegramCall:
    """One Bot API call: the method as named in the URL, the token, the parameters (as strings, like the wire)."""

    method: str
    token: str
    params: dict[str, Any]


@dataclass(frozen=True)
class SentMessage:
    """One message the fake accepted."""

    chat_id: int | str
    text: str
    """As sent (with HTML tags and entities when parse_mode is HTML)."""
    parse_mode: str | None
    plain: str
    """What the user sees: the text after entity parsing."""


# --- server ---------------------------------------------------------------------------------------------------


class _TelegramHandler(FakeHandler):
    server_version = "nginx/1.18.0"  # what api.telegram.org answers with
    raw_body: bytes = b""

    def _read_body(self) -> bytes:
        self.raw_body = super()._read_body()
        return self.raw_body

    def internal_error(self, exc: Exception) -> None:
        self.send_json(500, {"ok": False, "error_code": 500, "description": f"Internal Server Error: {exc!r}"})

    def route(self, path: str, body: Any, bad_json: bool, headers: Mapping[str, str]) -> None:
        fake = self.server.fake
        assert isinstance(fake, FakeTelegram)
        match = _PATH.fullmatch(path)
        if match is None:
            self.send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = match.groups()
        params = self._params(body, headers)
        fake._record_call(TelegramCall(method, token, params))
        if token != fake.token:
            self.send_json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        scripted = fake._next_reply(method.lower())
        reply = self.resolve(scripted) if scripted is not None else AnswerNormally()
        if isinstance(reply, ErrorReply):
            self.send_error_reply(reply, method)
        elif reply is not None:  # None: hung up or dropped
            self.send_json(*fake.answer(method, params))

    def _params(self, body: Any, headers: Mapping[str, str]) -> dict[str, Any]:
        params: dict[str, Any] = dict(query_of(self.path))
        if isinstance(body, dict):
            params.update(body)
        elif headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            form = parse_qs(self.raw_body.decode(), keep_blank_values=True)
            params.update({key: values[-1] for key, values in form.items()})
        return params

    def send_error_reply(self, reply: ErrorReply, model: str) -> None:
        """The body as scripted: a dict as JSON, a str (a proxy's error page, say) as text/html."""
        if isinstance(reply.body, str):
            self.send(reply.status, reply.body.encode(), "text/html; charset=utf-8", reply.headers)
        else:
            self.send_json(reply.status, reply.body, reply.headers)


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


def _bad(status: int, description: str) -> tuple[int, dict[str, Any]]:
    return status, {"ok": False, "error_code": status, "description": description}


def _as_chat_id(value: Any) -> int | str:
    text = str(value).strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else text


class FakeTelegram(FakeServer):
    """The Bot API of one bot. Use as `with FakeTelegram(token=...) as fake:`."""

    handler_class: ClassVar[type[FakeHandler]] = _TelegramHandler
    thread_name: ClassVar[str] = "fake-telegram"
    DEFAULT_REPLY: ClassVar[Any] = None  # nothing scripted: answer normally

    def __init__(self, token: str = DEFAULT_TOKEN, bot_username: str = "oo_test_bot") -> None:
        super().__init__()
        self.token = token
        self.bot_username = bot_username
        self._update_ids = itertools.count(700_000_001)
        self._message_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []
        self._chats: dict[str, dict[str, Any]] = {}
        self._sent: list[SentMessage] = []
        self._calls: list[TelegramCall] = []

    @classmethod
    def coerce(cls, reply: Any) -> Any:
        if isinstance(reply, (ErrorReply, HangReply, DelayReply, DropReply, AnswerNormally)):
            return reply
        raise TypeError(f"not a scripted failure: {reply!r}")

    # -- addresses and identity ------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """What goes into the channel's `api_url` (python-telegram-bot adds `/bot<token>`)."""
        return self.root_url

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": int(self.token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "openOrchestrator Test",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    # -- scripting -------------------------------------------------------------------------------------------

    def add_chat(self, chat_id: int | str, name: str = "Ada") -> dict[str, Any]:
        """Make a chat known (as if it had written to the bot before); returns its Chat object."""
        chat_id = _as_chat_id(chat_id)
        if isinstance(chat_id, int) and chat_id > 0:
            chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": name}
        elif isinstance(chat_id, int):
            chat = {"id": chat_id, "type": "supergroup" if str(chat_id).startswith("-100") else "group", "title": name}
        else:
            chat = {"id": -1001000000000 - len(self._chats), "type": "channel", "title": name, "username": chat_id[1:]}
        with self._lock:
            self._chats.setdefault(str(chat_id), chat)
            return self._chats[str(chat_id)]

    def add_message(self, chat_id: int, text: str, from_name: str = "Ada") -> int:
        """A user writes `text` to the bot in chat `chat_id`; it waits in getUpdates. Returns its update_id."""
        chat = self.add_chat(chat_id, from_name)
        sender_id = chat_id if chat_id > 0 else 10_000 + abs(chat_id) % 100_000
        with self._lock:
            update_id = next(self._update_ids)
            message = {
                "message_id": next(self._message_ids),
                "from": {"id": sender_id, "is_bot": False, "first_name": from_name, "language_code": "de"},
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            self._updates.append({"update_id": update_id, "message": message})
        return update_id

    def fail_next(self, method: str, *replies: Any) -> None:
        """The next calls of `method` (e.g. "sendMessage") get these failures, one each, in order."""
        self.script_for_model(method.lower(), *replies)

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self._updates.clear()
            self._chats.clear()
            self._sent.clear()
            self._calls.clear()

    # -- what happened ---------------------------------------------------------------------------------------

    @property
    def sent(self) -> list[SentMessage]:
        with self._lock:
            return list(self._sent)

    @property
    def calls(self) -> list[TelegramCall]:
        with self._lock:
            return list(self._calls)

    def calls_of(self, method: str) -> list[TelegramCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def _record_call(self, call: TelegramCall) -> None:
        with self._lock:
            self._calls.append(call)

    # -- methods ---------------------------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The status and JSON body for an authorised call of `method` (method names are case-insensitive)."""
        match method.lower():
            case "getme":
                return _ok(self.bot_user)
            case "getupdates":
                return self._get_updates(params)
            case "sendmessage":
                return self._send_message(params)
            case _:
                return _bad(404, "Not Found: method not found")

    def _get_updates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        with self._lock:
            if offset > 0:  # confirms (forgets) everything before it, as Telegram does
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            return _ok(self._updates[:limit])

    def _send_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = _as_chat_id(params.get("chat_id", ""))
        text = str(params.get("text", ""))
        parse_mode = params.get("parse_mode")
        with self._lock:
            chat = self._chats.get(str(chat_id))
        if chat is None:
            return _bad(400, "Bad Request: chat not found")
        try:
            plain = parse_html(text) if str(parse_mode).upper() == "HTML" else text
        except ValueError as exc:
            return _bad(400, f"Bad Request: can't parse entities: {exc}")
        if not plain.strip():
            return _bad(400, "Bad Request: message text is empty")
        if _units(plain) > MAX_TEXT_UNITS:
            return _bad(400, "Bad Request: message is too long")
        with self._lock:
            self._sent.append(SentMessage(chat_id, text, parse_mode, plain))
            message_id = next(self._message_ids)
        result = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            "text": plain,
        }
        return _ok(result)
